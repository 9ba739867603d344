#include <nabla/optim/solvers/proximal_gradient.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

void ProximalGradient::solve(SolverRun& run) const {
  if (!(gtol >= 0.0) || !(lipschitz >= 0.0) || !(decrease > 0.0 && decrease <= 1.0))
    throw Error(fmt::format(
        "nabla::optim::ProximalGradient: gtol = {} and lipschitz = {} must be >= 0, decrease = "
        "{} in (0, 1]",
        gtol, lipschitz, decrease));
  const Eigen::VectorXd lambda = run.l1_weights();
  auto l1 = [&](const Eigen::VectorXd& v) { return lambda.dot(v.cwiseAbs()); };
  Eigen::VectorXd x = run.x0(), x_prev, y, gy, xn, gn, mapping;
  double fy = run.smooth_value_gradient(x, gy);
  double q = fy + l1(x);
  if (run.start(x, q, Eigen::VectorXd())) return;
  if (!gy.allFinite()) {
    run.stop(StopReason::Diverged, "the gradient is not finite at x0; check the start point");
    return;
  }
  double L = lipschitz;
  if (L == 0.0) {
    // ‖∇f(x₀ + δ) − ∇f(x₀)‖ / ‖δ‖ along −∇f: a local estimate that backtracking corrects.
    const double gnorm = gy.norm();
    Eigen::VectorXd delta = gnorm > 0.0 ? Eigen::VectorXd(-gy / gnorm)
                                        : Eigen::VectorXd(Eigen::VectorXd::Unit(x.size(), 0));
    delta *= 1e-6 * std::max(1.0, x.norm());
    Eigen::VectorXd g_delta;
    run.smooth_value_gradient(x + delta, g_delta);
    L = (g_delta - gy).norm() / delta.norm();
    if (!(L > 0.0) || !std::isfinite(L)) L = 1.0;
  }
  y = x;
  double t = 1.0;
  while (true) {
    // x⁺ = S(y − ∇f(y)/L, λ/L), L doubled until the quadratic model at y bounds f(x⁺).
    double fn = std::numeric_limits<double>::infinity();
    bool accepted = false;
    for (int trial = 0; trial < 80; ++trial) {
      const Eigen::ArrayXd v = (y - gy / L).array();
      xn = (v.abs() - lambda.array() / L).max(0.0) * v.sign();
      fn = accelerated ? run.smooth_value(xn) : run.smooth_value_gradient(xn, gn);
      const Eigen::VectorXd step = xn - y;
      if (lipschitz > 0.0 ||
          fn <= fy + gy.dot(step) + 0.5 * L * step.squaredNorm() + 1e-15 * std::abs(fy)) {
        accepted = std::isfinite(fn);
        break;
      }
      L *= 2.0;
    }
    if (!accepted) {
      run.stop(StopReason::LineSearchFailed,
               fmt::format("no step 1/L down to 1/L = {:g} made f(x⁺) <= its quadratic model at "
                           "y; f may not have a Lipschitz gradient here",
                           1.0 / L));
      return;
    }
    const double qn = fn + l1(xn);
    if (accelerated && qn > q && t > 1.0) {  // momentum overshot: restart from x
      t = 1.0;
      y = x;
      fy = run.smooth_value_gradient(y, gy);
      continue;
    }
    mapping = L * (y - xn);  // the gradient mapping: ∇f(y) + a subgradient of the L1 term
    x_prev.swap(x);
    x = xn;
    q = qn;
    if (run.accept(x, q, mapping, 1.0 / L)) return;
    const double mapping_norm = mapping.lpNorm<Eigen::Infinity>();
    if (mapping_norm <= gtol) {
      run.stop(StopReason::Converged,
               fmt::format("the gradient mapping L·‖x⁺ − y‖∞ = {:.3g} <= gtol = {:g}", mapping_norm,
                           gtol));
      return;
    }
    if (accelerated) {
      const double t_next = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * t * t));
      y = x + ((t - 1.0) / t_next) * (x - x_prev);
      t = t_next;
      fy = run.smooth_value_gradient(y, gy);
    } else {
      y = x;
      fy = fn;
      gy.swap(gn);
    }
    if (!gy.allFinite()) {
      run.stop(StopReason::Diverged,
               fmt::format("the gradient is not finite at iteration {}", run.iteration()));
      return;
    }
    if (lipschitz == 0.0) L *= decrease;
  }
}

}  // namespace nabla::optim
