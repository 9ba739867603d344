// Hyper-parameter search: the space and its unit-box map, the grid order against scikit-learn's
// ParameterGrid, random search without replacement, the random walk, the Gaussian process
// against scikit-learn's GaussianProcessRegressor and finite differences, save/restore, Bayesian
// optimisation on Branin, and tune() on a minimize run. References: reference/*.py.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nabla/optim.hpp>

#include <nabla/optim/tools/least_squares.hpp>
#include "reference_lines.hpp"

namespace opt = nabla::optim;
using nabla::Var;
using nabla::VectorXv;

namespace {

double branin(double x1, double x2) {
  const double pi = std::numbers::pi;
  const double b = 5.1 / (4 * pi * pi), c = 5 / pi, t = 1 / (8 * pi);
  const double u = x2 - b * x1 * x1 + c * x1 - 6;
  return u * u + 10 * (1 - t) * std::cos(x1) + 10;
}
constexpr double branin_min = 0.397887;

opt::Space branin_space() { return {{"x1", opt::Real{-5, 10}}, {"x2", opt::Real{0, 15}}}; }

double branin_params(const opt::Params& p) {
  return branin(opt::as_real(p, "x1"), opt::as_real(p, "x2"));
}

// Best score after `budget` evaluations of one searcher, asked one point at a time.
double search(opt::Searcher& s, std::size_t budget) {
  for (std::size_t i = 0; i < budget; ++i) {
    const auto p = s.ask(1);
    s.tell(p, {branin_params(p[0])});
  }
  return s.observed_scores()[s.best_index()];
}

}  // namespace

TEST_CASE("space: unit-box round trips, log scales, integers, categories") {
  const opt::Space space{{"lr", opt::Real{1e-4, 1.0, true}},
                         {"momentum", opt::Real{0.0, 0.99}},
                         {"layers", opt::Integer{1, 8}},
                         {"batch", opt::Integer{8, 512, true}},
                         {"penalty", opt::Categorical{{"l2", "l1", opt::none}}}};
  CHECK(space.size() == 5);
  const opt::Params p{{"lr", 0.01},
                      {"momentum", 0.5},
                      {"layers", std::int64_t{3}},
                      {"batch", std::int64_t{64}},
                      {"penalty", opt::none}};
  const Eigen::VectorXd u = space.to_unit(p);
  CHECK(u[0] == doctest::Approx(0.5).epsilon(1e-14));  // log10: −4 … 0, −2 in the middle
  CHECK(u[1] == doctest::Approx(0.5 / 0.99).epsilon(1e-14));
  CHECK(u[2] == doctest::Approx(2.0 / 7.0).epsilon(1e-14));
  CHECK(u[3] == doctest::Approx(0.5).epsilon(1e-14));  // 64 = √(8·512)
  CHECK(u[4] == doctest::Approx(5.0 / 6.0).epsilon(1e-14));
  const opt::Params back = space.from_unit(u);
  CHECK(opt::as_real(back, "lr") == doctest::Approx(0.01).epsilon(1e-13));
  CHECK(opt::as_real(back, "momentum") == doctest::Approx(0.5).epsilon(1e-14));
  CHECK(opt::as_integer(back, "layers") == 3);
  CHECK(opt::as_integer(back, "batch") == 64);
  CHECK(opt::as_text(back, "penalty") == "None");
  // The unit box's corners are the bounds; a point outside is clamped into the box.
  const opt::Params lo = space.from_unit(Eigen::VectorXd::Constant(5, -0.5));
  const opt::Params hi = space.from_unit(Eigen::VectorXd::Ones(5));
  CHECK(opt::as_real(lo, "lr") == 1e-4);
  CHECK(opt::as_real(hi, "lr") == 1.0);
  CHECK(opt::as_integer(lo, "batch") == 8);
  CHECK(opt::as_integer(hi, "batch") == 512);
  CHECK(opt::as_text(lo, "penalty") == "l2");
  CHECK(opt::as_text(hi, "penalty") == "None");
  // Samples stay inside and every category and integer turns up.
  opt::Rng rng(5);
  std::set<std::int64_t> layers;
  std::set<std::string> penalties;
  double log_lr_sum = 0.0;
  for (int i = 0; i < 2000; ++i) {
    const opt::Params s = space.sample(rng);
    const double lr = opt::as_real(s, "lr");
    CHECK((lr >= 1e-4 && lr <= 1.0));
    log_lr_sum += std::log10(lr);
    layers.insert(opt::as_integer(s, "layers"));
    penalties.insert(opt::as_text(s, "penalty"));
  }
  CHECK(layers == std::set<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8});
  CHECK(penalties.size() == 3);
  CHECK(log_lr_sum / 2000 == doctest::Approx(-2.0).epsilon(0.05));  // log-uniform: mean −2
}

