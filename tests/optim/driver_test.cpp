// The driver around the step rules: finite sums and batching, variance reduction, noise,
// clipping, penalties, averaging, determinism and save/load/resume.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <nabla/optim.hpp>
#include <nabla/optim/tools/least_squares.hpp>

namespace opt = nabla::optim;
using nabla::Var;
using nabla::VectorXv;

namespace {

// A least-squares problem with a known closed-form solution: l = 60 samples, d = 3.
struct Data {
  opt::RowMatrixXd X;
  Eigen::VectorXd y;
};
Data make_data(int l = 60, int d = 3, std::uint64_t seed = 7) {
  opt::Rng rng(seed);
  Data data{opt::RowMatrixXd(l, d), Eigen::VectorXd(l)};
  for (int i = 0; i < l; ++i) {
    for (int j = 0; j < d; ++j) data.X(i, j) = rng.normal();
    data.y[i] = 1.0 + 2.0 * data.X(i, 0) - 0.5 * data.X(i, d - 1) + 0.3 * rng.normal();
  }
  return data;
}

auto squared_error = [](const VectorXv& w, const auto& x, double y) {
  const Var r = nabla::dot(w, x) - y;
  return r * r;
};

Eigen::VectorXd closed_form(const Data& d) { return opt::least_squares(d.X, d.y); }

}  // namespace

TEST_CASE("finite sum: value and gradient are the mean of the per-sample terms") {
  const Data d = make_data();
  opt::FiniteSum Q(d.X, d.y, squared_error);
  const Eigen::Vector3d w(0.3, -0.2, 0.5);
  Eigen::VectorXd g;
  const double q = Q.value_gradient(w, g);
  const Eigen::VectorXd r = d.X * w - d.y;
  CHECK(q == doctest::Approx(r.squaredNorm() / 60.0).epsilon(1e-13));
  CHECK((g - 2.0 / 60.0 * d.X.transpose() * r).norm() < 1e-12);  // the lecture's (2/l)Xᵀ(Xw − y)
  CHECK(Q.value(w) == doctest::Approx(q).epsilon(1e-13));
  const std::vector<std::int64_t> batch = {3, 17, 42};
  Q.batch_value_gradient(w, batch, g);
  Eigen::VectorXd expected = Eigen::VectorXd::Zero(3);
  for (auto i : batch)
    expected += 2.0 / 3.0 * d.X.row(i).transpose() * (d.X.row(i).dot(w) - d.y[i]);
  CHECK((g - expected).norm() < 1e-13);
}

TEST_CASE("full-batch gradient descent on a finite sum reaches the closed-form solution") {
  const Data d = make_data();
  opt::FiniteSum Q(d.X, d.y, squared_error);
  opt::Options o;
  o.stop = {.max_iterations = 5000, .gradient_norm = 1e-11};
  const auto r = opt::minimize(Q, Eigen::VectorXd::Zero(3), opt::GradientDescent{.lr = 0.2}, o);
  CHECK(r.stop_reason == opt::StopReason::GradientNorm);
  CHECK((r.x - closed_form(d)).norm() < 1e-10);
}

TEST_CASE(
    "SAG, SAGA and SVRG converge to the closed form; plain SGD with a constant step does not") {
  const Data d = make_data();
  const Eigen::VectorXd w_star = closed_form(d);
  opt::FiniteSum Q(d.X, d.y, squared_error);
  auto fit = [&](opt::VarianceReduction vr, double lr) {
    opt::Options o;
    o.batching = opt::Batching::stochastic();
    o.variance_reduction = vr;
    o.stop = {.max_iterations = 1'000'000, .max_epochs = 300};
    o.seed = 3;
    return opt::minimize(Q, Eigen::VectorXd::Zero(3), opt::GradientDescent{.lr = lr}, o);
  };
  for (auto vr :
       {opt::VarianceReduction::SAG, opt::VarianceReduction::SAGA, opt::VarianceReduction::SVRG}) {
    CAPTURE(static_cast<int>(vr));
    const auto r = fit(vr, 0.02);
    CHECK(r.stop_reason == opt::StopReason::MaxEpochs);
    CHECK(r.epochs == 300);
    CHECK(r.iterations == 300 * 60);
    CHECK((r.x - w_star).norm() < 1e-8);
  }
  const auto sgd = fit(opt::VarianceReduction::None, 0.02);
  CHECK((sgd.x - w_star).norm() > 1e-4);  // stuck in a noise ball of radius ∝ η
  // Mini-batch SAGA too.
  opt::Options o;
  o.batching = opt::Batching::mini_batch(8);
  o.variance_reduction = opt::VarianceReduction::SAGA;
  o.stop = {.max_iterations = 1'000'000, .max_epochs = 400};
  const auto mb = opt::minimize(Q, Eigen::VectorXd::Zero(3), opt::GradientDescent{.lr = 0.05}, o);
  CHECK((mb.x - w_star).norm() < 1e-8);
  CHECK(mb.iterations == 400 * 8);  // ⌈60/8⌉ = 8 updates per epoch
}

