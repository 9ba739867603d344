// Batch norm and dropout inside the optimizer: the running statistics update once per step taken,
// on that step's batch, and never in value-only evaluations, per-epoch evaluations, validation
// or forward(); they travel with the fitted blocks, their text files and the run state; a
// resumed run reproduces the uninterrupted one; dropout runs are reproducible from the seed.
// The normalised layer reads the raw features, so every expected statistic is a closed form of
// the data alone.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include <nabla/autodiff/matrix.hpp>
#include <nabla/optim.hpp>

namespace opt = nabla::optim;
using nabla::Mat;

namespace {

constexpr Eigen::Index kSamples = 24, kFeatures = 3, kHidden = 4;

opt::RowMatrixXd design() {
  opt::RowMatrixXd X(kSamples, kFeatures);
  for (Eigen::Index i = 0; i < kSamples; ++i)
    for (Eigen::Index j = 0; j < kFeatures; ++j)
      X(i, j) = 2.0 * std::sin(static_cast<double>(1 + 3 * i + 7 * j)) + static_cast<double>(j);
  return X;
}

Eigen::VectorXi labels() {
  Eigen::VectorXi y(kSamples);
  for (Eigen::Index i = 0; i < kSamples; ++i) y[i] = static_cast<int>((i * 5) % 2);
  return y;
}

opt::Parameters blocks(std::optional<double> momentum) {
  opt::Parameters p;
  p.add_batch_norm("bn0", kFeatures, momentum);
  p.add("W1", opt::initialize_weights(kFeatures, kHidden,
                                      {.kind = opt::WeightInit::XavierUniform, .seed = 1}))
      .add("b1", Eigen::RowVectorXd::Zero(kHidden))
      .add("W2", opt::initialize_weights(kHidden, 2, {.seed = 2}))
      .add("b2", Eigen::RowVectorXd::Zero(2));
  return p;
}

auto model = [](const opt::Blocks& p, const Mat& X) {
  return nabla::tanh(p.batch_norm("bn0", X) * p["W1"] + p["b1"]) * p["W2"] + p["b2"];
};
auto loss = [](const opt::Blocks& p, const Mat& X, const Eigen::VectorXi& y) {
  return nabla::cross_entropy(model(p, X), y);
};

// Column means and unbiased variances of rows [first, first + n) of X.
void batch_moments(const opt::RowMatrixXd& X, Eigen::Index first, Eigen::Index n,
                   Eigen::VectorXd& mean, Eigen::VectorXd& var) {
  const Eigen::MatrixXd b = X.middleRows(first, n);
  mean = b.colwise().mean().transpose();
  var = (b.rowwise() - mean.transpose()).array().square().colwise().sum().transpose() /
        static_cast<double>(n - 1);
}

}  // namespace

TEST_CASE("mini-batch SGD: one statistics update per step, on that step's batch") {
  const opt::RowMatrixXd X = design();
  opt::BatchObjective Q(blocks(std::nullopt), X, labels(), loss);  // cumulative average
  opt::Options o;
  o.batching = opt::Batching::mini_batch(6);  // 4 steps per epoch
  o.batching.order = opt::Batching::Order::Sequential;
  o.stop.max_epochs = 2;
  o.stop.gradient_norm = 1e-300;  // the per-epoch evaluation then takes a gradient too
  int validations = 0;
  o.stop.validation = [&](const Eigen::VectorXd& w) {
    ++validations;
    return Q.value(w);  // a value-only evaluation: no update
  };
  const auto r = opt::minimize(Q, Q.x0(), opt::GradientDescent{.lr = 0.1}, o);
  CHECK(r.iterations == 8);
  CHECK(validations >= 2);
  const opt::Parameters fitted = Q.parameters(r.x);
  const nabla::BatchNormStats& s = fitted.stats("bn0");
  CHECK(s.batches_tracked == 8);
  // Cumulative average over the 8 steps = the mean over the 4 sequential batches.
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(kFeatures), var = Eigen::VectorXd::Zero(kFeatures);
  for (Eigen::Index b = 0; b < 4; ++b) {
    Eigen::VectorXd m, v;
    batch_moments(X, 6 * b, 6, m, v);
    mean += m / 4.0;
    var += v / 4.0;
  }
  CHECK((s.running_mean - mean).cwiseAbs().maxCoeff() <= 1e-14);
  CHECK((s.running_var - var).cwiseAbs().maxCoeff() <= 1e-14);
  // The run state carries them; the objective's own copy is the same.
  CHECK(r.state.model_state == fitted.statistics());
  CHECK(Q.shapes().stats("bn0").batches_tracked == 8);
  // Direct evaluations outside a run update nothing.
  Eigen::VectorXd g;
  (void)Q.value(r.x);
  (void)Q.value_gradient(r.x, g);
  const std::vector<std::int64_t> batch{0, 1, 2, 3};
  (void)Q.batch_value_gradient(r.x, batch, g);
  CHECK(Q.shapes().stats("bn0").batches_tracked == 8);
}