TEST_CASE("space: clear errors") {
  opt::Space s;
  CHECK_THROWS_WITH_AS(s.add("x", opt::Real{1.0, 1.0}),
                       "nabla::optim::Space::add: 'x': Real low = 1 must be < high = 1 (both "
                       "finite)",
                       nabla::Error);
  CHECK_THROWS_WITH_AS(s.add("x", opt::Real{0.0, 1.0, true}),
                       "nabla::optim::Space::add: 'x': a log Real needs low > 0, not low = 0",
                       nabla::Error);
  CHECK_THROWS_WITH_AS(s.add("n", opt::Integer{5, 2}),
                       "nabla::optim::Space::add: 'n': Integer low = 5 must be < high = 2",
                       nabla::Error);
  CHECK_THROWS_WITH_AS(s.add("n", opt::Integer{-1, 2, true}),
                       "nabla::optim::Space::add: 'n': a log Integer needs low > 0, not low = -1",
                       nabla::Error);
  CHECK_THROWS_WITH_AS(s.add("c", opt::Categorical{}),
                       "nabla::optim::Space::add: 'c': Categorical has no values", nabla::Error);
  s.add("x", opt::Real{0.0, 1.0});
  CHECK_THROWS_WITH_AS(s.add("x", opt::Real{0.0, 2.0}),
                       "nabla::optim::Space::add: the name 'x' is already taken", nabla::Error);
  CHECK_THROWS_WITH_AS((void)s.dimension("y"), "nabla::optim::Space: no dimension named 'y'",
                       nabla::Error);
  CHECK_THROWS_WITH_AS((void)s.to_unit({{"x", 0.5}, {"y", 1.0}}),
                       "nabla::optim::Space::to_unit: no dimension named 'y'", nabla::Error);
  CHECK_THROWS_WITH_AS((void)s.to_unit({{"x", 1.5}}),
                       "nabla::optim::Space::to_unit: 'x' = 1.5 is outside [0, 1]", nabla::Error);
  CHECK_THROWS_WITH_AS((void)s.to_unit({}), "nabla::optim::Space::to_unit: the Params have no 'x'",
                       nabla::Error);
}

TEST_CASE("grid searcher: scikit-learn's ParameterGrid order for a list of two grids") {
  const opt::ParameterGrid grid{
      opt::Grid{{"kernel", {"linear"}},
                {"C", {std::int64_t{1}, std::int64_t{10}, std::int64_t{100}}},
                {"gamma", {opt::none}}},
      opt::Grid{{"penalty", {"l2", opt::none, "l1"}},
                {"alpha", {0.01, 0.1}},
                {"fit_intercept", {std::int64_t{1}, std::int64_t{0}}}}};
  const auto expected = reference_lines("sklearn_parameter_grid.txt");
  REQUIRE(expected.size() == 15);
  opt::GridSearcher searcher(grid);
  std::vector<std::string> got;
  while (!searcher.exhausted()) {
    const auto batch = searcher.ask(4);  // batches of 4: 4, 4, 4, 3
    CHECK(!batch.empty());
    for (const auto& p : batch) got.push_back(opt::to_string(p));
    searcher.tell(batch, std::vector<double>(batch.size(), 0.0));
  }
  CHECK(got == expected);
  CHECK(searcher.ask(1).empty());
}