TEST_CASE(
    "SAG draws with replacement: at step 1/max‖xᵢ‖² it reaches w*, reshuffled epochs do not") {
  // qᵢ = ½(xᵢ·w − yᵢ)², n = 1000, d = 10, X and w_true standard normal, noise 0.1 (issue 16,
  // defect 7). w* is the closed-form least-squares solution.
  const int n = 1000;
  const int d = 10;
  opt::Rng rng(0);
  opt::RowMatrixXd X(n, d);
  Eigen::VectorXd w_true(d);
  Eigen::VectorXd y(n);
  for (int j = 0; j < d; ++j) w_true[j] = rng.normal();
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < d; ++j) X(i, j) = rng.normal();
    y[i] = X.row(i).dot(w_true) + 0.1 * rng.normal();
  }
  const Eigen::VectorXd w_star = opt::least_squares(X, y);
  auto half_square = [](const VectorXv& w, const auto& x, double target) {
    const Var r = nabla::dot(w, x) - target;
    return 0.5 * r * r;
  };
  opt::FiniteSum Q(X, y, half_square);
  const double step = 1.0 / X.rowwise().squaredNorm().maxCoeff();
  auto fit = [&](opt::Batching::Order order) {
    opt::Options o;
    o.batching = opt::Batching::stochastic();
    o.batching.order = order;
    o.variance_reduction = opt::VarianceReduction::SAG;
    o.stop = {.max_iterations = 10'000'000, .max_epochs = 50};
    o.seed = 0;
    return opt::minimize(Q, Eigen::VectorXd::Zero(d), opt::GradientDescent{.lr = step}, o);
  };
  const auto sag = fit(opt::Batching::Order::Auto);
  CHECK(sag.stop_reason == opt::StopReason::MaxEpochs);
  CHECK(sag.iterations == 50 * n);
  CHECK((sag.x - w_star).norm() < 1e-4);
  const auto explicit_order = fit(opt::Batching::Order::WithReplacement);
  CHECK(explicit_order.x == sag.x);  // Auto is WithReplacement for SAG, bit for bit
  const auto reshuffled = fit(opt::Batching::Order::Reshuffled);
  CAPTURE((reshuffled.x - w_star).norm());
  CHECK(!((reshuffled.x - w_star).norm() < 1e-2));  // the caveat of options.hpp (NaN counts too)
}

