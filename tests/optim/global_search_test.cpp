// The zero-order and global methods of optim/search (the default suite; heavy seeds and 10-D
// annealing in global_search_long_test.cpp): DualAnnealing on the shifted 2-D Rastrigin to
// |f − f*| ≤ 1e-6 within 10⁵ evaluations (value only, and with autodiff's gradient);
// DifferentialEvolution and GeneticAlgorithm on shifted Ackley, Rastrigin and Himmelblau
// to 1e-2; RandomWalk on a shifted sphere and shifted Himmelblau; Brent's iterates, values and
// evaluation counts against scipy 1.10 (reference/scipy_global_brent.py printed
// scipy_global_brent.txt). Every method: same seed ⇒ the same run, another seed another; NaN
// as +∞; the box checked; budgets named in the stop reason; the result the best point seen.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <nabla/optim.hpp>

#include "global/problems.hpp"

namespace opt = nabla::optim;
using Eigen::VectorXd;
using global_test::Tally;

namespace {

VectorXd box(double v) { return VectorXd::Constant(1, v); }

opt::Options seeded(std::uint64_t seed, std::int64_t max_evaluations = 100000) {
  opt::Options o;
  o.seed = seed;
  o.stop.max_evaluations = max_evaluations;
  return o;
}

// Every global method at its defaults on the box [lo, hi]ⁿ.
opt::Method method_in_box(const std::string& name, double lo, double hi) {
  if (name == "dual_annealing") return opt::DualAnnealing{.lower = box(lo), .upper = box(hi)};
  if (name == "differential_evolution")
    return opt::DifferentialEvolution{.lower = box(lo), .upper = box(hi)};
  if (name == "genetic_algorithm") return opt::GeneticAlgorithm{.lower = box(lo), .upper = box(hi)};
  return opt::RandomWalk{.lower = box(lo), .upper = box(hi)};
}

const std::vector<std::string> global_methods = {"dual_annealing", "differential_evolution",
                                                 "genetic_algorithm", "random_walk"};

}  // namespace

TEST_CASE("DualAnnealing finds the shifted 2-D Rastrigin's minimum to 1e-6") {
  Tally value_only, with_gradient;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const VectorXd s = global_test::shift(seed, 2);
    const VectorXd x0 = global_test::start(seed, 2, -5.12, 5.12);
    const opt::DualAnnealing da{.lower = box(-5.12), .upper = box(5.12)};
    const opt::Result r = opt::minimize(global_test::rastrigin(s), x0, da, seeded(seed));
    CAPTURE(seed);
    CAPTURE(r.message);
    value_only.add(r, 1e-6);
    CHECK(r.evaluations.values <= 100000);
    CHECK((r.x - s).lpNorm<Eigen::Infinity>() < 1e-4);
    // The same function written with nabla: the local search uses its gradient.
    auto f = [s](const nabla::VectorXv& x) {
      nabla::Var q = 20.0;
      for (Eigen::Index i = 0; i < 2; ++i) {
        const nabla::Var d = x[i] - s[i];
        q = q + d * d - 10.0 * cos(2.0 * std::numbers::pi * d);
      }
      return q;
    };
    const opt::Result g = opt::minimize(f, x0, da, seeded(seed));
    with_gradient.add(g, 1e-6);
    CHECK(g.evaluations.gradients > 0);
  }
  MESSAGE("value only: ", value_only.passed, "/3, median evaluations ", value_only.median(),
          "; with the gradient: ", with_gradient.passed, "/3, median ", with_gradient.median());
  CHECK(value_only.passed == 3);
  CHECK(with_gradient.passed == 3);
}

TEST_CASE("DifferentialEvolution and GeneticAlgorithm on Ackley, Rastrigin and Himmelblau") {
  for (const std::string name : {"differential_evolution", "genetic_algorithm"}) {
    Tally ackley, rastrigin, himmelblau;
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      CAPTURE(name);
      CAPTURE(seed);
      const VectorXd s = global_test::shift(seed, 2);
      ackley.add(opt::minimize(global_test::ackley(s), global_test::start(seed, 2, -5, 5),
                               method_in_box(name, -5, 5), seeded(seed)),
                 1e-2);
      rastrigin.add(
          opt::minimize(global_test::rastrigin(s), global_test::start(seed, 2, -5.12, 5.12),
                        method_in_box(name, -5.12, 5.12), seeded(seed)),
          1e-2);
      himmelblau.add(opt::minimize(global_test::himmelblau_at(global_test::himmelblau_shift(seed)),
                                   global_test::start(seed, 2, -5, 5), method_in_box(name, -5, 5),
                                   seeded(seed)),
                     1e-2);
    }
    MESSAGE(name, ": Ackley ", ackley.passed, "/3 (median ", ackley.median(),
            " evaluations), Rastrigin ", rastrigin.passed, "/3 (", rastrigin.median(),
            "), Himmelblau ", himmelblau.passed, "/3 (", himmelblau.median(), ")");
    CHECK(ackley.passed == 3);
    CHECK(rastrigin.passed == 3);
    CHECK(himmelblau.passed == 3);
    for (const double e : ackley.evaluations) CHECK(e <= 100000);
  }
}

