#include <nabla/optim/search/random_walk.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/run/random.hpp>
#include <nabla/optim/search/box.hpp>

namespace nabla::optim {

namespace {
// Reflected at the walls of [lo, hi]; a step longer than the box is clamped.
double reflect(double v, double lo, double hi) {
  if (v < lo) v = 2.0 * lo - v;
  if (v > hi) v = 2.0 * hi - v;
  return std::clamp(v, lo, hi);
}
}  // namespace

void RandomWalk::solve(SolverRun& run) const {
  if (!(initial_step > 0.0) || !std::isfinite(initial_step) || !(xtol > 0.0) || max_evaluations < 0)
    throw Error(fmt::format(
        "nabla::optim::RandomWalk: need finite initial_step = {} > 0, xtol = {} > 0 and "
        "max_evaluations = {} >= 0",
        initial_step, xtol, max_evaluations));
  const detail::Box box = detail::validated_box("RandomWalk", lower, upper, run.x0(), false);
  const bool boxed = box.lower.size() > 0;
  const Eigen::Index n = run.size();
  const std::int64_t budget = max_evaluations > 0 ? max_evaluations : 1000 * std::int64_t{n};
  const Eigen::VectorXd scale = boxed ? box.width() : run.x0().cwiseAbs().cwiseMax(1.0).eval();
  const double d = std::sqrt(static_cast<double>(n) + 1.0);
  const double grow = std::exp(0.8 / d), shrink = std::exp(-0.2 / d);
  Rng rng(run.options().seed);
  detail::BoxEvaluator eval(run, budget);
  const std::string own_budget = fmt::format("max_evaluations = {} (1000·n by default)", budget);
  try {
    Eigen::VectorXd x = run.x0(), y(n);
    double fx = eval(x);
    if (run.start(x, fx, Eigen::VectorXd())) return;
    double sigma = initial_step;
    while (true) {
      for (Eigen::Index k = 0; k < n; ++k) {
        for (Eigen::Index j = 0; j < n; ++j) {
          y[j] = x[j] + sigma * scale[j] * rng.normal();
          if (boxed) y[j] = reflect(y[j], box.lower[j], box.upper[j]);
        }
        const double fy = eval(y);
        if (fy < fx) {
          x = y;
          fx = fy;
          sigma *= grow;
        } else {
          sigma *= shrink;
        }
      }
      if (eval.report()) return;
      if (sigma < xtol) {
        run.stop(StopReason::Converged,
                 fmt::format("the step σ = {:.3g} fell below xtol = {:g} (relative to {})", sigma,
                             xtol, boxed ? "the box width" : "max(1, |x0ᵢ|)"));
        return;
      }
    }
  } catch (const detail::OutOfBudget&) {
    eval.stop_out_of_budget(own_budget);
  }
}

}  // namespace nabla::optim
