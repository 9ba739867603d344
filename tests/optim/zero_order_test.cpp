// Zero-order methods against scipy 1.10 (tests/optim/reference/scipy_zero_order.py printed
// scipy_zero_order.txt): Nelder–Mead at scipy's defaults on 2-D Rosenbrock from (−1.2, 1) and on
// scipy's own 5-D case, with the classic and with Gao & Han's adaptive coefficients — final f and
// evaluations no worse than scipy's; counts exact; NaN as +∞; budgets named.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include <nabla/optim.hpp>

namespace opt = nabla::optim;
using Eigen::VectorXd;
using nabla::Var;
using nabla::VectorXv;

namespace {

struct ScipyRun {
  long nit = 0, nfev = 0;
  double f = 0.0;
  VectorXd x;
};

ScipyRun scipy(const std::string& problem, const std::string& method) {
  std::ifstream in(NABLA_REFERENCE_DIR "/scipy_zero_order.txt");
  REQUIRE(in.good());
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string p, m;
    ScipyRun r;
    if (!(words >> p >> m >> r.nit >> r.nfev >> r.f) || p != problem || m != method) continue;
    std::vector<double> x;
    for (double v = 0.0; words >> v;) x.push_back(v);
    r.x = Eigen::Map<const VectorXd>(x.data(), static_cast<Eigen::Index>(x.size()));
    return r;
  }
  FAIL("no " << problem << " " << method << " in scipy_zero_order.txt");
  return {};
}

Var rosenbrock(const VectorXv& x) {
  Var s = 0.0;
  for (Eigen::Index i = 0; i + 1 < x.size(); ++i)
    s += 100.0 * (x[i + 1] - x[i] * x[i]) * (x[i + 1] - x[i] * x[i]) + (1.0 - x[i]) * (1.0 - x[i]);
  return s;
}

}  // namespace

TEST_CASE("Nelder–Mead on Rosenbrock (2-D and scipy's 5-D case): no worse than scipy's") {
  const std::pair<std::string, VectorXd> problems[] = {
      {"rosenbrock2", Eigen::Vector2d(-1.2, 1.0)},
      {"rosenbrock5", (VectorXd(5) << 1.3, 0.7, 0.8, 1.9, 1.2).finished()}};
  for (const auto& [problem, x0] : problems)
    for (const bool adaptive : {false, true}) {
      const std::string method = adaptive ? "nelder_mead_adaptive" : "nelder_mead";
      const ScipyRun s = scipy(problem, method);
      const opt::Result r = opt::minimize(rosenbrock, x0, opt::NelderMead{.adaptive = adaptive});
      INFO(problem << " " << method << ": " << r.message);
      MESSAGE(problem << " " << method << ": nabla " << r.iterations << " iterations, "
                      << r.evaluations.values << " evaluations, f = " << r.value << "; scipy "
                      << s.nit << ", " << s.nfev << ", f = " << s.f);
      CHECK(r.stop_reason == opt::StopReason::Converged);
      CHECK(r.evaluations.values <= s.nfev);
      CHECK(r.evaluations.gradients == 0);
      CHECK(r.value <= s.f * (1.0 + 1e-9));  // the same iterates, up to rounding
      CHECK((r.x - s.x).lpNorm<Eigen::Infinity>() <= 1e-9);
    }
  // nabla's default in 5-D is Gao & Han's coefficients (the choice; scipy's default is
  // the classic ones, f = 6.6e-5 after 243 evaluations): it passes scipy's final f after 417
  // evaluations and stops 4e4 times lower, at scipy's own adaptive result above.
  const ScipyRun classic = scipy("rosenbrock5", "nelder_mead");
  long calls = 0, calls_to_scipy_f = -1;
  auto counted = [&](const VectorXd& x) {
    ++calls;
    double f = 0.0;
    for (Eigen::Index i = 0; i + 1 < x.size(); ++i)
      f +=
          100.0 * (x[i + 1] - x[i] * x[i]) * (x[i + 1] - x[i] * x[i]) + (1.0 - x[i]) * (1.0 - x[i]);
    if (f <= classic.f && calls_to_scipy_f < 0) calls_to_scipy_f = calls;
    return f;
  };
  const opt::Result d = opt::minimize(counted, problems[1].second, opt::NelderMead{});
  MESSAGE("5-D at the defaults: nabla below scipy's f = "
          << classic.f << " after " << calls_to_scipy_f << " evaluations (scipy " << classic.nfev
          << "), final f = " << d.value << " after " << d.evaluations.values);
  CHECK(calls_to_scipy_f == 417);
  CHECK(d.value <= classic.f / 1e4);
}

TEST_CASE("Nelder–Mead: NaN values count as +inf, budgets end the run by name") {
  // sqrt is NaN for x < 0: the simplex walks away from there towards the minimum at (1, 0).
  auto f = [](const VectorXv& x) { return (sqrt(x[0]) - 1.0) * (sqrt(x[0]) - 1.0) + x[1] * x[1]; };
  const opt::Result r = opt::minimize(f, Eigen::Vector2d(0.01, 0.5), opt::NelderMead{});
  CHECK(r.stop_reason == opt::StopReason::Converged);
  CHECK(r.value <= 1e-6);
  const opt::Result b =
      opt::minimize(rosenbrock, Eigen::Vector2d(-1.2, 1.0), opt::NelderMead{.max_evaluations = 30});
  CHECK(b.stop_reason == opt::StopReason::MaxEvaluations);
  CHECK(b.evaluations.values <= 31);
  CHECK(std::isfinite(b.value));
  // A worse trial is not divergence: a function with a huge barrier still runs to convergence.
  auto barrier = [](const VectorXv& x) {
    return x[0] * x[0] + x[1] * x[1] + 1e20 * (x[0] > 3.0 ? 1.0 : 0.0);
  };
  const opt::Result c = opt::minimize(barrier, Eigen::Vector2d(2.9, 0.0), opt::NelderMead{});
  CHECK(c.stop_reason == opt::StopReason::Converged);
  CHECK(c.value <= 1e-7);
}

