#include <nabla/optim/run/validate.hpp>

#include <fmt/format.h>

#include <cmath>
#include <string>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim::detail {

RunState initial_state(const Eigen::VectorXd& x0, std::string_view method, const Options& opt) {
  if (opt.resume_from == nullptr) {
    if (x0.size() == 0) throw ShapeError("nabla::optim::minimize: x0 is empty");
    RunState s;
    s.method = std::string(method);
    s.x = x0;
    return s;
  }
  const RunState& saved = *opt.resume_from;
  if (saved.x.size() == 0 || saved.method.empty())
    throw Error(
        "nabla::optim::minimize: the saved state to resume holds no run (a default RunState): "
        "pass the Result::state of an earlier run, or a loaded one");
  if (x0.size() != 0 && x0.size() != saved.x.size())
    throw ShapeError(fmt::format(
        "nabla::optim::minimize: x0 has size {} but the saved state to resume has {} parameters "
        "(pass an empty x0 to take the saved one)",
        x0.size(), saved.x.size()));
  if (saved.method != method)
    throw Error(fmt::format(
        "nabla::optim::minimize: the saved state belongs to another method ('{}', not '{}')",
        saved.method, method));
  return saved;
}

void validate_options(const Options& opt, Eigen::Index n) {
  auto fail = [](const std::string& what) {
    throw Error(fmt::format("nabla::optim::minimize: {}", what));
  };
  auto positive = [](double v) { return v > 0.0 && std::isfinite(v); };
  auto non_negative = [](double v) { return v >= 0.0 && std::isfinite(v); };
  if (opt.clip.max_norm && !positive(*opt.clip.max_norm))
    fail(fmt::format("Clipping.max_norm = {} must be positive and finite", *opt.clip.max_norm));
  if (opt.clip.max_value && !positive(*opt.clip.max_value))
    fail(fmt::format("Clipping.max_value = {} must be positive and finite", *opt.clip.max_value));
  if (!non_negative(opt.penalty.l1) || !non_negative(opt.penalty.l2))
    fail(
        fmt::format("Penalty l1 = {}, l2 = {}: both must be >= 0 and finite (a negative "
                    "penalty makes the objective unbounded below)",
                    opt.penalty.l1, opt.penalty.l2));
  if (opt.penalty.exclude && (*opt.penalty.exclude < 0 || *opt.penalty.exclude >= n))
    throw ShapeError(fmt::format(
        "nabla::optim::minimize: Penalty.exclude = {} is not a coordinate of x (size {})",
        *opt.penalty.exclude, n));
  if (opt.stop.max_iterations < 0 && opt.stop.max_iterations != StopCriteria::automatic)
    fail(fmt::format(
        "StopCriteria.max_iterations = {} must be >= 0 (or StopCriteria::automatic: 1000 "
        "without max_epochs, no limit with it)",
        opt.stop.max_iterations));
  if (opt.stop.max_epochs < 0)
    fail(fmt::format("StopCriteria.max_epochs = {} must be >= 0 (0: no limit)",
                     opt.stop.max_epochs));
  if (!(opt.stop.divergence_factor > 1.0))
    fail(
        fmt::format("StopCriteria.divergence_factor = {} must be > 1", opt.stop.divergence_factor));
  if (!(opt.stop.divergence_growth > 0.0))
    fail(fmt::format("StopCriteria.divergence_growth = {} must be > 0 (infinity: off)",
                     opt.stop.divergence_growth));
  if (!non_negative(opt.noise.eta))
    fail(
        fmt::format("GradientNoise.eta = {} must be >= 0 and finite (0: no noise)", opt.noise.eta));
  if (opt.history.every <= 0) fail("history.every must be > 0");
  if (opt.evaluate_every <= 0)
    fail(fmt::format("Options.evaluate_every = {} must be > 0", opt.evaluate_every));
  if (opt.dimension && *opt.dimension <= 0)
    fail(fmt::format("Options.dimension = {} must be > 0", *opt.dimension));
}

void validate_problem(Objective& objective, Eigen::Index n, std::string_view method,
                      Capabilities needs, const Options& options) {
  if (const auto d = objective.dimension(); d && *d != n)
    throw ShapeError(fmt::format(
        "nabla::optim::minimize: x0 has size {} but the objective has {} parameters", n, *d));
  if (options.dimension && *options.dimension != n)
    throw ShapeError(
        fmt::format("nabla::optim::minimize: x0 has size {} but Options.dimension is {}", n,
                    *options.dimension));
  const Capabilities have = objective.capabilities();
  if (!have.covers(needs))
    throw Error(fmt::format(
        "nabla::optim::minimize: {} needs {}, which this objective does not provide (it has {})",
        method, describe(have.missing(needs)), describe(have)));
}

}  // namespace nabla::optim::detail