TEST_CASE("batching orders: with replacement repeats samples, sequential keeps 0…l−1") {
  struct Recording final : opt::Objective {
    std::vector<std::int64_t> log;
    std::int64_t samples() const override { return 10; }
    double value_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& g) override {
      g = w;
      return 0.5 * w.squaredNorm();
    }
    double value(const Eigen::VectorXd& w) override { return 0.5 * w.squaredNorm(); }
    double batch_value_gradient(const Eigen::VectorXd& w, std::span<const std::int64_t> b,
                                Eigen::VectorXd& g) override {
      log.insert(log.end(), b.begin(), b.end());
      g = w;
      return 0.5 * w.squaredNorm();
    }
  };
  auto draws = [](opt::Batching::Order order, bool shuffle = true) {
    Recording obj;
    opt::Options o;
    o.batching = opt::Batching::stochastic();
    o.batching.order = order;
    o.batching.shuffle = shuffle;
    o.stop.max_epochs = 3;
    opt::minimize(obj, Eigen::VectorXd::Ones(2), opt::GradientDescent{.lr = 0.01}, o);
    return obj.log;
  };
  const auto with = draws(opt::Batching::Order::WithReplacement);
  REQUIRE(with.size() == 30);
  std::vector<std::int64_t> first(with.begin(), with.begin() + 10);
  std::sort(first.begin(), first.end());
  CHECK(std::adjacent_find(first.begin(), first.end()) != first.end());  // a repeat (seed 0)
  for (const auto i : with) CHECK((i >= 0 && i < 10));
  const auto seq = draws(opt::Batching::Order::Sequential);
  REQUIRE(seq.size() == 30);
  for (std::size_t k = 0; k < 30; ++k) CHECK(seq[k] == static_cast<std::int64_t>(k % 10));
  CHECK(draws(opt::Batching::Order::Auto, false) == seq);  // 0.1's shuffle = false
  CHECK_THROWS_WITH_AS(draws(opt::Batching::Order::Reshuffled, false),
                       doctest::Contains("Batching.shuffle = false"), nabla::Error);
}

TEST_CASE("stochastic batching reshuffles every epoch and visits each sample once per epoch") {
  const Data d = make_data(10, 2);
  std::vector<std::int64_t> seen;
  struct Recording final : opt::Objective {
    std::vector<std::int64_t>* log;
    std::int64_t samples() const override { return 10; }
    double value_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& g) override {
      g = w;
      return 0.5 * w.squaredNorm();
    }
    double value(const Eigen::VectorXd& w) override { return 0.5 * w.squaredNorm(); }
    double batch_value_gradient(const Eigen::VectorXd& w, std::span<const std::int64_t> b,
                                Eigen::VectorXd& g) override {
      for (auto i : b) log->push_back(i);
      g = w;
      return 0.5 * w.squaredNorm();
    }
  } obj;
  obj.log = &seen;
  opt::Options o;
  o.batching = opt::Batching::stochastic();
  o.stop.max_epochs = 3;
  opt::minimize(obj, Eigen::VectorXd::Ones(2), opt::GradientDescent{.lr = 0.01}, o);
  REQUIRE(seen.size() == 30);
  std::vector<std::vector<std::int64_t>> epochs;
  for (int e = 0; e < 3; ++e) {
    std::vector<std::int64_t> ep(seen.begin() + 10 * e, seen.begin() + 10 * (e + 1));
    std::vector<std::int64_t> sorted = ep;
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i < 10; ++i) CHECK(sorted[static_cast<std::size_t>(i)] == i);
    epochs.push_back(ep);
  }
  CHECK(epochs[0] != epochs[1]);
  CHECK(epochs[1] != epochs[2]);
}

TEST_CASE("same seed, bit-identical run; another seed, another run") {
  const Data d = make_data();
  opt::FiniteSum Q(d.X, d.y, squared_error);
  auto fit = [&](std::uint64_t seed) {
    opt::Options o;
    o.batching = opt::Batching::mini_batch(5);
    o.noise = {.eta = 0.01, .gamma = 0.55};
    o.seed = seed;
    o.stop.max_epochs = 5;
    const Eigen::VectorXd w0 = opt::initialize(3, {.seed = seed});
    return opt::minimize(Q, w0, opt::Adam{.lr = 0.05}, o);
  };
  const auto a = fit(11), b = fit(11), c = fit(12);
  CHECK(a.x == b.x);  // exact equality, every bit
  CHECK(a.history.to_csv() == b.history.to_csv());
  CHECK(a.x != c.x);
}

