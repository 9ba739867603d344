#include <nabla/optim/solvers/owlqn.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/solvers/direction_method.hpp>
#include <nabla/optim/solvers/lbfgs.hpp>

namespace nabla::optim {

namespace {

double sign(double v) { return v > 0.0 ? 1.0 : (v < 0.0 ? -1.0 : 0.0); }

// ◇Q: the derivative of f + Σλᵢ|xᵢ| off zero, and at zero the one-sided derivative that
// descends (0 when neither side does: 0 is optimal in that coordinate).
void pseudo_gradient(const Eigen::VectorXd& x, const Eigen::VectorXd& g,
                     const Eigen::VectorXd& lambda, Eigen::VectorXd& pg) {
  pg.resize(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if (x[i] != 0.0)
      pg[i] = g[i] + lambda[i] * sign(x[i]);
    else if (g[i] + lambda[i] < 0.0)
      pg[i] = g[i] + lambda[i];
    else if (g[i] - lambda[i] > 0.0)
      pg[i] = g[i] - lambda[i];
    else
      pg[i] = 0.0;
  }
}

}  // namespace

void OWLQN::solve(SolverRun& run) const {
  if (m < 1) throw Error(fmt::format("nabla::optim::OWLQN: m = {} must be >= 1", m));
  if (!(gtol >= 0.0) || !(ftol >= 0.0) || !(c1 > 0.0 && c1 < 1.0) ||
      !(shrink > 0.0 && shrink < 1.0) || max_trials < 1)
    throw Error(fmt::format(
        "nabla::optim::OWLQN: gtol = {}, ftol = {} must be >= 0, c1 = {} and shrink = {} in "
        "(0, 1), max_trials = {} >= 1",
        gtol, ftol, c1, shrink, max_trials));
  const Eigen::Index n = run.size();
  const Eigen::VectorXd lambda = run.l1_weights();
  auto l1 = [&](const Eigen::VectorXd& v) { return lambda.dot(v.cwiseAbs()); };
  detail::LbfgsMemory memory(n, m);
  if (run.resumed() && !run.memory().buffers.empty()) memory.load(run.memory());
  auto done = [&] { memory.save(run.memory()); };
  Eigen::VectorXd x = run.x0(), g, pg, d, orthant(n), trial, g_trial;
  double q = run.smooth_value_gradient(x, g) + l1(x);
  if (g.allFinite()) pseudo_gradient(x, g, lambda, pg);
  if (run.start(x, q, pg)) return done();
  while (true) {
    const double pg_norm = pg.lpNorm<Eigen::Infinity>();
    if (pg_norm <= gtol) {
      run.stop(
          StopReason::Converged,
          fmt::format("‖◇Q‖∞ = {:.3g} <= gtol = {:g} (◇Q the pseudo-gradient)", pg_norm, gtol));
      return done();
    }
    for (Eigen::Index i = 0; i < n; ++i) orthant[i] = x[i] != 0.0 ? sign(x[i]) : -sign(pg[i]);
    bool accepted = false;
    double q_new = 0.0, alpha = 0.0;
    for (int attempt = 0; attempt < 2 && !accepted; ++attempt) {
      memory.direction(x, pg, d);
      for (Eigen::Index i = 0; i < n; ++i)  // keep only the components that descend
        if (lambda[i] > 0.0 && d[i] * pg[i] >= 0.0) d[i] = 0.0;
      if (!(pg.dot(d) < 0.0)) {
        memory.reset();
        d = -pg;
      }
      alpha = memory.empty() ? std::min(1.0, 1.0 / pg.norm()) : 1.0;
      for (int t = 0; t < max_trials; ++t, alpha *= shrink) {
        trial = x + alpha * d;
        for (Eigen::Index i = 0; i < n; ++i)  // stop at zero, never cross it (L1 terms only)
          if (lambda[i] > 0.0 && sign(trial[i]) != orthant[i]) trial[i] = 0.0;
        if (trial == x) break;
        q_new = run.smooth_value_gradient(trial, g_trial) + l1(trial);
        if (!std::isfinite(q_new)) continue;
        if (q_new <= q + c1 * pg.dot(trial - x)) {
          accepted = true;
          break;
        }
      }
      if (!accepted) {
        if (memory.empty()) break;
        memory.reset();  // retry along −◇Q
      }
    }
    if (!accepted) {
      run.stop(StopReason::LineSearchFailed,
               fmt::format("the orthant-projected search found no step with enough decrease "
                           "(Armijo, c1 = {:g}); ‖◇Q‖∞ = {:.3g}",
                           c1, pg_norm));
      return done();
    }
    memory.update(trial - x, g_trial - g);
    const double q_old = q;
    x.swap(trial);
    g.swap(g_trial);
    q = q_new;
    pseudo_gradient(x, g, lambda, pg);
    if (run.accept(x, q, pg, alpha)) return done();
    if (detail::relative_decrease_converged(run, q_old, q, ftol)) return done();
  }
}

}  // namespace nabla::optim