TEST_CASE("random search: without replacement on a categorical grid, then exhausted") {
  const opt::Space space{
      {"a", opt::Categorical{{std::int64_t{1}, std::int64_t{2}, std::int64_t{3}}}},
      {"b", opt::Categorical{{"x", "y", opt::none, "z"}}},
      {"c", opt::Categorical{{0.5, 1.5}}}};
  opt::RandomSearcher s(space, 42);
  std::set<std::string> seen;
  std::vector<std::string> order;
  for (int i = 0; i < 24; ++i) {
    CHECK(!s.exhausted());
    const auto p = s.ask(1);
    REQUIRE(p.size() == 1);
    order.push_back(opt::to_string(p[0]));
    seen.insert(order.back());
  }
  CHECK(seen.size() == 24);  // 3·4·2 points, each exactly once
  CHECK(s.exhausted());
  CHECK(s.ask(3).empty());
  // A random order, not the grid's, and another seed gives another.
  const auto grid = opt::ParameterGrid(space.grid()).all();
  std::vector<std::string> grid_order;
  for (const auto& p : grid) grid_order.push_back(opt::to_string(p));
  CHECK(order != grid_order);
  opt::RandomSearcher other(space, 43);
  CHECK(opt::to_string(other.ask(24)[5]) != order[5]);
  // With a continuous dimension: independent draws, never exhausted.
  opt::RandomSearcher mixed({{"a", opt::Categorical{{"p", "q"}}}, {"x", opt::Real{0, 1}}}, 1);
  CHECK(mixed.ask(100).size() == 100);
  CHECK(!mixed.exhausted());
}

TEST_CASE("random walk: proposals stay in the box, the step adapts, it descends") {
  const opt::Space mixed{
      {"x", opt::Real{-5, 10}}, {"n", opt::Integer{1, 4}}, {"c", opt::Categorical{{"a", "b"}}}};
  opt::RandomWalkSearcher m(mixed, 3, {.initial_step = 0.5});
  std::set<std::string> categories;
  for (int i = 0; i < 200; ++i) {
    const auto batch = m.ask(2);
    std::vector<double> scores;
    for (const auto& p : batch) {
      const double x = opt::as_real(p, "x");
      CHECK((x >= -5 && x <= 10));
      const auto n = opt::as_integer(p, "n");
      CHECK((n >= 1 && n <= 4));
      categories.insert(opt::as_text(p, "c"));
      scores.push_back(std::abs(x - 9.9));  // near the upper bound: steps reflect there
    }
    m.tell(batch, scores);
  }
  CHECK(categories.size() == 2);  // categories are redrawn now and then
  CHECK(m.observed_scores()[m.best_index()] < 1e-2);
  // Branin from a random start: within 0.05 of f* in 600 evaluations, the step shrunk.
  opt::RandomWalkSearcher s(branin_space(), 3, {.initial_step = 0.3});
  CHECK(search(s, 600) - branin_min < 0.05);
  CHECK(s.step() < 0.3);
}