TEST_CASE("save, load and resume reproduce the uninterrupted run bit for bit") {
  const Data d = make_data();
  opt::FiniteSum Q(d.X, d.y, squared_error);
  opt::Options o;
  o.batching = opt::Batching::mini_batch(7);  // 9 updates per epoch: stop mid-epoch
  o.noise = {.eta = 0.01, .gamma = 0.55};
  o.seed = 5;
  o.schedule = opt::Schedule::reduce_on_plateau(0.5, 1);
  o.averaging = {opt::Averaging::Kind::Uniform, 0};
  const Eigen::VectorXd w0 = Eigen::VectorXd::Zero(3);
  for (const opt::Method& m :
       {opt::Method(opt::Nadam{.lr = 0.05}), opt::Method(opt::Adagrad{.lr = 0.3}),
        opt::Method(opt::Nesterov{.lr = 0.01, .form = opt::NesterovForm::Lookahead})}) {
    CAPTURE(opt::method_name(m));
    o.resume_from = nullptr;
    o.stop.max_iterations = 50;
    const auto full = opt::minimize(Q, w0, m, o);
    o.stop.max_iterations = 22;
    const auto part = opt::minimize(Q, w0, m, o);
    const std::string saved = opt::save_state(part.state);
    const opt::RunState loaded = opt::load_state(saved);
    CHECK(opt::save_state(loaded) == saved);
    o.resume_from = &loaded;
    o.stop.max_iterations = 50;
    const auto resumed = opt::minimize(Q, w0, m, o);
    CHECK(resumed.iterations == 50);
    CHECK(resumed.x == full.x);
    CHECK(resumed.averaged_x == full.averaged_x);
    CHECK(resumed.state.step == full.state.step);
    CHECK(opt::save_state(resumed.state) == opt::save_state(full.state));
  }
  o.resume_from = nullptr;
  // Resuming with another rule is refused with a clear error.
  o.stop.max_iterations = 3;
  const auto r = opt::minimize(Q, w0, opt::Adam{}, o);
  o.resume_from = &r.state;
  CHECK_THROWS_AS(opt::minimize(Q, w0, opt::RMSprop{}, o), nabla::Error);
}

TEST_CASE("penalties: L2 and L1 move the minimiser where the optimality condition says") {
  auto f = [](const VectorXv& x) { return (x[0] - 3.0) * (x[0] - 3.0); };
  const Eigen::VectorXd x0 = Eigen::VectorXd::Zero(1);
  opt::Options o;
  o.stop = {.max_iterations = 2000};
  o.penalty.l2 = 1.0;  // 2(x − 3) + 2x = 0
  CHECK(opt::minimize(f, x0, opt::GradientDescent{.lr = 0.1}, o).x[0] ==
        doctest::Approx(1.5).epsilon(1e-12));
  o.penalty = {.l1 = 1.0};  // 2(x − 3) + 1 = 0
  const auto r = opt::minimize(f, x0, opt::GradientDescent{.lr = 0.1}, o);
  CHECK(r.x[0] == doctest::Approx(2.5).epsilon(1e-12));
  CHECK(r.value == doctest::Approx(0.25 + 2.5).epsilon(1e-12));  // the penalty is in the value
  const auto en = opt::Penalty::elastic_net(0.2, 0.25);
  CHECK(en.l1 == doctest::Approx(0.05));
  CHECK(en.l2 == doctest::Approx(0.075));
  // An excluded coordinate (a bias) is not penalised.
  auto g = [](const VectorXv& x) {
    return (x[0] - 3.0) * (x[0] - 3.0) + (x[1] - 3.0) * (x[1] - 3.0);
  };
  o.penalty = {.l2 = 1.0, .exclude = 1};
  const auto rb = opt::minimize(g, Eigen::VectorXd::Zero(2), opt::GradientDescent{.lr = 0.1}, o);
  CHECK(rb.x[0] == doctest::Approx(1.5).epsilon(1e-12));
  CHECK(rb.x[1] == doctest::Approx(3.0).epsilon(1e-12));
}

TEST_CASE("gradient clipping by norm and by value") {
  auto f = [](const VectorXv& x) { return 30.0 * x[0] + 40.0 * x[1]; };  // ‖∇f‖ = 50
  opt::Options o;
  o.stop.max_iterations = 1;
  o.clip.max_norm = 5.0;
  auto r = opt::minimize(f, Eigen::VectorXd::Zero(2), opt::GradientDescent{.lr = 1.0}, o);
  CHECK(r.x[0] == doctest::Approx(-3.0));
  CHECK(r.x[1] == doctest::Approx(-4.0));
  o.clip = {.max_value = 35.0};
  r = opt::minimize(f, Eigen::VectorXd::Zero(2), opt::GradientDescent{.lr = 1.0}, o);
  CHECK(r.x[0] == -30.0);
  CHECK(r.x[1] == -35.0);
}