TEST_CASE("RandomWalk on a shifted sphere and on a shifted Himmelblau") {
  Tally sphere, himmelblau;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const VectorXd s = global_test::shift(seed, 3);
    auto f = [s](const VectorXd& x) { return (x - s).squaredNorm(); };
    // No box: σ relative to max(1, |x0ᵢ|).
    const opt::Result r = opt::minimize(f, VectorXd::Zero(3), opt::RandomWalk{}, seeded(seed));
    sphere.add(r, 1e-8);
    CHECK(r.stop_reason == opt::StopReason::Converged);  // σ < xtol
    const opt::Result h = opt::minimize(
        global_test::himmelblau_at(global_test::himmelblau_shift(seed)), VectorXd::Zero(2),
        opt::RandomWalk{.lower = box(-5), .upper = box(5)}, seeded(seed));
    himmelblau.add(h, 1e-6);
  }
  MESSAGE("random walk: sphere-3 ", sphere.passed, "/5 to 1e-8 (", sphere.median(),
          " evaluations), Himmelblau ", himmelblau.passed, "/5 to 1e-6 (", himmelblau.median(),
          ")");
  CHECK(sphere.passed == 5);
  CHECK(himmelblau.passed == 5);
}

TEST_CASE("the same seed gives the same run, another seed another") {
  const VectorXd s = global_test::shift(7, 2);
  for (const std::string& name : global_methods) {
    CAPTURE(name);
    const opt::Method m = method_in_box(name, -5.12, 5.12);
    const VectorXd x0 = global_test::start(7, 2, -5.12, 5.12);
    const opt::Result a = opt::minimize(global_test::rastrigin(s), x0, m, seeded(11, 3000));
    const opt::Result b = opt::minimize(global_test::rastrigin(s), x0, m, seeded(11, 3000));
    const opt::Result c = opt::minimize(global_test::rastrigin(s), x0, m, seeded(12, 3000));
    CHECK(a.x == b.x);  // bit-identical
    CHECK(a.value == b.value);
    CHECK(a.evaluations == b.evaluations);
    CHECK(a.iterations == b.iterations);
    CHECK((a.x != c.x || a.evaluations.values != c.evaluations.values));
  }
}

TEST_CASE("a NaN value counts as +inf") {
  // NaN on half the box, the minimum (0.5, −1) in the other half.
  auto f = [](const VectorXd& x) {
    if (x[0] > 1.0) return std::numeric_limits<double>::quiet_NaN();
    return (x[0] - 0.5) * (x[0] - 0.5) + (x[1] + 1.0) * (x[1] + 1.0);
  };
  for (const std::string& name : global_methods) {
    CAPTURE(name);
    const opt::Result r =
        opt::minimize(f, VectorXd::Zero(2), method_in_box(name, -3, 3), seeded(3, 20000));
    CAPTURE(r.message);
    CHECK(std::isfinite(r.value));
    CHECK(r.value < 1e-3);
    CHECK(r.stop_reason != opt::StopReason::Diverged);
  }
  // Annealing from a start where f is NaN: restarted at random points of the box.
  const opt::Result r =
      opt::minimize(f, VectorXd::Constant(2, 2.0),
                    opt::DualAnnealing{.lower = box(-3), .upper = box(3)}, seeded(3, 20000));
  CHECK(r.value < 1e-6);
}

