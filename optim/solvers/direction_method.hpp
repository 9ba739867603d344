// The loop of the methods that choose a direction from a model and step along it by a line
// search — BFGS, L-BFGS (Nocedal & Wright, Algorithm 6.1 and 7.5) and nonlinear conjugate
// gradients (Algorithm 5.4): from (x, Q, ∇Q) take the model's direction d (−H∇Q, or −∇Q + βd⁻),
// a line search along d (strong Wolfe by default, so that sᵀy > 0), then update the model with
// s = x⁺ − x, y = ∇Q⁺ − ∇Q. The first step, and every step after a reset, is steepest descent of
// length min(1, 1/‖∇Q‖₂) (scipy's L-BFGS-B); after that the first trial is α = 1, the
// quasi-Newton step — or, for BFGS, scipy's interpolated first trial (below). A direction that is
// not a descent direction (rounding) or a failed search resets the model and retries along −∇Q
// once; a second failure ends the run as LineSearchFailed with the search's reason. Converged when
// ‖∇Q‖∞ ≤ gtol, or when the relative decrease (Q_k − Q_{k+1}) / max(|Q_k|, |Q_{k+1}|, 1) ≤ ftol
// (scipy's L-BFGS-B test; 0: off).
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/line_search/line_function.hpp>
#include <nabla/optim/line_search/line_search.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim::detail {

// sᵀy must exceed this multiple of yᵀy for a quasi-Newton pair to be kept (machine ε).
inline constexpr double curvature_floor = 2.220446049250313e-16;

// What a direction method keeps, its model:
//   bool empty()                        nothing learnt yet (its direction is −g)
//   void reset()                        forget it (restart from −g)
//   void direction(g, d)                the next direction at gradient g
//   void update(s, y)                   the step taken and the change of gradient
//   void save(StepState&), load(const StepState&)   the run state's memory
// `interpolated_step`: the first trial is min(1, 2.02·(Q_{k−1} − Q_k)/φ′(0)) (scipy's BFGS; at the
// start Q_{−1} = Q₀ + ‖∇Q₀‖/2, a first step of 1.01/‖∇Q₀‖) instead of 1.
template <class Model>
void direction_method(SolverRun& run, Model& model, const LineSearch& line_search, double gtol,
                      double ftol, bool interpolated_step, std::string_view method) {
  line_search.validate();
  if (!(gtol >= 0.0) || !(ftol >= 0.0))
    throw Error(
        fmt::format("nabla::optim::{}: gtol = {} and ftol = {} must be >= 0", method, gtol, ftol));
  Eigen::VectorXd x = run.x0(), g, d, x_new, g_new, s, y;
  if (run.resumed() && !run.memory().buffers.empty()) model.load(run.memory());
  double q = run.value_gradient(x, g);
  auto done = [&] { model.save(run.memory()); };
  if (run.start(x, q, g)) return done();
  double q_prev = q + 0.5 * g.norm();
  while (true) {
    const double ginf = g.lpNorm<Eigen::Infinity>();
    if (ginf <= gtol) {
      run.stop(StopReason::Converged, fmt::format("‖∇Q‖∞ = {:.3g} <= gtol = {:g}", ginf, gtol));
      return done();
    }
    model.direction(g, d);
    if (!(g.dot(d) < 0.0)) {
      model.reset();
      model.direction(g, d);  // −g
    }
    LineFunction phi(run, x, q, g, d);
    double alpha0 = model.empty() ? std::min(1.0, 1.0 / g.norm()) : 1.0;
    if (interpolated_step) {
      // The step whose first-order decrease repeats the last decrease (N&W eq. 3.60), ×1.01.
      alpha0 = std::min(1.0, 1.01 * 2.0 * (q - q_prev) / phi.slope0());
      if (!(alpha0 > 0.0) || !std::isfinite(alpha0)) alpha0 = 1.0;
    }
    const LineSearchOutcome step = line_search.search(phi, alpha0);
    if (!step.success) {
      if (!model.empty()) {
        model.reset();  // retry along −∇Q
        continue;
      }
      run.stop(StopReason::LineSearchFailed,
               fmt::format("{} line search: {}", line_search.name(), step.failure));
      return done();
    }
    x_new = x + step.alpha * d;
    double q_new = step.value;
    if (phi.trial_alpha() == step.alpha && phi.has_trial_gradient())
      g_new = phi.trial_gradient();
    else
      q_new = run.value_gradient(x_new, g_new);
    s = x_new - x;
    y = g_new - g;
    model.update(s, y);
    const double q_old = q;
    q_prev = q;
    x.swap(x_new);
    g.swap(g_new);
    q = q_new;
    if (run.accept(x, q, g, step.alpha)) return done();
    if (ftol > 0.0 && q_old - q <= ftol * std::max({std::abs(q_old), std::abs(q), 1.0})) {
      run.stop(StopReason::Converged,
               fmt::format("relative decrease (Q_k − Q_k+1) / max(|Q_k|, |Q_k+1|, 1) = {:.3g} <= "
                           "ftol = {:g}",
                           (q_old - q) / std::max({std::abs(q_old), std::abs(q), 1.0}), ftol));
      return done();
    }
  }
}

}  // namespace nabla::optim::detail