TEST_CASE("gradient noise has variance eta/(1+t)^gamma") {
  // f = 0·x: every step is pure noise, x_t − x_{t−1} = −η_step·N(0, σ_t²).
  auto f = [](const VectorXv& x) { return 0.0 * x[0]; };
  opt::Options o;
  o.stop.max_iterations = 40000;
  o.noise = {.eta = 4.0, .gamma = 0.0};
  o.history.record_x = true;
  const auto r = opt::minimize(f, Eigen::VectorXd::Zero(1), opt::GradientDescent{.lr = 1.0}, o);
  double s1 = 0, s2 = 0;
  for (std::size_t t = 1; t < r.history.rows.size(); ++t) {
    const double dx = r.history.rows[t].x[0] - r.history.rows[t - 1].x[0];
    s1 += dx;
    s2 += dx * dx;
  }
  const double n = static_cast<double>(r.history.rows.size() - 1);
  CHECK(std::abs(s1 / n) < 0.05);                       // mean 0 (σ/√n = 0.01)
  CHECK(s2 / n == doctest::Approx(4.0).epsilon(0.05));  // variance η = 4
  o.noise = {.eta = 4.0, .gamma = 1.0};                 // σ_t² = 4/(1+t)
  o.stop.max_iterations = 3;
  const auto r2 = opt::minimize(f, Eigen::VectorXd::Zero(1), opt::GradientDescent{.lr = 1.0}, o);
  CHECK(r2.x.allFinite());
}

TEST_CASE("averaging and best iterate") {
  // f = x²/2 with η = 1.5: x_t = (−0.5)^t; best = the last; uniform average of x_0 … x_4.
  auto f = [](const VectorXv& x) { return 0.5 * x[0] * x[0]; };
  opt::Options o;
  o.stop.max_iterations = 4;
  o.averaging = {opt::Averaging::Kind::Uniform, 0};
  const auto r = opt::minimize(f, Eigen::VectorXd::Ones(1), opt::GradientDescent{.lr = 1.5}, o);
  CHECK(r.averaged_x[0] == doctest::Approx((1 - 0.5 + 0.25 - 0.125 + 0.0625) / 5).epsilon(1e-15));
  CHECK(r.best_x[0] == 0.0625);
  CHECK(r.best_value == 0.5 * 0.0625 * 0.0625);
  o.averaging = {opt::Averaging::Kind::Weighted, 1};  // weights t = 1..4
  const auto w = opt::minimize(f, Eigen::VectorXd::Ones(1), opt::GradientDescent{.lr = 1.5}, o);
  CHECK(w.averaged_x[0] ==
        doctest::Approx((1 * -0.5 + 2 * 0.25 + 3 * -0.125 + 4 * 0.0625) / 10).epsilon(1e-14));
}

TEST_CASE("bad configurations are clear errors") {
  auto f = [](const VectorXv& x) { return x[0] * x[0]; };
  opt::Options o;
  o.batching = opt::Batching::stochastic();
  CHECK_THROWS_AS(opt::minimize(f, Eigen::VectorXd::Ones(1), opt::Adam{}, o), nabla::Error);
  opt::Options v;
  v.variance_reduction = opt::VarianceReduction::SAG;
  CHECK_THROWS_AS(opt::minimize(f, Eigen::VectorXd::Ones(1), opt::Adam{}, v), nabla::Error);
  CHECK_THROWS_AS(
      opt::FiniteSum(opt::RowMatrixXd::Zero(3, 2), Eigen::VectorXd::Zero(2), squared_error),
      nabla::ShapeError);
  // A step size that is not positive and finite names the method (issue 16, defect 8).
  const opt::Options plain;
  CHECK_THROWS_WITH_AS(opt::minimize(f, Eigen::VectorXd::Ones(1), opt::Adam{.lr = -0.1}, plain),
                       "nabla::optim::minimize: Adam.lr = -0.1 must be positive and finite",
                       nabla::Error);
  CHECK_THROWS_AS(
      opt::minimize(f, Eigen::VectorXd::Ones(1), opt::GradientDescent{.lr = 0.0}, plain),
      nabla::Error);
  CHECK_THROWS_AS(
      opt::minimize(f, Eigen::VectorXd::Ones(1),
                    opt::Momentum{.lr = std::numeric_limits<double>::quiet_NaN()}, plain),
      nabla::Error);
}

