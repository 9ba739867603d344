// Gradient descent with a line search: d = −∇Q, the step from the line search policy
// (backtracking Armijo by default, or strong Wolfe) — the first-order method of 000_…txt with the
// step chosen along the ray instead of fixed. The first trial step is `initial_step`; afterwards it
// is α_{k−1}·φ′_{k−1}(0)/φ′_k(0) (Nocedal & Wright, eq. 3.60: the same first-order change as the
// last step), capped at `max_step`. Converged when ‖∇Q‖_∞ ≤ gtol; a failed search ends the run
// with StopReason::LineSearchFailed and its reason.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/line_search/line_function.hpp>
#include <nabla/optim/line_search/line_search.hpp>
#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

struct SteepestDescent {
  static constexpr std::string_view name = "steepest_descent";
  static constexpr Capabilities needs = Capability::Value | Capability::Gradient;

  LineSearch line_search = LineSearch::backtracking();  // Armijo; LineSearch::wolfe() too
  double initial_step = 1.0;
  double max_step = 1e10;
  double gtol = 1e-5;  // ‖∇Q‖_∞ at which the run has converged (scipy's default)

  void solve(SolverRun& run) const {
    line_search.validate();
    if (!(initial_step > 0.0 && std::isfinite(initial_step)) || !(max_step >= initial_step))
      throw Error(
          fmt::format("nabla::optim::SteepestDescent: initial_step = {} and max_step = {} need 0 < "
                      "initial_step <= max_step",
                      initial_step, max_step));
    if (!(gtol >= 0.0))
      throw Error(fmt::format("nabla::optim::SteepestDescent: gtol = {} < 0", gtol));
    Eigen::VectorXd x = run.x0(), g, d;
    double q = run.value_gradient(x, g);
    if (run.start(x, q, g)) return;
    double alpha0 = initial_step, last_alpha = 0.0, last_slope = 0.0;
    while (true) {
      if (g.lpNorm<Eigen::Infinity>() <= gtol) {
        run.stop(StopReason::Converged,
                 fmt::format("‖∇Q‖∞ = {:.3g} <= gtol = {:g}", g.lpNorm<Eigen::Infinity>(), gtol));
        return;
      }
      d = -g;
      LineFunction phi(run, x, q, g, d);
      if (last_alpha > 0.0) alpha0 = std::min(max_step, last_alpha * last_slope / phi.slope0());
      const LineSearchOutcome step = line_search.search(phi, alpha0);
      if (!step.success) {
        run.stop(StopReason::LineSearchFailed, step.failure);
        return;
      }
      last_alpha = step.alpha;
      last_slope = phi.slope0();
      x += step.alpha * d;
      q = run.value_gradient(x, g);
      if (run.accept(x, q, g, step.alpha)) return;
    }
  }
};

}  // namespace nabla::optim
