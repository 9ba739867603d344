// The C++ blocks of docs/matrices.md, verbatim (.ci/run checks it), with the data they assume
// and checks of the numbers the document states.
#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <cmath>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <vector>

using nabla::Mat;

TEST_CASE("docs/matrices.md block 1: a least-squares loss on matrix nodes") {
  Eigen::MatrixXd X(3, 2);
  X << 1, 2, 0, -1, 3, 0.5;
  const Eigen::VectorXd y = Eigen::Vector3d(1, 0, -2);
  const Eigen::VectorXd w0 = Eigen::Vector2d(0.5, -1.0);
  // docs/matrices.md, block 1:
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix.hpp>

  const nabla::Mat Xc = nabla::constant(X);  // share the data once: no copy per call
  const nabla::Mat yc = nabla::constant(y);
  auto loss = [&](const nabla::Mat& w) { return nabla::mse(Xc * w, yc); };
  auto [q, g] = nabla::value_and_gradient(loss, w0);  // g = (2/l)·Xᵀ(Xw − y), same shape as w0
  // end of block 1
  const Eigen::VectorXd r = X * w0 - y;
  CHECK(q == doctest::Approx(r.squaredNorm() / 3.0).epsilon(1e-14));
  const Eigen::VectorXd want = (2.0 / 3.0) * X.transpose() * r;
  CHECK((g - want).norm() <= 1e-14);
}

TEST_CASE("docs/matrices.md block 2: several parameter blocks in one sweep") {
  Eigen::MatrixXd X(4, 3);
  X << 1, 2, 0, -1, 0.5, 1, 0, 1, -2, 3, 0, 0.25;
  const std::vector<int> labels{0, 1, 1, 0};
  const Eigen::MatrixXd W1 = Eigen::MatrixXd::Constant(3, 5, 0.1);
  const Eigen::MatrixXd b1 = Eigen::MatrixXd::Constant(1, 5, -0.2);
  const Eigen::MatrixXd W2 = Eigen::MatrixXd::Constant(5, 2, 0.3);
  const Eigen::MatrixXd b2 = Eigen::MatrixXd::Constant(1, 2, 0.05);
  const nabla::Mat Xc = nabla::constant(X);
  // docs/matrices.md, block 2:
  auto loss = [&](const Mat& W1, const Mat& b1, const Mat& W2, const Mat& b2) {
    return nabla::cross_entropy(nabla::tanh(Xc * W1 + b1) * W2 + b2, labels);
  };
  auto [value, g] = nabla::value_and_gradients(loss, W1, b1, W2, b2);  // g[0] = ∂/∂W1, …
  auto [gW1, gb1, gW2, gb2] = nabla::gradients(loss, W1, b1, W2, b2);
  // end of block 2
  // Every logit row is equal (W2 has equal columns), so the loss is log 2.
  CHECK(value == doctest::Approx(std::log(2.0)).epsilon(1e-14));
  CHECK(g.size() == 4);
  CHECK(g[0].rows() == 3);
  CHECK(g[0].cols() == 5);
  CHECK((gW1 - g[0]).norm() == 0.0);
  CHECK((gb1 - g[1]).norm() == 0.0);
  CHECK((gW2 - g[2]).norm() == 0.0);
  CHECK((gb2 - g[3]).norm() == 0.0);
}

