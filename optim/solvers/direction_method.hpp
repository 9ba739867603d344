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
// (scipy's L-BFGS-B test; 0: off). Stalled when for `stall_iterations` iterations in a row Q
// decreased by no more than a few rounding errors, 16ε·max(|Q|, 1): at a singular or
// degenerate point the steps still succeed but can no longer improve Q in double precision.
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
inline constexpr int stall_iterations = 10;

// scipy's L-BFGS-B test: the relative decrease (Q_k − Q_{k+1}) / max(|Q_k|, |Q_{k+1}|, 1) is at
// most ftol (0: off). Ends the run as converged and returns true when it holds.
inline bool relative_decrease_converged(SolverRun& run, double q_old, double q, double ftol) {
  const double scale = std::max({std::abs(q_old), std::abs(q), 1.0});
  if (!(ftol > 0.0 && q_old - q <= ftol * scale)) return false;
  run.stop(StopReason::Converged,
           fmt::format("relative decrease (Q_k − Q_k+1) / max(|Q_k|, |Q_k+1|, 1) = {:.3g} <= "
                       "ftol = {:g}",
                       (q_old - q) / scale, ftol));
  return true;
}

// What a direction method keeps, its model:
//   bool empty()                        nothing learnt yet (its direction is −g)
//   void reset()                        forget it (restart from −g)
//   void direction(x, g, d)             the next direction at x, where the gradient is g
//   void update(s, y)                   the step taken and the change of gradient
//   void save(StepState&), load(const StepState&)   the run state's memory
//   void finish(x, g)                   optional: called at the last point when it is finite
//                                       (Newton's second-order check)
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
  double q = 0.0;
  auto done = [&] {
    model.save(run.memory());
    if constexpr (requires { model.finish(x, g); })
      if (std::isfinite(q) && g.size() == x.size() && g.allFinite()) model.finish(x, g);
  };
  q = run.value_gradient(x, g);
  if (run.start(x, q, g)) return done();
  double q_prev = q + 0.5 * g.norm();
  int stalls = 0;
  while (true) {
    const double ginf = g.lpNorm<Eigen::Infinity>();
    if (ginf <= gtol) {
      run.stop(StopReason::Converged, fmt::format("‖∇Q‖∞ = {:.3g} <= gtol = {:g}", ginf, gtol));
      return done();
    }
    model.direction(x, g, d);
    if (!(g.dot(d) < 0.0)) {
      model.reset();
      model.direction(x, g, d);  // −g
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
    if (relative_decrease_converged(run, q_old, q, ftol)) return done();
    stalls = q_old - q <= 16.0 * curvature_floor * std::max(std::abs(q_old), 1.0) ? stalls + 1 : 0;
    if (stalls >= stall_iterations) {
      run.stop(StopReason::Stalled,
               fmt::format("Q decreased by less than 16ε·max(|Q|, 1) in each of the last {} "
                           "iterations (Q = {:.10g}, ‖∇Q‖∞ = {:.3g}): it cannot improve further "
                           "in double precision",
                           stall_iterations, q, g.lpNorm<Eigen::Infinity>()));
      return done();
    }
  }
}

}  // namespace nabla::optim::detail