TEST_CASE("the box is required, broadcast, finite and holds x0") {
  auto f = [](const VectorXd& x) { return x.squaredNorm(); };
  const VectorXd x0 = VectorXd::Zero(2);
  CHECK_THROWS_WITH_AS(opt::minimize(f, x0, opt::DualAnnealing{}),
                       doctest::Contains("DualAnnealing: needs the box lower, upper"),
                       nabla::Error);
  CHECK_THROWS_WITH_AS(
      opt::minimize(
          f, x0,
          opt::DifferentialEvolution{.lower = VectorXd::Zero(3), .upper = VectorXd::Ones(3)}),
      doctest::Contains("DifferentialEvolution: lower has size 3; it must have size n = 2 or 1"),
      nabla::Error);
  CHECK_THROWS_WITH_AS(
      opt::minimize(f, x0, opt::GeneticAlgorithm{.lower = box(1), .upper = box(-1)}),
      doctest::Contains("GeneticAlgorithm: lower = (1, 1) must be finite and < upper = (-1, -1)"),
      nabla::Error);
  CHECK_THROWS_WITH_AS(
      opt::minimize(f, x0,
                    opt::DualAnnealing{.lower = box(-1),
                                       .upper = box(std::numeric_limits<double>::infinity())}),
      doctest::Contains("must be finite"), nabla::Error);
  CHECK_THROWS_WITH_AS(
      opt::minimize(f, VectorXd::Constant(2, 3.0),
                    opt::RandomWalk{.lower = box(-1), .upper = box(1)}),
      doctest::Contains(
          "RandomWalk: x0 = (3, 3) is outside the box [lower, upper] at coordinate 0"),
      nabla::Error);
  // Size 1 is broadcast, size n taken per coordinate: [−1, 1] × [2, 3].
  const opt::Result r = opt::minimize(
      f, VectorXd(Eigen::Vector2d(0.0, 2.5)),
      opt::DifferentialEvolution{.lower = Eigen::Vector2d(-1, 2), .upper = Eigen::Vector2d(1, 3)},
      seeded(1));
  CHECK(std::abs(r.x[0]) < 1e-6);
  CHECK(r.x[1] == doctest::Approx(2.0).epsilon(1e-6));  // the minimum over the box: its corner
}

TEST_CASE("budgets stop the run and say which") {
  const VectorXd s = global_test::shift(5, 2);
  const auto f = global_test::rastrigin(s);
  const VectorXd x0 = global_test::start(5, 2, -5.12, 5.12);
  for (const std::string& name : global_methods) {
    CAPTURE(name);
    // Counting the objective's calls: the result is the best point it was given.
    long calls = 0;
    double best = std::numeric_limits<double>::infinity();
    auto counted = [&](const VectorXd& x) {
      ++calls;
      const double v = f(x);
      best = std::min(best, v);
      return v;
    };
    const opt::Result r =
        opt::minimize(counted, x0, method_in_box(name, -5.12, 5.12), seeded(2, 133));
    CHECK(r.stop_reason == opt::StopReason::MaxEvaluations);
    CHECK(r.evaluations.values == 133);
    CHECK(calls == 133);
    CHECK(r.value == best);
    CHECK(r.message.find("evaluation budget") != std::string::npos);
  }
  // The wall-clock budget, polled between the evaluations of a generation.
  auto slow = [&](const VectorXd& x) {
    double v = f(x);
    for (int k = 0; k < 20000; ++k) v = std::nextafter(v, 1e300);
    return v;
  };
  opt::Options timed = seeded(2, 0);
  timed.stop.max_seconds = 0.005;
  const opt::Result t = opt::minimize(
      slow, x0, opt::DifferentialEvolution{.lower = box(-5.12), .upper = box(5.12)}, timed);
  CHECK(t.stop_reason == opt::StopReason::TimeLimit);
  CHECK(t.message.find("time budget") != std::string::npos);
  CHECK(std::isfinite(t.value));
  // The method's own budget.
  const opt::Result d = opt::minimize(
      f, x0,
      opt::DifferentialEvolution{.lower = box(-5.12), .upper = box(5.12), .max_evaluations = 100},
      seeded(2, 0));
  CHECK(d.stop_reason == opt::StopReason::MaxEvaluations);
  CHECK(d.evaluations.values == 100);
  CHECK(d.message.find("method's budget (max_evaluations = 100)") != std::string::npos);
  // Generations, and the callback that sees every one.
  int calls = 0;
  opt::Options o = seeded(2, 0);
  o.on_iteration = [&](const opt::Progress&) { return ++calls == 7; };
  const opt::Result c =
      opt::minimize(f, x0, opt::GeneticAlgorithm{.lower = box(-5.12), .upper = box(5.12)}, o);
  CHECK(c.stop_reason == opt::StopReason::Callback);
  CHECK(c.iterations == 7);
  CHECK(c.evaluations.values == 50 + 7 * 48);  // the population, then 48 children a generation
  const opt::Result g = opt::minimize(
      f, x0,
      opt::GeneticAlgorithm{
          .lower = box(-5.12), .upper = box(5.12), .max_generations = 20, .stall_generations = 0},
      seeded(2, 0));
  CHECK(g.stop_reason == opt::StopReason::MaxIterations);
  CHECK(g.iterations == 20);
  const opt::Result a = opt::minimize(
      f, x0, opt::DualAnnealing{.lower = box(-5.12), .upper = box(5.12), .max_iterations = 30},
      seeded(2, 0));
  CHECK(a.stop_reason == opt::StopReason::MaxIterations);
  CHECK(a.iterations == 30);
}

