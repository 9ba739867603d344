#include <doctest/doctest.h>

#include <autodiff/autodiff.hpp>

using nabla::Var;
using nabla::VectorXv;

TEST_CASE("lecture gradients") {
  auto f = [](const VectorXv& x) { return x[0] * x[0] - x[1]; };
  const Eigen::VectorXd g = nabla::gradient(f, Eigen::Vector2d(1, 2));
  CHECK(g[0] == doctest::Approx(2));
  CHECK(g[1] == doctest::Approx(-1));
  auto h = [](const VectorXv& x) { return exp(x[0]) * x[1] * x[1]; };
  const Eigen::VectorXd g2 = nabla::gradient(h, Eigen::Vector2d(0, 1));
  CHECK(g2[0] == doctest::Approx(1));
  CHECK(g2[1] == doctest::Approx(2));
  auto j = [](const VectorXv& x) {
    VectorXv y(2);
    y << 5 * x[0] * x[0] + 4 * x[1] + 1, -x[1];
    return y;
  };
  const Eigen::MatrixXd J = nabla::jacobian(j, Eigen::Vector2d(1, 3));
  CHECK(J(0, 0) == doctest::Approx(10));
  CHECK(J(0, 1) == doctest::Approx(4));
  CHECK(J(1, 1) == doctest::Approx(-1));
  Eigen::MatrixXd A(2, 2);
  A << 1, 2, 0, -1;
  auto mse = [&](const VectorXv& x) {
    VectorXv y = A * x;
    return (y[0] - 1) * (y[0] - 1) + y[1] * y[1];
  };
  auto r = nabla::gradcheck(mse, Eigen::Vector2d(0.3, -0.7));
  CHECK(r.passed());
  CHECK(nabla::derivative([](Var x) { return sin(x); }, 0.0) == doctest::Approx(1));
  auto n = [](const VectorXv& x) { return x.squaredNorm() + x.norm() + x.sum() + x.dot(x); };
  CHECK(nabla::gradcheck(n, Eigen::Vector3d(1, 2, 3)).passed());
}