TEST_CASE("golden section on (x − 2)² + 1 over [0, 5]: |x − 2| <= 1e-6 within 35 evaluations") {
  int calls = 0;
  auto parabola = [&](double x) {
    ++calls;
    return (x - 2.0) * (x - 2.0) + 1.0;
  };
  const opt::ScalarMinimum m = opt::golden_section(parabola, 0.0, 5.0, 1e-6);
  INFO(m.message);
  CHECK(m.converged);
  CHECK(std::abs(m.x - 2.0) <= 1e-6);
  CHECK(m.evaluations == calls);
  CHECK(m.evaluations == 35);  // ⌈log(5e6)/log(1.618)⌉ + 2 = 35: pinned
  CHECK(m.upper - m.lower <= 1e-6);
  CHECK(m.lower <= 2.0);
  CHECK(m.upper >= 2.0);
  // The same through minimize, with and without an interval (then bracketed from x0 = 7).
  auto f = [](const VectorXv& x) { return (x[0] - 2.0) * (x[0] - 2.0) + 1.0; };
  const opt::Result r = opt::minimize(f, VectorXd::Constant(1, 0.5),
                                      opt::GoldenSection{.lower = 0.0, .upper = 5.0, .xtol = 1e-6});
  CHECK(r.stop_reason == opt::StopReason::Converged);
  CHECK(std::abs(r.x[0] - 2.0) <= 1e-6);
  CHECK(r.evaluations.gradients == 0);
  const opt::Result b = opt::minimize(f, VectorXd::Constant(1, 7.0), opt::GoldenSection{});
  INFO(b.message);
  CHECK(b.stop_reason == opt::StopReason::Converged);
  CHECK(std::abs(b.x[0] - 2.0) <= 1e-7);
  // One variable only; an interval needs both ends.
  CHECK_THROWS_WITH_AS(opt::minimize(f, VectorXd::Zero(2), opt::GoldenSection{}),
                       doctest::Contains("searches one variable, but x0 has 2"), nabla::Error);
  CHECK_THROWS_WITH_AS(opt::minimize(f, VectorXd::Zero(1), opt::GoldenSection{.lower = 0.0}),
                       doctest::Contains("give both lower and upper"), nabla::Error);
}

TEST_CASE("golden section: a NaN value counts as +inf") {
  // NaN below x = 1 (a log of a negative number, say): the interval shrinks away from there.
  auto f = [](double x) { return x < 1.0 ? std::nan("") : (x - 2.0) * (x - 2.0); };
  const opt::ScalarMinimum m = opt::golden_section(f, 0.0, 5.0, 1e-8);
  CHECK(m.converged);
  CHECK(std::abs(m.x - 2.0) <= 1e-8);
  CHECK(m.value <= 1e-15);
  auto g = [](const VectorXv& x) {
    return x[0] < 1.0 ? Var(std::nan("")) : (x[0] - 2.0) * (x[0] - 2.0);
  };
  const opt::Result r =
      opt::minimize(g, VectorXd::Constant(1, 4.0), opt::GoldenSection{.lower = 0.0, .upper = 5.0});
  CHECK(r.stop_reason == opt::StopReason::Converged);
  CHECK(std::abs(r.x[0] - 2.0) <= 1e-7);
}

TEST_CASE("bracket_minimum: downhill from a start point, either direction; unbounded below") {
  auto parabola = [](double x) { return (x - 2.0) * (x - 2.0); };
  for (const double x0 : {-10.0, 1.5, 2.5, 30.0}) {
    const opt::ScalarBracket br = opt::bracket_minimum(parabola, x0);
    INFO("x0 = " << x0 << ": " << br.message);
    CHECK(br.found);
    CHECK(br.a < br.b);
    CHECK(br.b < br.c);
    CHECK(br.a <= 2.0);
    CHECK(br.c >= 2.0);
    CHECK(br.fb <= br.fa);
    CHECK(br.fb <= br.fc);
  }
  const opt::ScalarBracket down = opt::bracket_minimum([](double x) { return -x; }, 0.0, 1.0, 20);
  CHECK_FALSE(down.found);
  CHECK(down.evaluations == 20);
}

TEST_CASE("StopCriteria's evaluation and time budgets stop a solver with their reasons") {
  auto f = [](const VectorXd& x) { return (x.array() - 3.0).square().sum(); };
  const VectorXd x0 = VectorXd::Zero(4);
  const auto counted = opt::minimize(f, x0, opt::NelderMead{}, {.stop = {.max_evaluations = 60}});
  CHECK(counted.stop_reason == opt::StopReason::MaxEvaluations);
  // Checked after each accepted iterate: at most one iteration's evaluations (a shrink: n + 2)
  // past the budget.
  CHECK(counted.evaluations.values >= 60);
  CHECK(counted.evaluations.values <= 60 + 6);
  CHECK(counted.message.find("evaluation budget") != std::string::npos);
  const auto timed = opt::minimize(f, x0, opt::NelderMead{}, {.stop = {.max_seconds = 0.0}});
  CHECK(timed.stop_reason == opt::StopReason::TimeLimit);
  CHECK(timed.iterations == 1);
  // The value-only overload refuses a method that needs gradients before any evaluation.
  CHECK_THROWS_AS(opt::minimize(f, x0, opt::Method(opt::LBFGS{})), nabla::Error);
}
