// How the teaching tools print numbers and matrices: explain(), to_dot() and the chain of
// Jacobians share one set of options, so a student reads the same digits everywhere.
//
//   nabla::explain(tape, loss);                                   // 6 significant digits
//   nabla::explain(tape, loss, nabla::ExplainOptions::exact());  // shortest round trip
#pragma once

#include <Eigen/Core>
#include <string>

namespace nabla {

struct ExplainOptions {
  // Significant digits of every printed number; 0 prints the shortest form that reads back as
  // the same double (what you read is then the exact value, 0.48999999999999994 for 0.7·0.7).
  int precision = 6;
  // Matrices with at most this many rows and columns are printed in full; larger ones as a
  // summary (shape, min, max, mean).
  Eigen::Index max_matrix = 6;

  [[nodiscard]] static ExplainOptions exact() {
    ExplainOptions o;
    o.precision = 0;
    return o;
  }
};

// v with `precision` significant digits (0: shortest round trip, −0 kept; otherwise −0
// prints as 0).
[[nodiscard]] std::string format_number(double v, int precision);

// A matrix as aligned rows "[ a  b ]", each line indented; precision as format_number.
[[nodiscard]] std::string format_matrix(const Eigen::MatrixXd& m, int indent = 4,
                                        int precision = 0);

// A matrix for explain() and to_dot(): "[ a b c ]" on one line for one row, otherwise rows
// below (indented), or a one-line summary when larger than options.max_matrix either way.
// `inline_text` receives what goes on the line itself, `block` the lines below (may be empty).
void format_value(const Eigen::MatrixXd& m, const ExplainOptions& options, int indent,
                  std::string& inline_text, std::string& block);

// The number of characters a terminal shows for UTF-8 text (code points; labels and the
// formulas' ∂, ×, ⊙ are one column each).
[[nodiscard]] std::size_t display_width(const std::string& s);
// s padded with spaces to `width` display columns.
[[nodiscard]] std::string pad(const std::string& s, std::size_t width);

}  // namespace nabla