TEST_CASE("Gaussian process: scikit-learn's posterior and marginal likelihood, fixed kernel") {
  const auto lines = reference_lines("sklearn_gaussian_process.txt");
  std::istringstream head(lines.at(0));
  int n = 0, d = 0;
  head >> n >> d;
  REQUIRE((n == 8 && d == 2));
  Eigen::MatrixXd X(n, d);
  Eigen::VectorXd y(n);
  for (int i = 0; i < n; ++i) {
    std::istringstream row(lines.at(1 + static_cast<std::size_t>(i)));
    row >> X(i, 0) >> X(i, 1) >> y[i];
  }
  const double lml_ref = std::stod(lines.at(9));
  std::istringstream grad_line(lines.at(10));
  Eigen::Vector3d grad_ref;
  grad_line >> grad_ref[0] >> grad_ref[1] >> grad_ref[2];
  const int m = std::stoi(lines.at(11));
  Eigen::MatrixXd Xs(m, d);
  Eigen::VectorXd mean_ref(m), std_ref(m);
  for (int i = 0; i < m; ++i) {
    std::istringstream row(lines.at(12 + static_cast<std::size_t>(i)));
    row >> Xs(i, 0) >> Xs(i, 1) >> mean_ref[i] >> std_ref[i];
  }
  opt::GaussianProcess gp(
      {.optimize = false, .jitter = 0.0},
      {.constant = 1.7, .length_scales = Eigen::Vector2d(0.3, 0.6), .noise = 1e-6});
  gp.fit(X, y);
  Eigen::VectorXd mean, std;
  gp.predict(Xs, mean, std);
  CHECK((mean - mean_ref).lpNorm<Eigen::Infinity>() < 1e-10);
  CHECK((std - std_ref).lpNorm<Eigen::Infinity>() < 1e-9);
  CHECK(gp.log_marginal_likelihood() == doctest::Approx(lml_ref).epsilon(1e-12));
  Eigen::VectorXd grad;
  (void)gp.log_marginal_likelihood(gp.theta(), &grad);
  CHECK((grad.head(3) - grad_ref).lpNorm<Eigen::Infinity>() < 1e-9);
  // Interpolation: at the data the mean is y and the std ≈ √noise·σ_y.
  gp.predict(X, mean, std);
  CHECK((mean - y).lpNorm<Eigen::Infinity>() < 1e-5);
  CHECK(std.maxCoeff() < 1e-2 * std_ref.minCoeff());
}

TEST_CASE("Gaussian process: the marginal likelihood's gradient against central differences") {
  opt::Rng rng(11);
  Eigen::MatrixXd X(12, 3);
  Eigen::VectorXd y(12);
  for (int i = 0; i < 12; ++i) {
    for (int k = 0; k < 3; ++k) X(i, k) = rng.uniform();
    y[i] = std::sin(4 * X(i, 0)) * X(i, 1) + X(i, 2);
  }
  opt::GaussianProcess gp({.optimize = false});
  gp.fit(X, y);
  Eigen::VectorXd theta(5);
  theta << 0.3, -1.0, -0.4, 0.2, std::log(1e-3);
  Eigen::VectorXd grad;
  const double f0 = gp.log_marginal_likelihood(theta, &grad);
  CHECK(std::isfinite(f0));
  for (Eigen::Index k = 0; k < theta.size(); ++k) {
    const double h = 1e-5;
    Eigen::VectorXd tp = theta, tm = theta;
    tp[k] += h;
    tm[k] -= h;
    const double fd =
        (gp.log_marginal_likelihood(tp, nullptr) - gp.log_marginal_likelihood(tm, nullptr)) /
        (2 * h);
    CHECK(grad[k] == doctest::Approx(fd).epsilon(1e-6));
  }
  // Fitting raises the likelihood above the start's, and the fit interpolates.
  opt::GaussianProcess fitted;
  fitted.fit(X, y, &rng);
  CHECK(fitted.log_marginal_likelihood() > f0);
  Eigen::VectorXd mean, std;
  fitted.predict(X, mean, std);
  CHECK((mean - y).lpNorm<Eigen::Infinity>() < 1e-2);
}

