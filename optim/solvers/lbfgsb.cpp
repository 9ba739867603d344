#include <nabla/optim/solvers/lbfgsb.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/solvers/direction_method.hpp>
#include <nabla/optim/solvers/lbfgs.hpp>

namespace nabla::optim {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
// ε of the approximate Armijo condition, relative to |Q|: a few hundred rounding errors.
constexpr double approximate_armijo = 1e-13;

// A bound of size 0, 1 or n as n numbers.
Eigen::VectorXd expand(const Eigen::VectorXd& bound, Eigen::Index n, double open,
                       std::string_view side) {
  if (bound.size() == 0) return Eigen::VectorXd::Constant(n, open);
  if (bound.size() == 1) return Eigen::VectorXd::Constant(n, bound[0]);
  if (bound.size() != n)
    throw ShapeError(
        fmt::format("nabla::optim::LBFGSB: {} has {} entries for {} variables (give 0, 1 or {})",
                    side, bound.size(), n, n));
  return bound;
}

}  // namespace

void LBFGSB::solve(SolverRun& run) const {
  if (m < 1) throw Error(fmt::format("nabla::optim::LBFGSB: m = {} must be >= 1", m));
  if (!(gtol >= 0.0) || !(ftol >= 0.0) || !(c1 > 0.0 && c1 < 1.0) ||
      !(shrink > 0.0 && shrink < 1.0) || max_trials < 1)
    throw Error(fmt::format(
        "nabla::optim::LBFGSB: gtol = {}, ftol = {} must be >= 0, c1 = {} and shrink = {} in "
        "(0, 1), max_trials = {} >= 1",
        gtol, ftol, c1, shrink, max_trials));
  const Eigen::Index n = run.size();
  const Eigen::VectorXd l = expand(lower, n, -inf, "lower");
  const Eigen::VectorXd u = expand(upper, n, inf, "upper");
  for (Eigen::Index i = 0; i < n; ++i)
    if (std::isnan(l[i]) || std::isnan(u[i]) || l[i] > u[i])
      throw Error(fmt::format(
          "nabla::optim::LBFGSB: the bounds of x[{}] are [{}, {}]; need lower <= upper, not NaN", i,
          l[i], u[i]));
  auto project = [&](Eigen::VectorXd& v) { v = v.cwiseMax(l).cwiseMin(u); };

  detail::LbfgsMemory memory(n, m);
  if (run.resumed() && !run.memory().buffers.empty()) memory.load(run.memory());
  Eigen::VectorXd x = run.x0(), g, gf, d, trial, g_trial;
  project(x);
  double q = run.value_gradient(x, g);
  auto done = [&] { memory.save(run.memory()); };
  if (run.start(x, q, g)) return done();
  while (true) {
    trial = x - g;
    project(trial);
    const double pg = (trial - x).lpNorm<Eigen::Infinity>();
    if (pg <= gtol) {
      run.stop(StopReason::Converged,
               fmt::format("‖P(x − ∇Q) − x‖∞ = {:.3g} <= gtol = {:g}", pg, gtol));
      return done();
    }
    // Held at a bound: x there and the gradient pointing out of the box.
    gf = g;
    for (Eigen::Index i = 0; i < n; ++i)
      if ((x[i] <= l[i] && g[i] > 0.0) || (x[i] >= u[i] && g[i] < 0.0)) gf[i] = 0.0;
    bool accepted = false;
    double q_new = inf, alpha = 0.0;
    for (int attempt = 0; attempt < 2 && !accepted; ++attempt) {
      memory.direction(x, gf, d);
      for (Eigen::Index i = 0; i < n; ++i)
        if (gf[i] == 0.0 && g[i] != 0.0) d[i] = 0.0;
      if (!(gf.dot(d) < 0.0)) {
        memory.reset();
        d = -gf;
      }
      alpha = memory.empty() ? std::min(1.0, 1.0 / gf.norm()) : 1.0;
      for (int t = 0; t < max_trials; ++t, alpha *= shrink) {
        trial = x + alpha * d;
        project(trial);
        if (trial == x) break;  // the step no longer moves x
        q_new = run.value_gradient(trial, g_trial);
        if (!std::isfinite(q_new)) q_new = inf;
        // Armijo, or near the minimum, where the decrease is below Q's rounding, its
        // approximate form (Hager & Zhang 2005): Q no higher beyond rounding and the slope
        // along the step still bounded by the first one.
        const double slope = g.dot(trial - x);
        if (q_new <= q + c1 * slope || (q_new <= q + approximate_armijo * std::abs(q) &&
                                        g_trial.dot(trial - x) <= (1.0 - 2.0 * c1) * -slope)) {
          accepted = true;
          break;
        }
      }
      if (!accepted) {
        if (memory.empty()) break;
        memory.reset();  // retry along the projected steepest descent
      }
    }
    if (!accepted) {
      run.stop(StopReason::LineSearchFailed,
               fmt::format("the projected search along P(x + αd) found no step with enough "
                           "decrease (Armijo, c1 = {:g}) down to α = {:g}; ‖P(x − ∇Q) − x‖∞ = "
                           "{:.3g}",
                           c1, std::pow(shrink, max_trials - 1), pg));
      return done();
    }
    memory.update(trial - x, g_trial - g);
    const double q_old = q;
    x.swap(trial);
    g.swap(g_trial);
    q = q_new;
    if (run.accept(x, q, g, alpha)) return done();
    if (detail::relative_decrease_converged(run, q_old, q, ftol)) return done();
  }
}

}  // namespace nabla::optim