TEST_CASE("full-batch gradient descent: one update per step, momentum 0.1") {
  const opt::RowMatrixXd X = design();
  opt::BatchObjective Q(blocks(0.1), X, labels(), loss);
  opt::Options o;
  o.stop.max_iterations = 5;
  const auto r = opt::minimize(Q, Q.x0(), opt::GradientDescent{.lr = 0.1}, o);
  CHECK(r.iterations == 5);
  const nabla::BatchNormStats& s = Q.shapes().stats("bn0");
  CHECK(s.batches_tracked == 5);  // 6 gradients evaluated, the last one steps nowhere
  Eigen::VectorXd m, v;
  batch_moments(X, 0, kSamples, m, v);
  const double w = 1.0 - std::pow(0.9, 5);  // r ← 0.9 r + 0.1 batch, five times, from (0, 1)
  CHECK((s.running_mean - w * m).cwiseAbs().maxCoeff() <= 1e-14);
  CHECK((s.running_var - (w * v + (1.0 - w) * Eigen::VectorXd::Ones(kFeatures)))
            .cwiseAbs()
            .maxCoeff() <= 1e-14);
}

TEST_CASE("line-search solvers: one update per accepted iterate, none for rejected trials") {
  const opt::RowMatrixXd X = design();
  Eigen::VectorXd m, v;
  batch_moments(X, 0, kSamples, m, v);
  for (const bool lbfgs : {true, false}) {
    CAPTURE(lbfgs);
    opt::BatchObjective Q(blocks(0.1), X, labels(), loss);
    opt::Options o;
    o.stop.max_iterations = 6;
    o.stop.gradient_norm = 1e-300;
    std::vector<std::int64_t> tracked;  // batches_tracked seen by the callback, per iteration
    o.on_iteration = [&](const opt::Progress& /*p*/) {
      tracked.push_back(Q.shapes().stats("bn0").batches_tracked);
      return false;  // go on
    };
    const opt::Result r = lbfgs ? opt::minimize(Q, Q.x0(), opt::LBFGS{}, o)
                                : opt::minimize(Q, Q.x0(), opt::ConjugateGradient{}, o);
    CAPTURE(r.message);
    REQUIRE(r.iterations >= 3);
    // CG's line search tries more points than it accepts, yet updates once per iteration
    // (L-BFGS accepts its unit steps here: one evaluation per iteration).
    if (!lbfgs) CHECK(r.evaluations.values > r.iterations + 1);
    const nabla::BatchNormStats& s = Q.shapes().stats("bn0");
    CHECK(s.batches_tracked == r.iterations);
    for (std::size_t k = 0; k < tracked.size(); ++k)
      CHECK(tracked[k] == static_cast<std::int64_t>(k + 1));
    // The normalised layer reads the raw features: every batch has the moments m, v.
    const double w = 1.0 - std::pow(0.9, static_cast<double>(r.iterations));
    CHECK((s.running_mean - w * m).cwiseAbs().maxCoeff() <= 1e-14);
    CHECK((s.running_var - (w * v + (1.0 - w) * Eigen::VectorXd::Ones(kFeatures)))
              .cwiseAbs()
              .maxCoeff() <= 1e-14);
    CHECK(r.state.model_state == Q.parameters(r.x).statistics());
  }
}

TEST_CASE("forward() and evaluation use the running statistics") {
  const opt::RowMatrixXd X = design();
  opt::BatchObjective Q(blocks(0.1), X, labels(), loss);
  opt::Options o;
  o.batching = opt::Batching::mini_batch(8);
  o.stop.max_epochs = 3;
  const auto r = opt::minimize(Q, Q.x0(), opt::Adam{.lr = 0.01}, o);
  const opt::Parameters p = Q.parameters(r.x);
  const nabla::BatchNormStats& s = p.stats("bn0");
  CHECK(s.batches_tracked == 9);
  const Eigen::MatrixXd out = Q.forward(r.x, X, model);
  // By hand: (x − running mean)/√(running var + eps)·γ + β, then the MLP.
  Eigen::MatrixXd z = X;
  z.rowwise() -= s.running_mean.transpose();
  z.array().rowwise() /= (s.running_var.array() + s.eps).sqrt().transpose();
  z.array().rowwise() *= p["bn0.gamma"].row(0).array();
  z.rowwise() += p["bn0.beta"].row(0);
  Eigen::MatrixXd h = z * p["W1"];
  h.rowwise() += p["b1"].row(0);
  Eigen::MatrixXd want = h.array().tanh().matrix() * p["W2"];
  want.rowwise() += p["b2"].row(0);
  CHECK((out - want).cwiseAbs().maxCoeff() <= 1e-13);
  CHECK(s.batches_tracked == 9);  // forward() is evaluation: no update
}