TEST_CASE("save/restore: the asks after a restore are bit-identical") {
  auto check = [](auto make) {
    auto a = make();
    search(a, 8);
    const opt::SearcherState state = a.save();
    auto b = make();
    b.restore(state);
    for (int i = 0; i < 3; ++i) {
      const auto pa = a.ask(2), pb = b.ask(2);
      REQUIRE(pa.size() == pb.size());
      for (std::size_t j = 0; j < pa.size(); ++j) {
        CHECK(opt::as_real(pa[j], "x1") == opt::as_real(pb[j], "x1"));  // every bit
        CHECK(opt::as_real(pa[j], "x2") == opt::as_real(pb[j], "x2"));
      }
      std::vector<double> scores;
      for (const auto& p : pa) scores.push_back(branin_params(p));
      a.tell(pa, scores);
      b.tell(pb, scores);
    }
  };
  check([] { return opt::RandomSearcher(branin_space(), 9); });
  check([] { return opt::RandomWalkSearcher(branin_space(), 9); });
  check([] { return opt::BayesianOptimization(branin_space(), 9); });
  // A categorical grid part-way through.
  const opt::Space grid{{"a", opt::Categorical{{"p", "q", "r"}}},
                        {"b", opt::Categorical{{std::int64_t{1}, std::int64_t{2}}}}};
  opt::RandomSearcher a(grid, 1);
  (void)a.ask(2);
  opt::RandomSearcher b(grid, 2);
  b.restore(a.save());
  CHECK(opt::to_string(a.ask(4)[3]) == opt::to_string(b.ask(4)[3]));
  // A grid part-way through: the rest in ParameterGrid order, then exhausted.
  const opt::Grid g{{"alpha", {0.1, 1.0, 10.0}}, {"penalty", {"l1", "l2"}}};
  opt::GridSearcher first(g);
  const auto head = first.ask(4);
  first.tell(head, {1.0, 2.0, 3.0, 4.0});
  opt::GridSearcher second(g);
  second.restore(first.save());
  const auto rest_a = first.ask(10), rest_b = second.ask(10);
  REQUIRE(rest_b.size() == 2);
  REQUIRE(rest_a.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) CHECK(opt::to_string(rest_a[i]) == opt::to_string(rest_b[i]));
  CHECK(opt::to_string(rest_b[0]) == opt::to_string(opt::ParameterGrid(g).all()[4]));
  CHECK(second.exhausted());
  CHECK(second.observed_scores() == std::vector<double>{1.0, 2.0, 3.0, 4.0});
}

TEST_CASE("Bayesian optimisation: Branin in 30 evaluations (5 random first), 3 seeds") {
  std::vector<double> regrets;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    opt::BayesianOptimization bo(branin_space(), seed);
    regrets.push_back(search(bo, 30) - branin_min);
  }
  MESSAGE("Branin simple regrets after 30 evaluations: ", regrets[0], ", ", regrets[1], ", ",
          regrets[2]);
  for (const double r : regrets) CHECK((r >= -1e-6 && r < 1e-2));
  // Random search with the same budget does far worse.
  opt::RandomSearcher rs(branin_space(), 1);
  CHECK(search(rs, 30) - branin_min > 10 * *std::max_element(regrets.begin(), regrets.end()));
}

TEST_CASE("Bayesian optimisation: after a stall, proposals leave the incumbent's well") {
  // Two narrow wells: each is solved in a few evaluations, and then stall_patience observations
  // without improvement make a stall, recomputed here from the scores the surrogate saw. A
  // stalled ask lands at least stall_radius length scales from the incumbent; with the rule off,
  // asks keep landing inside that ball (so the check is not vacuous).
  const opt::Space space{{"x1", opt::Real{0, 1}}, {"x2", opt::Real{0, 1}}};
  auto wells = [](const opt::Params& p) {
    const double x = opt::as_real(p, "x1"), y = opt::as_real(p, "x2");
    auto well = [&](double a, double b) {
      return std::exp(-((x - a) * (x - a) + (y - b) * (y - b)) / 0.02);
    };
    return -well(0.2, 0.3) - 0.8 * well(0.75, 0.7);
  };
  for (const std::size_t patience : {std::size_t{10}, std::size_t{0}}) {
    opt::BayesianOptimizationOptions o;
    o.stall_patience = patience;
    opt::BayesianOptimization bo(space, 3, o);
    int stalled = 0, inside = 0;
    for (int i = 0; i < 60; ++i) {
      const auto p = bo.ask(1);
      const auto n = static_cast<Eigen::Index>(bo.observed_scores().size());
      if (n > 15) {  // past n_initial + 10
        const Eigen::VectorXd& y = bo.surrogate().y_normalized();
        const bool stall = y.head(n - 10).minCoeff() - y.minCoeff() <= o.stall_tolerance;
        const Eigen::VectorXd u = space.to_unit(p[0]);
        const Eigen::VectorXd best = space.to_unit(bo.observed_params()[bo.best_index()]);
        const Eigen::VectorXd& l = bo.surrogate().kernel().length_scales;
        const double r = (u - best).cwiseQuotient(l).norm();
        if (stall) {
          ++stalled;
          inside += r < o.stall_radius ? 1 : 0;
        }
      }
      bo.tell(p, {wells(p[0])});
    }
    MESSAGE("stall_patience ", patience, ": ", stalled, " stalled asks, ", inside,
            " inside the incumbent's ball");
    CHECK(stalled >= 10);
    CHECK(bo.observed_scores()[bo.best_index()] < -0.999);  // the deeper well, f* = −1
    if (patience > 0) CHECK(inside == 0);
    if (patience == 0) CHECK(inside >= 5);
  }
  opt::BayesianOptimizationOptions bad;
  bad.stall_radius = -1.0;
  CHECK_THROWS_WITH_AS((void)opt::BayesianOptimization(space, 0, bad),
                       doctest::Contains("stall_radius = -1"), nabla::Error);
}

