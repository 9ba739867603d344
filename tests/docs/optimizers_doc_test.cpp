// C++ blocks of docs/optimizers.md, verbatim (.ci/run checks it): gradient descent on a
// Rosenbrock-type loss reaches the minimiser (1, 1) and says why it stopped; parameter groups.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <Eigen/Dense>
#include <cmath>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <nabla/optim.hpp>

TEST_CASE("docs/optimizers.md block 1: minimize with gradient descent") {
  // docs/optimizers.md, block 1:
#include <nabla/optim.hpp>
  namespace opt = nabla::optim;

  auto f = [](const nabla::VectorXv& w) {  // any loss written with nabla
    return (1 - w[0]) * (1 - w[0]) + 5 * (w[1] - w[0] * w[0]) * (w[1] - w[0] * w[0]);
  };
  opt::Result r = opt::minimize(f, Eigen::Vector2d(-1.2, 1.0), opt::GradientDescent{.lr = 0.02},
                                {.schedule = opt::Schedule::constant(),
                                 .stop = {.max_iterations = 5000, .gradient_norm = 1e-8}});
  // prints "stopped: gradient_norm after … iterations, Q = …, x = [1, 1]" and the reason
  fmt::print("{}\n{}\n", r, r.message);
  // end of block 1
  CHECK(r.stop_reason == opt::StopReason::GradientNorm);
  CHECK(r.iterations < 5000);
  CHECK((r.x - Eigen::Vector2d(1, 1)).norm() <= 1e-7);
  CHECK(r.value <= 1e-14);
}

TEST_CASE("docs/optimizers.md, parameter groups") {
  namespace opt = nabla::optim;
  // A 4-3-2 tanh network on 40 samples of a made-up two-class problem.
  opt::RowMatrixXd X(40, 4);
  Eigen::VectorXi y(40);
  for (Eigen::Index i = 0; i < 40; ++i) {
    for (Eigen::Index j = 0; j < 4; ++j) X(i, j) = std::sin(1.0 + 0.7 * i + 1.3 * j);
    y[i] = X(i, 0) + X(i, 2) > 0.0 ? 1 : 0;
  }
  opt::Parameters params;
  params.add("W1", 0.5 * Eigen::MatrixXd::Ones(4, 3)).add("b1", Eigen::MatrixXd::Zero(1, 3));
  params.add("W2", Eigen::MatrixXd::Identity(3, 2)).add("b2", Eigen::MatrixXd::Constant(1, 2, 0.1));
  auto loss = [](const opt::Blocks& p, const nabla::Mat& Xb, const Eigen::VectorXi& labels) {
    return nabla::cross_entropy(nabla::tanh(Xb * p["W1"] + p["b1"]) * p["W2"] + p["b2"], labels);
  };
  opt::BatchObjective Q(params, X, y, loss);
  // docs/optimizers.md, parameter groups:
  opt::Options o{.batching = opt::Batching::mini_batch(32), .stop = {.max_epochs = 5}};
  o.groups = {{.blocks = {"W1", "W2"}, .weight_decay = 1e-2},  // decay on the weights only
              {.blocks = {"b1"}, .lr_scale = 0.1},             // b1 at a tenth of the step
              {.blocks = {"b2"}, .frozen = true}};             // b2 is not trained
  const opt::Result r = opt::minimize(Q, Q.x0(), opt::Adam{.lr = 1e-3}, o);
  // end of the block
  CHECK(r.epochs == 5);
  const opt::Parameters fitted = Q.parameters(r.x);
  CHECK(fitted["b2"] == params["b2"]);
  // An Adam step moves an entry by at most lr·(1 − β₁)/√(1 − β₂) (Kingma & Ba, section 2.1, the
  // case 1 − β₁ > √(1 − β₂)); 10 steps, b1 at lr = 1e-4.
  const double bound = 10 * 1e-4 * 0.1 / std::sqrt(1.0 - 0.999);
  CHECK((fitted["b1"] - params["b1"]).cwiseAbs().maxCoeff() <= bound);
  CHECK((fitted["b1"] - params["b1"]).cwiseAbs().maxCoeff() > 0.0);
  CHECK(r.state.group_steps.size() == 4);  // W1 | b1 | W2 | b2 (frozen: no steps)
  CHECK(r.state.group_steps[3].t == 0);
  CHECK(r.state.group_steps[0].t == 10);
}
