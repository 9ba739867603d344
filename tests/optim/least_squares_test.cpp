// Closed-form least squares solved by QR.
#include <doctest/doctest.h>

#include <Eigen/Dense>

#include <nabla/optim/run/random.hpp>
#include <nabla/optim/tools/least_squares.hpp>

namespace opt = nabla::optim;

TEST_CASE("an exactly consistent system is recovered") {
  Eigen::MatrixXd X(4, 2);
  X << 1, 0, 1, 1, 1, 2, 1, 3;
  const Eigen::VectorXd y = X * Eigen::Vector2d(2, -1);
  const Eigen::VectorXd w = opt::least_squares(X, y);
  CHECK(w[0] == doctest::Approx(2.0).epsilon(1e-14));
  CHECK(w[1] == doctest::Approx(-1.0).epsilon(1e-14));
}

TEST_CASE("the residual is orthogonal to the columns (normal equations hold)") {
  opt::Rng rng(1);
  Eigen::MatrixXd X(50, 4);
  Eigen::VectorXd y(50);
  for (int i = 0; i < 50; ++i) {
    for (int j = 0; j < 4; ++j) X(i, j) = rng.normal();
    y[i] = rng.normal();
  }
  const Eigen::VectorXd w = opt::least_squares(X, y);
  CHECK((X.transpose() * (X * w - y)).norm() < 1e-12);
  // Ridge: (XᵀX + λI)w = Xᵀy.
  const Eigen::VectorXd wr = opt::least_squares(X, y, 2.0);
  CHECK(((X.transpose() * X + 2.0 * Eigen::MatrixXd::Identity(4, 4)) * wr - X.transpose() * y)
            .norm() < 1e-12);
}

TEST_CASE("ill-conditioned: QR keeps accuracy that the normal equations lose") {
  // Columns 1 and 1 + δ·t: cond(X) ≈ 1/δ, cond(XᵀX) ≈ 1/δ² = 1e16.
  const double delta = 1e-8;
  Eigen::MatrixXd X(5, 2);
  for (int i = 0; i < 5; ++i) X.row(i) << 1.0, 1.0 + delta * i;
  const Eigen::VectorXd y = X * Eigen::Vector2d(1.0, 1.0);
  const Eigen::VectorXd w = opt::least_squares(X, y);
  CHECK((w - Eigen::Vector2d(1, 1)).norm() < 1e-6);
}

TEST_CASE("errors") {
  Eigen::MatrixXd X(3, 2);
  X << 1, 2, 2, 4, 3, 6;  // rank 1
  CHECK_THROWS_AS(opt::least_squares(X, Eigen::VectorXd::Ones(3)), nabla::Error);
  CHECK_NOTHROW(opt::least_squares(X, Eigen::VectorXd::Ones(3), 1e-3));
  CHECK_THROWS_AS(opt::least_squares(X, Eigen::VectorXd::Ones(2)), nabla::ShapeError);
}
