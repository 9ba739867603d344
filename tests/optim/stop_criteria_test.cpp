// Each stopping criterion fires exactly at the first iteration where its condition holds.
// Test problem: f = x²/2 with gradient descent η = 0.5 from x0 = 1, so x_t = 0.5ᵗ,
// ∇f = x_t, ‖x_t − x_t−1‖ = 0.5ᵗ, Q_t = 0.5·0.25ᵗ — every first-hit iteration is computed by hand.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <nabla/optim.hpp>

namespace opt = nabla::optim;
using nabla::Var;
using nabla::VectorXv;

namespace {
Var half_square(const VectorXv& x) { return 0.5 * x[0] * x[0]; }
const Eigen::VectorXd x0 = Eigen::VectorXd::Constant(1, 1.0);
opt::Result run(opt::StopCriteria stop) {
  opt::Options o;
  o.stop = std::move(stop);
  return opt::minimize(half_square, x0, opt::GradientDescent{.lr = 0.5}, o);
}
}  // namespace

TEST_CASE("iteration budget") {
  const auto r = run({.max_iterations = 7});
  CHECK(r.stop_reason == opt::StopReason::MaxIterations);
  CHECK(r.iterations == 7);
  CHECK(r.x[0] == std::ldexp(1.0, -7));
  CHECK(r.value == 0.5 * std::ldexp(1.0, -14));
}

TEST_CASE("epoch budget (full batch: one epoch per update)") {
  const auto r = run({.max_epochs = 3});
  CHECK(r.stop_reason == opt::StopReason::MaxEpochs);
  CHECK(r.epochs == 3);
}

TEST_CASE("the automatic iteration budget: 1000 alone, no limit beside an epoch budget") {
  // Without any budget the run stops after 1000 updates, as before.
  const auto alone = run({});
  CHECK(alone.stop_reason == opt::StopReason::MaxIterations);
  CHECK(alone.iterations == 1000);
  CHECK(opt::effective_max_iterations({}) == 1000);
  // `.max_epochs = 30` alone stopped after 22 epochs of 45 batches (the old 1000-update default):
  // 20 samples in batches of 1 for 60 epochs are 1200 updates, all of them run now.
  const Eigen::MatrixXd data = Eigen::VectorXd::LinSpaced(20, -1.0, 1.0);
  opt::FiniteSum sum(data, Eigen::VectorXd::Zero(20),
                     [](const VectorXv& w, const auto& xi, double yi) {
                       const Var r = w[0] * xi[0] - yi;
                       return 0.5 * r * r;
                     });
  opt::Options o;
  o.stop.max_epochs = 60;
  o.batching = opt::Batching::stochastic();
  const auto epochs = opt::minimize(sum, x0, opt::GradientDescent{.lr = 0.01}, o);
  CHECK(epochs.stop_reason == opt::StopReason::MaxEpochs);
  CHECK(epochs.epochs == 60);
  CHECK(epochs.iterations == 1200);
  // An explicit budget still wins over the epochs.
  o.stop.max_iterations = 500;
  const auto both = opt::minimize(sum, x0, opt::GradientDescent{.lr = 0.01}, o);
  CHECK(both.stop_reason == opt::StopReason::MaxIterations);
  CHECK(both.iterations == 500);
}

TEST_CASE("gradient norm: 0.5^t < 1e-3 first at t = 10") {
  const auto r = run({.gradient_norm = 1e-3});
  CHECK(r.stop_reason == opt::StopReason::GradientNorm);
  CHECK(r.iterations == 10);
}

TEST_CASE("step norm: ‖x_t − x_t−1‖ = 0.5^t < 1e-3 first at t = 10; 0.5^t < 0.01 at t = 7") {
  CHECK(run({.step_norm = 1e-3}).iterations == 10);
  const auto r = run({.step_norm = 0.01});
  CHECK(r.stop_reason == opt::StopReason::StepNorm);
  CHECK(r.iterations == 7);
}

TEST_CASE("loss below: 0.5·0.25^t <= 1e-4 first at t = 7") {
  const auto r = run({.loss_below = 1e-4});
  CHECK(r.stop_reason == opt::StopReason::LossBelow);
  CHECK(r.iterations == 7);
}

TEST_CASE("loss change: |Q_t − Q_t−1| = 0.375·0.25^(t−1) <= 1e-3 first at t = 6") {
  const auto r = run({.loss_change = 1e-3});
  CHECK(r.stop_reason == opt::StopReason::LossChange);
  CHECK(r.iterations == 6);
}