TEST_CASE("Bayesian optimisation: batches, integers and categories, failed trials") {
  const opt::Space space{{"x1", opt::Real{-5, 10}},
                         {"n", opt::Integer{0, 15}},
                         {"shift", opt::Categorical{{0.0, 5.0, 20.0}}}};
  opt::BayesianOptimization bo(space, 4);
  for (int round = 0; round < 8; ++round) {
    const auto batch = bo.ask(3);
    REQUIRE(batch.size() == 3);
    std::set<std::string> distinct;
    std::vector<double> scores;
    for (const auto& p : batch) {
      distinct.insert(opt::to_string(p));
      const double x1 = opt::as_real(p, "x1");
      scores.push_back(x1 > 9.5 ? std::nan("")
                                : branin(x1, static_cast<double>(opt::as_integer(p, "n"))) +
                                      opt::as_real(p, "shift"));
    }
    CHECK(distinct.size() == 3);  // the liar keeps a batch's points apart
    bo.tell(batch, scores);
  }
  const auto& best = bo.observed_params()[bo.best_index()];
  CHECK(opt::as_real(best, "shift") == 0.0);
  // Branin's minimum over integer x2 is ≈ 0.3979 + rounding: below 2 is a good point.
  CHECK(bo.observed_scores()[bo.best_index()] < 2.0);
}

TEST_CASE("tune: lr and batch size of an Adam mini-batch least-squares run") {
  // Least squares over 60 samples, d = 3; the score is the final full loss after 3 epochs.
  opt::Rng rng(7);
  opt::RowMatrixXd X(60, 3);
  Eigen::VectorXd y(60);
  for (int i = 0; i < 60; ++i) {
    for (int j = 0; j < 3; ++j) X(i, j) = rng.normal();
    y[i] = 1.0 + 2.0 * X(i, 0) - 0.5 * X(i, 2) + 0.3 * rng.normal();
  }
  auto final_loss = [&X, &y](const opt::Params& p) {
    auto squared_error = [](const VectorXv& w, const auto& x, double target) {
      const Var r = nabla::dot(w, x) - target;
      return r * r;
    };
    opt::FiniteSum Q(X, y, squared_error);
    opt::Options o;
    o.batching = opt::Batching::mini_batch(opt::as_integer(p, "batch_size"));
    o.stop.max_epochs = 3;
    const double lr = opt::as_real(p, "lr");
    return opt::minimize(Q, Eigen::VectorXd::Zero(3), opt::Adam{.lr = lr}, o).value;
  };
  const opt::Space space{{"lr", opt::Real{1e-4, 1.0, true}},
                         {"batch_size", opt::Integer{1, 60, true}}};
  opt::BayesianOptimization bo(space, 2);
  const opt::TuneResult r = opt::tune(final_loss, bo, {.max_evaluations = 16, .batch = 4});
  REQUIRE(r.trials.size() == 16);
  for (std::size_t i = 0; i < r.trials.size(); ++i) CHECK(r.trials[i].order == i);
  // The best trial's loss is within 5 % of the least-squares optimum's (y has an intercept the
  // model lacks: about 1.09), and far below the worst trial's.
  const double optimum = (X * opt::least_squares(X, y) - y).squaredNorm() / 60;
  double worst = 0.0;
  for (const auto& t : r.trials) worst = std::max(worst, t.score);
  MESSAGE("tune: best ", opt::to_string(r.best.params), " loss ", r.best.score, " (optimum ",
          optimum, "), worst ", worst);
  CHECK(r.best.score < 1.05 * optimum);
  CHECK(worst > 2 * r.best.score);
  CHECK(r.best.score ==
        *std::min_element(bo.observed_scores().begin(), bo.observed_scores().end()));
}

