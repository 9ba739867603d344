// Reverse mode with a cotangent: vjp against uᵀ·J (J by forward mode) and closed forms.
#include <doctest/doctest.h>

#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/vjp.hpp>

using nabla::Var;
using nabla::VectorXv;

TEST_CASE("vjp equals uᵀJ with J from forward mode") {
  auto f = [](const VectorXv& x) {
    VectorXv y(3);
    y[0] = x[0] * x[1] * x[2];
    y[1] = exp(x[0]) - log(x[1]) + cos(x[2]) * x[0];
    y[2] = x[2] / x[1];
    return y;
  };
  const Eigen::Vector3d x(0.3, 1.7, -0.9);
  const Eigen::Vector3d u(1.5, -2.0, 0.25);
  const Eigen::MatrixXd j = nabla::jacobian(f, x, nabla::Mode::Forward);
  const Eigen::VectorXd ut_j = nabla::vjp(f, x, u);
  const Eigen::VectorXd expected = j.transpose() * u;
  CHECK((ut_j - expected).cwiseAbs().maxCoeff() < 1e-14 * (1 + expected.cwiseAbs().maxCoeff()));
}

TEST_CASE("vjp on the lecture's MSE chain: u = 1 gives ∇ₓl = A_l·A_y") {
  Eigen::Matrix2d a;
  a << 1, 2, 0, -1;
  auto l = [&](const VectorXv& x) {
    const VectorXv y = a * x;
    return (y[0] - 1) * (y[0] - 1) + y[1] * y[1];
  };
  const Eigen::Vector2d x(2, 1);  // y = (4, −1)
  const Eigen::VectorXd g = nabla::vjp(l, x, Eigen::VectorXd::Constant(1, 1.0));
  CHECK(g[0] == 2 * (4 - 1));
  CHECK(g[1] == 4 * (4 - 1) - 2 * -1);
  // A scaled cotangent scales the result.
  CHECK(nabla::vjp(l, x, Eigen::VectorXd::Constant(1, -0.5))[1] == -0.5 * 14);
}

TEST_CASE("vjp with constant outputs and shape errors") {
  auto f = [](const VectorXv& x) {
    VectorXv y(2);
    y << x[0] * x[0], Var(3.0);
    return y;
  };
  const Eigen::VectorXd g = nabla::vjp(f, Eigen::Vector2d(2, 5), Eigen::Vector2d(1, 7));
  CHECK(g[0] == 4.0);
  CHECK(g[1] == 0.0);
  CHECK_THROWS_AS(nabla::vjp(f, Eigen::Vector2d(2, 5), Eigen::Vector3d(1, 1, 1)),
                  nabla::ShapeError);
}
