// Parameter groups (Options::groups): per-block lr multipliers, weight decay and frozen blocks.
// Checked against gradient descent written out in plain Eigen (the closed-form gradient of a
// least-squares model), against the same rule without groups, and by resuming a saved run.
// train_mlp_reference_test.cpp checks Adam's and AdamW's groups against PyTorch's.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include <nabla/autodiff/matrix.hpp>
#include <nabla/optim.hpp>

namespace opt = nabla::optim;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

// y ≈ X·W + b on 12 samples: W 3×1, b 1×1, Q = mean squared residual.
struct Model {
  opt::RowMatrixXd X = opt::RowMatrixXd(12, 3);
  VectorXd y = VectorXd(12);
  Model() {
    for (Eigen::Index i = 0; i < 12; ++i) {
      for (Eigen::Index j = 0; j < 3; ++j) X(i, j) = std::sin(1.0 + i + 2.0 * j);
      y[i] = std::cos(0.5 * i) + 0.3;
    }
  }
  [[nodiscard]] opt::Parameters start() const {
    opt::Parameters p;
    p.add("W", (MatrixXd(3, 1) << 0.2, -0.1, 0.4).finished())
        .add("b", MatrixXd::Constant(1, 1, 0.5));
    return p;
  }
  [[nodiscard]] auto objective() const {
    auto loss = [](const opt::Blocks& q, const nabla::Mat& Xb, const VectorXd& yb) {
      return nabla::mse(Xb * q["W"] + q["b"], MatrixXd(yb));
    };
    return opt::BatchObjective(start(), X, y, loss);
  }
  // ∇Q in closed form: r = XW + b − y, ∇_W = (2/n)·Xᵀr, ∇_b = (2/n)·Σr.
  void gradient(const VectorXd& W, double b, VectorXd& gW, double& gb) const {
    const VectorXd r = (X * W).array() + b - y.array();
    gW = (2.0 / 12.0) * X.transpose() * r;
    gb = (2.0 / 12.0) * r.sum();
  }
};

}  // namespace

TEST_CASE("gradient descent with a block at half the step and a frozen block, by hand") {
  const Model m;
  auto Q = m.objective();
  opt::Options o{.stop = {.max_iterations = 5}};
  o.groups = {{.blocks = {"W"}, .lr_scale = 0.5}, {.blocks = {"b"}, .frozen = true}};
  const opt::Result r = opt::minimize(Q, Q.x0(), opt::GradientDescent{.lr = 0.2}, o);
  VectorXd W = m.start()["W"].reshaped();
  const double b = 0.5;
  VectorXd gW;
  double gb = 0.0;
  for (int t = 0; t < 5; ++t) {
    m.gradient(W, b, gW, gb);
    W -= 0.5 * 0.2 * gW;
  }
  const opt::Parameters fitted = Q.parameters(r.x);
  CHECK((fitted["W"].reshaped() - W).norm() <= 1e-15);
  CHECK(fitted["b"](0, 0) == 0.5);  // frozen: bit for bit
  // ‖∇Q‖ in the history is over the trained block only.
  m.gradient(W, b, gW, gb);
  CHECK(r.history.rows.back().gradient_norm == doctest::Approx(gW.norm()).epsilon(1e-13));
}

TEST_CASE("a group's weight_decay is the rule's weight_decay on those blocks") {
  // GD with weight_decay 0.3 everywhere but b (group: 0) equals GD with decay 0 and the group
  // {W: 0.3}; and both equal the update written out, W ← W − η(∇_W + 0.3·W), b ← b − η∇_b.
  const Model m;
  auto Q = m.objective();
  opt::Options a{.stop = {.max_iterations = 4}};
  a.groups = {{.blocks = {"b"}, .weight_decay = 0.0}};
  const opt::Result ra =
      opt::minimize(Q, Q.x0(), opt::GradientDescent{.lr = 0.1, .weight_decay = 0.3}, a);
  opt::Options b{.stop = {.max_iterations = 4}};
  b.groups = {{.blocks = {"W"}, .weight_decay = 0.3}};
  const opt::Result rb = opt::minimize(Q, Q.x0(), opt::GradientDescent{.lr = 0.1}, b);
  CHECK(ra.x == rb.x);
  VectorXd W = m.start()["W"].reshaped();
  double bias = 0.5;
  VectorXd gW;
  double gb = 0.0;
  for (int t = 0; t < 4; ++t) {
    m.gradient(W, bias, gW, gb);
    W -= 0.1 * (gW + 0.3 * W);
    bias -= 0.1 * gb;
  }
  CHECK((ra.x.head(3) - W).norm() <= 1e-15);
  CHECK(std::abs(ra.x[3] - bias) <= 1e-15);
}

TEST_CASE("groups that change nothing give the ungrouped run bit for bit (Nesterov lookahead)") {
  // Two segments (W: the rule's decay, b: decay 0 = the rule's 0) with an elementwise rule and
  // its lookahead form: each segment's own state is the whole state's restriction.
  const Model m;
  auto Q = m.objective();
  const opt::Nesterov rule{.lr = 0.05, .beta = 0.8, .form = opt::NesterovForm::Lookahead};
  const opt::Options plain{.stop = {.max_iterations = 20}};
  opt::Options grouped = plain;
  grouped.groups = {{.blocks = {"b"}, .weight_decay = 0.0}};
  const opt::Result r1 = opt::minimize(Q, Q.x0(), rule, plain);
  const opt::Result r2 = opt::minimize(Q, Q.x0(), rule, grouped);
  CHECK(r1.x == r2.x);
  CHECK(r1.value == r2.value);
  CHECK(r2.state.group_steps.size() == 2);
  CHECK(r1.evaluations.gradients == r2.evaluations.gradients);
}

TEST_CASE("a grouped mini-batch Adam run saved, loaded and resumed equals the uninterrupted one") {
  const Model m;
  auto Q = m.objective();
  opt::Options o{.batching = opt::Batching::mini_batch(4), .stop = {.max_epochs = 5}};
  o.seed = 11;
  o.groups = {{.blocks = {"W"}, .lr_scale = 0.3, .weight_decay = 0.01}};
  const opt::Result whole = opt::minimize(Q, Q.x0(), opt::Adam{.lr = 0.05}, o);
  opt::Options first = o;
  first.stop.max_epochs = 2;
  const opt::Result part = opt::minimize(Q, Q.x0(), opt::Adam{.lr = 0.05}, first);
  const opt::RunState loaded = opt::load_state(opt::save_state(part.state));
  REQUIRE(loaded.group_steps.size() == 2);
  CHECK(loaded.group_steps == part.state.group_steps);
  opt::Options rest = o;
  rest.resume_from = &loaded;
  const opt::Result resumed = opt::minimize(Q, VectorXd(), opt::Adam{.lr = 0.05}, rest);
  CHECK(resumed.epochs == 5);
  CHECK(resumed.x == whole.x);
  CHECK(resumed.state.group_steps == whole.state.group_steps);
}
