// `nabla explain … --html FILE`: one self-contained page (no server, no network, no external
// script or font) with the recorded graph and a step-through of the reverse sweep. Next and Back
// move record by record; the record being processed and the edges its adjoint flows along are
// highlighted, the running adjoints are in a table, and the last step shows the gradient. The
// page's state is window.nablaState ({step, steps, record, name, done}) for tests and scripts.
#pragma once

#include <Eigen/Core>

#include <string>
#include <vector>

#include <nabla/autodiff/formula/formula.hpp>

#include "trace.hpp"

namespace nabla::cli {

// The page's text. `outputs[k]` is the formula output (0-based) that traces[k] explains.
[[nodiscard]] std::string html_page(const Formula& f, const Eigen::VectorXd& x,
                                    const std::vector<ReverseTrace>& traces,
                                    const std::vector<std::size_t>& outputs);
// Writes html_page() to `path`; throws nabla::Error naming the path when it cannot.
void write_html_page(const std::string& path, const Formula& f, const Eigen::VectorXd& x,
                     const std::vector<ReverseTrace>& traces,
                     const std::vector<std::size_t>& outputs);

}  // namespace nabla::cli
