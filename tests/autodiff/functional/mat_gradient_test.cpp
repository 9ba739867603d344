// The functional API on matrix nodes: value_and_gradient, gradient and jacobian of
// f(const nabla::Mat&), and value_and_gradients / gradients of a loss of several blocks, against
// closed forms (matrix calculus a reader can redo by hand).
#include <doctest/doctest.h>

#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/mat_gradient.hpp>
#include <nabla/autodiff/matrix.hpp>

using nabla::Mat;

namespace {
double max_abs(const Eigen::MatrixXd& a) { return a.cwiseAbs().maxCoeff(); }
}  // namespace

TEST_CASE("gradient of ‖A·W − B‖² with respect to the matrix W is 2·Aᵀ(A·W − B)") {
  const Eigen::MatrixXd A{{1.0, 2.0}, {-1.0, 0.5}, {0.3, 3.0}};
  const Eigen::MatrixXd B{{0.5, -1.0}, {2.0, 0.0}, {1.0, 1.0}};
  const Eigen::MatrixXd W{{0.2, -0.4}, {1.1, 0.7}};
  auto f = [&](const Mat& w) { return nabla::squared_norm(A * w - nabla::constant(B)); };
  const auto [value, g] = nabla::value_and_gradient(f, W);
  CHECK(value == doctest::Approx((A * W - B).squaredNorm()).epsilon(1e-15));
  CHECK(g.rows() == 2);
  CHECK(g.cols() == 2);  // the gradient has W's shape
  CHECK(max_abs(g - 2.0 * A.transpose() * (A * W - B)) <= 1e-14);
  CHECK(max_abs(nabla::gradient(f, W) - g) == 0.0);
}

TEST_CASE("jacobian of X ↦ A·X is I ⊗ A in vec (column-major) order, forward and reverse") {
  const Eigen::MatrixXd A{{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}};
  const Eigen::MatrixXd X{{0.5, -1.0}, {2.0, 0.25}};
  auto f = [&](const Mat& x) { return A * x; };
  Eigen::MatrixXd want = Eigen::MatrixXd::Zero(6, 4);  // vec(A·X) = (I₂ ⊗ A)·vec(X)
  want.block(0, 0, 3, 2) = A;
  want.block(3, 2, 3, 2) = A;
  CHECK(max_abs(nabla::jacobian(f, X, nabla::Mode::Forward) - want) == 0.0);
  CHECK(max_abs(nabla::jacobian(f, X, nabla::Mode::Reverse) - want) == 0.0);
  CHECK(max_abs(nabla::jacobian(f, X) - want) == 0.0);
}

TEST_CASE("value_and_gradients of a two-block loss: one sweep, one gradient per block") {
  // L(W, b) = Σ (X·W + 1·bᵀ)ᵢⱼ² → ∂L/∂W = 2Xᵀ(XW + 1bᵀ), ∂L/∂b = 2·(XW + 1bᵀ)ᵀ·1
  const Eigen::MatrixXd X{{1.0, -2.0}, {0.5, 1.5}, {2.0, 0.0}};
  const Eigen::MatrixXd W{{0.3, 1.0}, {-0.5, 0.2}};
  const Eigen::MatrixXd b{{0.1, -0.3}};  // a row, broadcast over the samples
  auto loss = [&](const Mat& w, const Mat& bias) {
    return nabla::squared_norm(nabla::constant(X) * w + bias);
  };
  const auto [value, g] = nabla::value_and_gradients(loss, W, b);
  const Eigen::MatrixXd Z = (X * W).rowwise() + b.row(0);
  CHECK(value == doctest::Approx(Z.squaredNorm()).epsilon(1e-15));
  CHECK(max_abs(g[0] - 2.0 * X.transpose() * Z) <= 1e-14);
  CHECK(max_abs(g[1] - 2.0 * Z.colwise().sum()) <= 1e-14);
  const auto [gW, gb] = nabla::gradients(loss, W, b);
  CHECK(max_abs(gW - g[0]) == 0.0);
  CHECK(max_abs(gb - g[1]) == 0.0);
}