TEST_CASE("tune: a throwing or NaN score is a failed trial; maximize; a non-copyable f") {
  const opt::Space space{{"x", opt::Real{0, 1}}};
  auto f = [](const opt::Params& p) {
    const double x = opt::as_real(p, "x");
    if (x < 0.2) throw std::runtime_error("diverged");
    if (x > 0.9) return std::nan("");
    return 1 - (x - 0.6) * (x - 0.6);
  };
  opt::RandomSearcher rs(space, 5);
  const auto r = opt::tune(f, rs, {.max_evaluations = 40, .batch = 3, .maximize = true});
  CHECK(r.trials.size() == 40);
  int failed = 0;
  for (const auto& t : r.trials) failed += std::isnan(t.score) ? 1 : 0;
  CHECK(failed > 0);
  CHECK(std::abs(opt::as_real(r.best.params, "x") - 0.6) < 0.1);
  CHECK(r.best.score > 0.99);
  // The searcher was told −score: its best is the same trial.
  CHECK(rs.observed_scores()[rs.best_index()] == -r.best.score);

  struct Counting {
    Counting() = default;
    Counting(const Counting&) = delete;
    Counting(Counting&&) = default;
    int calls = 0;
    double operator()(const opt::Params& p) {
      ++calls;
      return opt::as_real(p, "x");
    }
  };
  Counting counting;
  opt::GridSearcher grid(opt::Grid{{"x", {0.3, 0.1, 0.2}}});
  const auto g = opt::tune(counting, grid, {.max_evaluations = 10, .batch = 2});
  CHECK(!g.parallel);
  CHECK(g.trials.size() == 3);  // the grid is exhausted first
  CHECK(counting.calls == 3);
  CHECK(opt::as_real(g.best.params, "x") == 0.1);
}

TEST_CASE("tune: max_seconds ends the search between batches; the serial notice's text") {
  const opt::Space space{{"x", opt::Real{0, 1}}};
  auto slow = [](const opt::Params& p) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return opt::as_real(p, "x");
  };
  opt::RandomSearcher rs(space, 1);
  const auto r = opt::tune(slow, rs, {.max_evaluations = 100, .max_seconds = 0.05});
  MESSAGE("max_seconds = 0.05 with 20 ms trials: ", r.trials.size(), " trials");
  CHECK(r.trials.size() >= 1);
  CHECK(r.trials.size() < 100);  // 100 trials take 2 s
  // The notice for an objective that cannot be copied, read back from stderr.
  struct Once {
    Once() = default;
    Once(const Once&) = delete;
    Once(Once&&) = default;
    double operator()(const opt::Params& p) const { return opt::as_real(p, "x"); }
  };
  std::FILE* tmp = std::tmpfile();
  REQUIRE(tmp != nullptr);
  std::fflush(stderr);
  const int saved = dup(fileno(stderr));
  dup2(fileno(tmp), fileno(stderr));
  opt::RandomSearcher once_searcher(space, 2);
  Once once;
  const auto o = opt::tune(once, once_searcher, {.max_evaluations = 4, .batch = 2});
  std::fflush(stderr);
  dup2(saved, fileno(stderr));
  close(saved);
  std::rewind(tmp);
  std::string text(256, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), tmp));
  std::fclose(tmp);
  CHECK(text == "nabla::optim::tune: the objective cannot be copied; its batches run serially\n");
  CHECK(!o.parallel);
  CHECK(o.trials.size() == 4);
}