TEST_CASE("docs/matrices.md block 3: Hessians of Mat losses in vec order") {
  // docs/matrices.md, block 3:
  Eigen::MatrixXd X(3, 2);
  X << 1, 2, 0, -1, 3, 0.5;
  const Eigen::Vector3d y(1, 0, -2);
  const nabla::Mat Xc = nabla::constant(X);
  auto loss = [&](const nabla::Mat& w) { return nabla::mse(Xc * w, y); };
  Eigen::MatrixXd H = nabla::hessian(loss, Eigen::Vector2d(0.5, -1.0));
  // H = [[6.666666666666667, 2.333333333333333], [2.333333333333333, 3.4999999999999996]]
  //   = (2/l)·XᵀX = (2/3)·[[10, 3.5], [3.5, 5.25]]
  Eigen::VectorXd hv = nabla::hvp(loss, Eigen::Vector2d(0.5, -1.0), Eigen::Vector2d(1, 0));
  // (6.666666666666667, 2.333333333333333), the first column of H

  // A matrix parameter: f(W) = ‖W·A‖²_F has Hessian 2·(A·Aᵀ ⊗ I) in vec(W) order.
  Eigen::MatrixXd A(2, 2);
  A << 1, 2, 0, 1;
  const nabla::Mat Ac = nabla::constant(A);
  auto g = [&](const nabla::Mat& W) { return nabla::squared_norm(W * Ac); };
  nabla::hessian(g, Eigen::MatrixXd::Identity(2, 2));
  // [[10, 0, 4, 0], [0, 10, 0, 4], [4, 0, 2, 0], [0, 4, 0, 2]]
  // end of block 3
  const Eigen::Matrix2d want_H = (2.0 / 3.0) * X.transpose() * X;
  CHECK((H - want_H).norm() <= 1e-14);
  CHECK(H(0, 0) == doctest::Approx(6.666666666666667).epsilon(1e-15));
  CHECK(H(1, 1) == doctest::Approx(3.5).epsilon(1e-15));
  CHECK((hv - want_H.col(0)).norm() <= 1e-14);
  Eigen::MatrixXd want_W(4, 4);
  want_W << 10, 0, 4, 0, 0, 10, 0, 4, 4, 0, 2, 0, 0, 4, 0, 2;
  CHECK((nabla::hessian(g, Eigen::MatrixXd::Identity(2, 2)) - want_W).norm() <= 1e-13);
}

TEST_CASE("docs/matrices.md block 4: batch_norm, its statistics and evaluation mode") {
  // docs/matrices.md, block 4:
  nabla::BatchNormStats stats(2);  // 2 channels: running mean 0, running variance 1
  Eigen::MatrixXd X(4, 2);
  X << 1, 10, 2, 20, 3, 30, 4, 40;
  nabla::StatisticsUpdates updates;
  Eigen::MatrixXd Y;
  {
    nabla::StatisticsCapture capture(updates);  // this evaluation's batch statistics count
    Y = nabla::batch_norm(nabla::constant(X), stats).value();
  }
  // Y's columns are both (−1.3416, −0.4472, 0.4472, 1.3416): (x − μ)/√(σ²_b + eps)
  updates.commit();  // running_mean = 0.1·(2.5, 25), running_var = 0.9 + 0.1·(1.6667, 166.67)
  nabla::TrainModeScope evaluation(nabla::TrainMode::Evaluation);
  const Eigen::MatrixXd Z = nabla::batch_norm(nabla::constant(X), stats).value();
  // Z(0, 0) = (1 − 0.25)/√(1.0667 + 1e-5) = 0.72618
  // end of block 4
  CHECK(Y(0, 0) == doctest::Approx(-1.5 / std::sqrt(1.25 + 1e-5)).epsilon(1e-15));
  CHECK(Y(0, 1) == doctest::Approx(-15.0 / std::sqrt(125.0 + 1e-5)).epsilon(1e-15));
  CHECK(Y(1, 0) == doctest::Approx(-0.44721).epsilon(1e-5));
  CHECK(stats.running_mean(1) == doctest::Approx(2.5).epsilon(1e-15));
  CHECK(stats.running_var(1) == doctest::Approx(0.9 + 0.1 * 500.0 / 3.0).epsilon(1e-15));
  CHECK(Z(0, 0) == doctest::Approx(0.75 / std::sqrt(0.9 + 0.1 * 5.0 / 3.0 + 1e-5)).epsilon(1e-15));
  CHECK(Z(0, 0) == doctest::Approx(0.72618).epsilon(1e-5));
}