TEST_CASE("loss vs the last best point (condition 6) fires when the loss returns to the best") {
  // Step sizes 0.5, 3, 1.5 (overshooting; a negative step size is rejected): x = 0.5, −1, 0.5
  // and Q = 0.125, 0.5, 0.125. At t = 3 the loss equals the best before it (Q_1) while
  // |Q_t − Q_t−1| = 0.375 each time, so loss_change stays silent.
  opt::Options o;
  o.schedule = opt::Schedule::custom(
      [](std::int64_t t, double) { return t == 2 ? 3.0 : (t == 3 ? 1.5 : 0.5); });
  o.stop = {.max_iterations = 100, .loss_change = 0.3, .loss_vs_best = 1e-12};
  const auto r = opt::minimize(half_square, x0, opt::GradientDescent{.lr = 0.5}, o);
  CHECK(r.stop_reason == opt::StopReason::LossVsBest);
  CHECK(r.iterations == 3);
}

TEST_CASE("metric >= target: −|x_t| >= −0.01 first at t = 7") {
  opt::StopCriteria s;
  s.metric = [](const Eigen::VectorXd& x) { return -std::abs(x[0]); };
  s.metric_target = -0.01;
  const auto r = run(s);
  CHECK(r.stop_reason == opt::StopReason::Metric);
  CHECK(r.iterations == 7);
}

TEST_CASE("validation early stopping with patience restores the best w") {
  // validation (x − 0.2)²: 0.09, 0.0025 (best, x = 0.25), then worse at t = 3, 4, 5.
  opt::StopCriteria s;
  s.validation = [](const Eigen::VectorXd& x) { return (x[0] - 0.2) * (x[0] - 0.2); };
  s.patience = 3;
  const auto r = run(s);
  CHECK(r.stop_reason == opt::StopReason::EarlyStopping);
  CHECK(r.iterations == 5);
  CHECK(r.x[0] == 0.25);
  CHECK(r.value == 0.5 * 0.25 * 0.25);
  s.restore_best = false;
  CHECK(run(s).x[0] == std::ldexp(1.0, -5));
}

TEST_CASE("validation and metric are recorded in the history, the CSV and the callbacks") {
  // x_t = 0.5ᵗ: validation (x − 0.2)² and metric −|x| at every row, from t = 0; a metric with no
  // target never stops the run (the budget of 6 does).
  opt::Options o;
  o.stop.max_iterations = 6;
  o.stop.metric = [](const Eigen::VectorXd& x) { return -std::abs(x[0]); };
  o.stop.validation = [](const Eigen::VectorXd& x) { return (x[0] - 0.2) * (x[0] - 0.2); };
  o.stop.patience = 100;
  std::vector<double> seen_metric;
  std::vector<double> seen_validation;
  o.on_iteration = [&](const opt::Progress& p) {
    seen_metric.push_back(p.metric);
    seen_validation.push_back(p.validation);
    return false;
  };
  const auto r = opt::minimize(half_square, x0, opt::GradientDescent{.lr = 0.5}, o);
  CHECK(r.stop_reason == opt::StopReason::MaxIterations);
  REQUIRE(r.history.rows.size() == 7);
  for (std::size_t t = 0; t < 7; ++t) {
    const double x = std::ldexp(1.0, -static_cast<int>(t));
    CHECK(r.history.rows[t].metric == -x);
    CHECK(r.history.rows[t].validation == (x - 0.2) * (x - 0.2));
  }
  REQUIRE(seen_metric.size() == 6);
  for (std::size_t t = 1; t <= 6; ++t) {
    CHECK(seen_metric[t - 1] == r.history.rows[t].metric);
    CHECK(seen_validation[t - 1] == r.history.rows[t].validation);
  }
  const std::string csv = r.history.to_csv();
  CHECK(csv.rfind("iteration,epoch,loss,gradient_norm,step_size,step_norm,validation,metric\n",
                  0) == 0);
  CHECK(csv.find(fmt::format(",{:.17g},-0.25\n", (0.25 - 0.2) * (0.25 - 0.2))) !=
        std::string::npos);  // t = 2
  // Without them, neither the columns nor the callback fields.
  const auto plain = run({.max_iterations = 2});
  CHECK(plain.history.to_csv().find("metric") == std::string::npos);
  CHECK(std::isnan(plain.history.rows[1].metric));
}

TEST_CASE("the first criterion that holds is the one named") {
  // At t = 7 both loss_below (1e-4) and step norm (< 0.01) hold; step norm is checked first.
  const auto r = run({.step_norm = 0.01, .loss_below = 1e-4});
  CHECK(r.stop_reason == opt::StopReason::StepNorm);
  CHECK(r.iterations == 7);
}