namespace {

struct BrentReference {
  double a = 0, b = 0, c = 0, x = 0, f = 0;
  long nfev = 0, nit = 0;
};

BrentReference brent_reference(const std::string& kind, const std::string& name) {
  std::ifstream in(NABLA_REFERENCE_DIR "/scipy_global_brent.txt");
  REQUIRE(in.good());
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string k, n;
    BrentReference r;
    if (words >> k >> n >> r.a >> r.b >> r.c >> r.x >> r.f >> r.nfev >> r.nit && k == kind &&
        n == name)
      return r;
  }
  FAIL("no reference for ", kind, " ", name);
  return {};
}

}  // namespace

TEST_CASE("Brent against scipy's brent: the same iterates and evaluations") {
  struct Case {
    std::string name;
    double (*f)(double);
  };
  const std::vector<Case> cases = {
      {"quadratic", [](double x) { return std::pow(x - 1.5, 2.0) + 0.3; }},
      {"quartic", [](double x) { return std::pow(x, 4.0) - 3.0 * std::pow(x, 3.0) + 2.0; }},
      {"exp_linear", [](double x) { return std::exp(x) - 3.0 * x; }}};
  for (const Case& c : cases) {
    CAPTURE(c.name);
    // The interval form starts at scipy's middle point: 2 evaluations fewer than scipy's 3.
    const BrentReference ri = brent_reference("interval", c.name);
    const opt::ScalarMinimum m = opt::brent(c.f, ri.a, ri.c);
    CHECK(m.x == doctest::Approx(ri.x).epsilon(1e-14));
    CHECK(m.value == doctest::Approx(ri.f).epsilon(1e-14));
    CHECK(m.iterations == ri.nit);
    CHECK(m.evaluations == ri.nfev - 2);
    CHECK(m.converged);
    // minimize's form from x0 = 0: bracket_minimum's bracket, then scipy's iterates.
    const BrentReference rb = brent_reference("bracket", c.name);
    auto f = [&](const VectorXd& x) { return c.f(x[0]); };
    const opt::Result r = opt::minimize(f, VectorXd::Zero(1), opt::Brent{});
    CHECK(r.x[0] == doctest::Approx(rb.x).epsilon(1e-14));
    CHECK(r.value == doctest::Approx(rb.f).epsilon(1e-14));
    CHECK(r.evaluations.values == rb.nfev);
    CHECK(r.iterations == rb.nit);
    CHECK(r.stop_reason == opt::StopReason::Converged);
    // And on the interval through minimize: one evaluation more, the start point.
    const opt::Result ri2 =
        opt::minimize(f, VectorXd::Constant(1, ri.a), opt::Brent{.lower = ri.a, .upper = ri.c});
    CHECK(ri2.x[0] == doctest::Approx(ri.x).epsilon(1e-14));
    CHECK(ri2.evaluations.values == ri.nfev - 1);
  }
  CHECK_THROWS_WITH_AS(opt::brent([](double x) { return x * x; }, 1.0, 1.0),
                       doctest::Contains("brent: need finite lower = 1 < upper = 1"), nabla::Error);
  CHECK_THROWS_WITH_AS(opt::minimize([](const VectorXd& x) { return x.squaredNorm(); },
                                     VectorXd::Zero(2), opt::Brent{}),
                       doctest::Contains("Brent: searches one variable, but x0 has 2"),
                       nabla::Error);
  // A NaN counts as +inf: f is NaN right of 2, the minimum at 1.
  const opt::ScalarMinimum nan = opt::brent(
      [](double x) {
        return x > 2.0 ? std::numeric_limits<double>::quiet_NaN() : (x - 1) * (x - 1);
      },
      -1.0, 5.0);
  CHECK(nan.x == doctest::Approx(1.0).epsilon(1e-7));
}

TEST_CASE("docs: a global search in a box") {
  auto f = [](const Eigen::VectorXd& x) {
    const double a = x[0] * x[0] + x[1] - 11.0, b = x[0] + x[1] * x[1] - 7.0;
    return a * a + b * b;  // Himmelblau: four minima, f* = 0
  };
  opt::Options options;
  options.seed = 42;  // the same seed, the same run
  options.stop.max_evaluations = 100000;
  const opt::DifferentialEvolution de{.lower = Eigen::Vector2d(-5, -5),
                                      .upper = Eigen::Vector2d(5, 5)};
  const opt::Result r = opt::minimize(f, Eigen::VectorXd::Zero(2), de, options);
  CHECK(r.value < 1e-8);
  const opt::DualAnnealing da{.lower = Eigen::VectorXd::Constant(1, -5.0),
                              .upper = Eigen::VectorXd::Constant(1, 5.0)};
  CHECK(opt::minimize(f, Eigen::VectorXd::Zero(2), da, options).value < 1e-8);
}