TEST_CASE("save/load of blocks and statistics; resume reproduces the uninterrupted run") {
  const opt::RowMatrixXd X = design();
  opt::Options o;
  o.batching = opt::Batching::mini_batch(5);  // 5 steps per epoch, the last of 4 samples
  o.seed = 3;
  opt::BatchObjective full_q(blocks(0.1), X, labels(), loss);
  o.stop.max_iterations = 12;
  const auto full = opt::minimize(full_q, full_q.x0(), opt::Momentum{.lr = 0.05}, o);

  opt::BatchObjective part_q(blocks(0.1), X, labels(), loss);
  o.stop.max_iterations = 7;
  const auto part = opt::minimize(part_q, part_q.x0(), opt::Momentum{.lr = 0.05}, o);
  const opt::RunState loaded = opt::load_state(opt::save_state(part.state));
  CHECK(loaded.model_state == part.state.model_state);
  CHECK(loaded.model_state.size() == 1 + 2 * kFeatures);

  opt::BatchObjective resumed_q(blocks(0.1), X, labels(), loss);  // fresh statistics
  o.resume_from = &loaded;
  o.stop.max_iterations = 12;
  const auto resumed = opt::minimize(resumed_q, resumed_q.x0(), opt::Momentum{.lr = 0.05}, o);
  CHECK(resumed.x == full.x);
  CHECK(resumed.state.model_state == full.state.model_state);
  CHECK(resumed_q.shapes().stats("bn0").batches_tracked == 12);

  // Parameters' text file: exact for blocks and statistics, and checked on load.
  const opt::Parameters fitted = full_q.parameters(full.x);
  opt::Parameters reread = blocks(0.1);
  reread.load(fitted.save());
  CHECK(reread.pack() == fitted.pack());
  CHECK(reread.statistics() == fitted.statistics());
  opt::Parameters other;
  other.add_batch_norm("bn0", kFeatures + 1);
  CHECK_THROWS_WITH_AS(other.load(fitted.save()), doctest::Contains("bn0"), nabla::Error);
  CHECK_THROWS_WITH_AS((void)fitted.stats("bn1"), doctest::Contains("bn0"), nabla::Error);
  CHECK_THROWS_AS(opt::Parameters().add_batch_norm("bn", 0), nabla::ShapeError);
  CHECK_THROWS_AS(opt::Parameters().add_batch_norm("bn", 3, 1.5), nabla::Error);
}

TEST_CASE("dropout in a run: the same seed gives the same run, masks vary with the step") {
  const opt::RowMatrixXd X = design();
  auto dropout_loss = [](const opt::Blocks& p, const Mat& Xb, const Eigen::VectorXi& y) {
    const Mat h = nabla::dropout(nabla::tanh(Xb * p["W1"] + p["b1"]), 0.5, 17);
    return nabla::cross_entropy(h * p["W2"] + p["b2"], y);
  };
  auto plain = [](const opt::Blocks& b, const Mat& Xb, const Eigen::VectorXi& y) {
    return nabla::cross_entropy(nabla::tanh(Xb * b["W1"] + b["b1"]) * b["W2"] + b["b2"], y);
  };
  opt::Parameters p;
  p.add("W1", opt::initialize_weights(kFeatures, kHidden, {.seed = 1}))
      .add("b1", Eigen::RowVectorXd::Zero(kHidden))
      .add("W2", opt::initialize_weights(kHidden, 2, {.seed = 2}))
      .add("b2", Eigen::RowVectorXd::Zero(2));
  opt::BatchObjective with_dropout(p, X, labels(), dropout_loss);
  opt::BatchObjective without(p, X, labels(), plain);
  opt::Options o;
  o.batching = opt::Batching::mini_batch(6);
  o.stop.max_epochs = 2;
  o.seed = 9;
  const opt::GradientDescent gd{.lr = 0.1};
  const auto a = opt::minimize(with_dropout, with_dropout.x0(), gd, o);
  const auto b = opt::minimize(with_dropout, with_dropout.x0(), gd, o);
  const auto c = opt::minimize(without, without.x0(), gd, o);
  CHECK(a.x == b.x);  // every bit
  CHECK(a.x != c.x);  // dropout was active during training
  // The run's final value is an evaluation (no dropout): the plain loss at the same x.
  CHECK(a.value == doctest::Approx(without.value(a.x)).epsilon(1e-14));
  // Training mode outside a run: a different mask per step, the same within one step.
  const std::vector<std::int64_t> batch{0, 1, 2, 3, 4, 5};
  Eigen::VectorXd g1, g2, g3;
  {
    nabla::StepScope step(1, 0);
    (void)with_dropout.batch_value_gradient(a.x, batch, g1);
    (void)with_dropout.batch_value_gradient(a.x, batch, g2);
  }
  {
    nabla::StepScope step(2, 0);
    (void)with_dropout.batch_value_gradient(a.x, batch, g3);
  }
  CHECK(g1 == g2);
  CHECK(g1 != g3);
}
