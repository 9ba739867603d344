#include <nabla/optim/search/golden_section.hpp>

namespace nabla::optim {

void GoldenSection::solve(SolverRun& run) const {
  if (run.size() != 1)
    throw Error(fmt::format(
        "nabla::optim::GoldenSection: searches one variable, but x0 has {}; use NelderMead "
        "for several",
        run.size()));
  if (lower.has_value() != upper.has_value())
    throw Error(
        "nabla::optim::GoldenSection: give both lower and upper, or neither (then it "
        "brackets from x0)");
  Eigen::VectorXd x = run.x0();
  auto f = [&](double t) {
    x[0] = t;
    return run.value(x);
  };
  const double x0 = run.x0()[0];
  const double q0 = detail::finite_or_inf(f, x0);
  Eigen::VectorXd best = run.x0();
  if (run.start(best, q0, Eigen::VectorXd())) return;
  double a = 0.0, b = 0.0;
  if (lower) {
    a = *lower;
    b = *upper;
  } else {
    const ScalarBracket br = bracket_minimum(f, x0, step);
    if (!br.found) {
      run.stop(StopReason::MaxEvaluations, "bracketing: " + br.message);
      return;
    }
    a = br.a;
    b = br.c;
  }
  bool stopped_by_run = false;
  const ScalarMinimum m =
      golden_section(f, a, b, xtol, [&](double lo, double hi, double xb, double fb) {
        best[0] = xb;
        stopped_by_run = run.accept(best, fb, Eigen::VectorXd(), hi - lo);
        return stopped_by_run;
      });
  if (stopped_by_run) return;
  run.stop(m.converged ? StopReason::Converged : StopReason::MaxEvaluations, m.message);
}

}  // namespace nabla::optim