TEST_CASE("a start point that already satisfies a point criterion is not moved") {
  const auto r = run({.gradient_norm = 2.0});
  CHECK(r.stop_reason == opt::StopReason::GradientNorm);
  CHECK(r.iterations == 0);
  CHECK(r.x[0] == 1.0);
}

TEST_CASE("callbacks can stop the run") {
  opt::Options o;
  o.on_iteration = [](const opt::Progress& p) { return p.iteration == 4; };
  const auto r = opt::minimize(half_square, x0, opt::GradientDescent{.lr = 0.5}, o);
  CHECK(r.stop_reason == opt::StopReason::Callback);
  CHECK(r.iterations == 4);
}

TEST_CASE("divergence returns the last finite x and tells to lower the learning rate") {
  // f = x², η = 1e100: x_1 = 1 − 2e100, x_2 ≈ 4e200, Q(x_2) = inf. Never throws.
  auto f = [](const VectorXv& x) { return x[0] * x[0]; };
  opt::Options o;
  o.stop.divergence_factor = std::numeric_limits<double>::infinity();
  o.stop.divergence_growth = std::numeric_limits<double>::infinity();
  const auto r = opt::minimize(f, x0, opt::GradientDescent{.lr = 1e100}, o);
  CHECK(r.stop_reason == opt::StopReason::Diverged);
  CHECK(r.diverged());
  CHECK(r.iterations == 2);
  CHECK(r.x[0] == 1.0 - 2e100);
  CHECK(r.message.find("lower the learning rate") != std::string::npos);
  // The explosion test (loss > factor·max(1, |Q_0|)) stops much earlier: x_t = (−1)^t(2η−1)^t.
  opt::Options o2;
  o2.stop.divergence_factor = 1e6;
  o2.stop.divergence_growth = std::numeric_limits<double>::infinity();
  const auto r2 = opt::minimize(f, x0, opt::GradientDescent{.lr = 5.0}, o2);  // x_t = (−9)^t
  CHECK(r2.stop_reason == opt::StopReason::Diverged);
  CHECK(r2.iterations == 4);  // Q_t = 81^t: 81³ ≈ 5.3e5 ≤ 1e6 < 81⁴ ≈ 4.3e7
  CHECK(r2.x[0] == -729.0);   // x_3 = (−9)³, the last iterate with a loss below the limit
}

TEST_CASE("divergence by growth: Q_t − Q_best > rho·max(1, |Q_0|, |Q_best|), in plain words") {
  // f = x², η = 5 from x = 1: x_t = (−9)^t, Q_t = 81^t. With ρ = 1e4 (the default),
  // Q_2 − Q_best = 6560 ≤ 1e4 and Q_3 − 1 = 531440 > 1e4: stops at iteration 3 with x_2 = 81.
  auto f = [](const VectorXv& x) { return x[0] * x[0]; };
  const auto r = opt::minimize(f, x0, opt::GradientDescent{.lr = 5.0});
  CHECK(r.stop_reason == opt::StopReason::Diverged);
  CHECK(r.iterations == 3);
  CHECK(r.x[0] == 81.0);
  CHECK(r.message.find("diverged at iteration 3: the loss grew from 1 to 531441") !=
        std::string::npos);
  CHECK(r.message.find("lr = 5") != std::string::npos);
  // The scale is max(1, |Q_0|, |Q_best|): from Q_0 = 100 (x = 10) the limit is 1e6, so
  // Q_2 = 8.1e5 passes and Q_3 = 5.3e7 stops.
  const auto r10 =
      opt::minimize(f, Eigen::VectorXd::Constant(1, 10.0), opt::GradientDescent{.lr = 5.0});
  CHECK(r10.iterations == 3);
  CHECK(r10.x[0] == 810.0);
  // ρ is an option; infinity switches the growth test off (the divergence factor remains).
  opt::Options loose;
  loose.stop.divergence_growth = 1e6;
  CHECK(opt::minimize(f, x0, opt::GradientDescent{.lr = 5.0}, loose).iterations == 4);
}

TEST_CASE("NaN at the start point is reported, not thrown") {
  auto f = [](const VectorXv& x) { return sqrt(x[0]); };
  const auto r = opt::minimize(f, Eigen::VectorXd::Constant(1, -1.0), opt::Adam{});
  CHECK(r.stop_reason == opt::StopReason::Diverged);
  CHECK(r.iterations == 0);
}

TEST_CASE("stop reasons format through fmt") {
  CHECK(fmt::format("{}", opt::StopReason::Diverged) == "diverged");
  CHECK(fmt::format("{}", opt::StopReason::LossVsBest) == "loss_vs_best");
}
