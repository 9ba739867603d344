#include <nabla/optim/search/brent.hpp>

namespace nabla::optim {

void Brent::solve(SolverRun& run) const {
  if (run.size() != 1)
    throw Error(fmt::format(
        "nabla::optim::Brent: searches one variable, but x0 has {}; use NelderMead or a global "
        "method for several",
        run.size()));
  if (lower.has_value() != upper.has_value())
    throw Error(
        "nabla::optim::Brent: give both lower and upper, or neither (then it brackets from x0)");
  if (!(xtol > 0.0) || max_iterations <= 0)
    throw Error(fmt::format("nabla::optim::Brent: need xtol = {} > 0 and max_iterations = {} > 0",
                            xtol, max_iterations));
  if (lower && !(*lower < *upper && std::isfinite(*lower) && std::isfinite(*upper)))
    throw Error(
        fmt::format("nabla::optim::Brent: need finite lower = {} < upper = {}", *lower, *upper));
  Eigen::VectorXd x = run.x0();
  auto f = [&](double t) {
    x[0] = t;
    return run.value(x);
  };
  const double x0 = run.x0()[0];
  const double q0 = detail::finite_or_inf(f, x0);
  Eigen::VectorXd best = run.x0();
  if (run.start(best, q0, Eigen::VectorXd())) return;
  double a = 0.0, b = 0.0, c = 0.0, fb = 0.0;
  if (lower) {
    a = *lower;
    c = *upper;
    b = a + 0.3819660 * (c - a);
    fb = detail::finite_or_inf(f, b);
  } else {
    // The bracket starts at x0, whose value is known: not evaluated twice.
    bool first = true;
    auto g = [&](double t) {
      if (first && t == x0) {
        first = false;
        return q0;
      }
      first = false;
      return f(t);
    };
    const ScalarBracket br = bracket_minimum(g, x0, step);
    if (!br.found) {
      run.stop(StopReason::MaxEvaluations, "bracketing: " + br.message);
      return;
    }
    a = br.a;
    b = br.b;
    c = br.c;
    fb = br.fb;
  }
  bool stopped_by_run = false;
  auto report = [&](double, double, double xb, double fxb) {
    best[0] = xb;
    stopped_by_run = run.accept(best, fxb, Eigen::VectorXd(), 0.0);
    return stopped_by_run;
  };
  const ScalarMinimum m = detail::brent_core(f, a, b, c, fb, xtol, max_iterations, report);
  if (stopped_by_run) return;
  if (m.iterations == 0) {  // converged on the bracket itself: report its middle
    best[0] = m.x;
    if (run.accept(best, m.value, Eigen::VectorXd(), 0.0)) return;
  }
  run.stop(m.converged ? StopReason::Converged : StopReason::MaxIterations, m.message);
}

}  // namespace nabla::optim
