// What minimize() returns.
#pragma once

#include <fmt/format.h>

#include <Eigen/Core>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include <nabla/autodiff/teaching/stationary_kind.hpp>

#include <nabla/optim/run/evaluations.hpp>
#include <nabla/optim/run/history.hpp>
#include <nabla/optim/run/run_state.hpp>
#include <nabla/optim/run/stop_reason.hpp>

namespace nabla::optim {

struct Result {
  Eigen::VectorXd x;  // the last iterate (the best one after early stopping with restore_best,
                      // the last finite one after divergence)
  double value = std::numeric_limits<double>::quiet_NaN();  // the full objective at x
  std::int64_t iterations = 0;                              // parameter updates
  std::int64_t epochs = 0;   // passes over the data (= iterations for full batch)
  std::int64_t samples = 0;  // per-sample gradients evaluated by the updates
  StopReason stop_reason = StopReason::MaxIterations;
  std::string message;  // one sentence saying why it stopped
  History history;
  Eigen::VectorXd best_x;  // best iterate seen (track_best), and its objective value
  double best_value = std::numeric_limits<double>::infinity();
  Eigen::VectorXd averaged_x;  // iterate average (Options::averaging), and its value
  double averaged_value = std::numeric_limits<double>::quiet_NaN();
  Evaluations evaluations;  // what this call asked of the objective (nfev, njev, nhev, batches)
  std::string method;       // method_name() of the method that ran ("adam", "steepest_descent")
  RunState state;           // pass as Options::resume_from to continue the run
  // The second-order check of 002_…txt at x, by the methods that have the Hessian (Newton,
  // Newton–CG): ∇²Q's eigenvalues, ascending, and what they make of x (a local minimum when ∇Q
  // vanishes and all are > 0). Empty for the other methods.
  std::optional<StationaryKind> second_order;
  Eigen::VectorXd hessian_eigenvalues;

  [[nodiscard]] bool diverged() const noexcept { return stop_reason == StopReason::Diverged; }
  // False when the run failed: it diverged (a non-finite start included), its line search could
  // not make progress, or a method that needs a positive-definite Hessian met one that is not. A
  // budget or any criterion that was met is not a failure (scipy's `success` is false on a budget;
  // compare stop_reason for that).
  [[nodiscard]] bool success() const noexcept {
    return stop_reason != StopReason::Diverged && stop_reason != StopReason::LineSearchFailed &&
           stop_reason != StopReason::NegativeCurvature;
  }
};

}  // namespace nabla::optim

// "stopped: max_iterations after 1000 iterations (1000 epochs), Q = 0.4875, x = [1.25, 1, -0.25]"
template <>
struct fmt::formatter<nabla::optim::Result> {
  constexpr auto parse(format_parse_context& ctx) { return ctx.begin(); }
  auto format(const nabla::optim::Result& r, format_context& ctx) const {
    auto out =
        fmt::format_to(ctx.out(), "stopped: {} after {} iterations ({} epochs), Q = {:.10g}, x = [",
                       r.stop_reason, r.iterations, r.epochs, r.value);
    for (Eigen::Index i = 0; i < r.x.size(); ++i)
      out = fmt::format_to(out, "{}{:.10g}", i == 0 ? "" : ", ", r.x[i]);
    return fmt::format_to(out, "]");
  }
};