TEST_CASE("options that would run to a wrong answer are rejected before the first evaluation") {
  // Each was accepted silently before (the misuse suite found them): a negative clipping norm
  // flipped the gradient, a negative penalty made Q unbounded below, and so on.
  int evaluations = 0;
  auto f = [&](const VectorXv& x) {
    ++evaluations;
    return (x[0] - 1.0) * (x[0] - 1.0) + x[1] * x[1];
  };
  const Eigen::VectorXd x0 = Eigen::Vector2d(0.0, 1.0);
  const opt::GradientDescent gd{.lr = 0.1};
  auto rejects = [&](const opt::Options& o, const char* words) {
    CAPTURE(words);
    evaluations = 0;
    CHECK_THROWS_WITH_AS(opt::minimize(f, x0, gd, o), doctest::Contains(words), nabla::Error);
    CHECK(evaluations == 0);
  };
  rejects({.clip = {.max_norm = -1.0}}, "Clipping.max_norm = -1");
  rejects({.clip = {.max_value = 0.0}}, "Clipping.max_value = 0");
  rejects({.penalty = {.l2 = -1.0}}, "unbounded below");
  rejects({.penalty = {.l1 = std::numeric_limits<double>::infinity()}}, "Penalty l1 = inf");
  rejects({.penalty = {.exclude = 7}}, "Penalty.exclude = 7");
  rejects({.stop = {.max_iterations = -5}}, "max_iterations = -5");
  rejects({.stop = {.max_epochs = -1}}, "max_epochs = -1");
  rejects({.stop = {.divergence_factor = -1.0}}, "divergence_factor = -1");
  rejects({.noise = {.eta = -1.0}}, "GradientNoise.eta = -1");
  CHECK_THROWS_AS(opt::minimize(f, x0, gd, {.penalty = {.exclude = 7}}), nabla::ShapeError);
  // A schedule that gives a negative step size stops the run at that iteration, not after it.
  const opt::Options uphill{
      .schedule = opt::Schedule::custom([](std::int64_t t, double) { return t < 3 ? 0.1 : -0.1; })};
  CHECK_THROWS_WITH_AS(opt::minimize(f, x0, gd, uphill),
                       doctest::Contains("step size -0.1 at iteration 3"), nabla::Error);
  // Resuming from a state of another size is a shape error, not a read past the saved x.
  const opt::Result two = opt::minimize(f, x0, gd, {.stop = {.max_iterations = 3}});
  auto f3 = [](const VectorXv& x) { return x[0] * x[0] + x[1] * x[1] + x[2] * x[2]; };
  CHECK_THROWS_WITH_AS(
      opt::minimize(f3, Eigen::Vector3d(0.0, 1.0, 2.0), gd, {.resume_from = &two.state}),
      doctest::Contains("x0 has size 3 but the saved state to resume has 2"), nabla::ShapeError);
  // The same options with valid values run.
  const opt::Result ok =
      opt::minimize(f, x0, gd, {.clip = {.max_norm = 1.0}, .penalty = {.l2 = 0.01, .exclude = 1}});
  CHECK(ok.stop_reason != opt::StopReason::Diverged);
}

TEST_CASE("Result formats through fmt") {
  auto f = [](const VectorXv& x) { return (x[0] - 1.0) * (x[0] - 1.0); };
  opt::Options o;
  o.stop.max_iterations = 3;
  const auto r = opt::minimize(f, Eigen::VectorXd::Zero(1), opt::GradientDescent{.lr = 0.25}, o);
  // x_t = 1 − 0.5^t
  CHECK(fmt::format("{}", r) ==
        "stopped: max_iterations after 3 iterations (3 epochs), Q = 0.015625, x = [0.875]");
}
