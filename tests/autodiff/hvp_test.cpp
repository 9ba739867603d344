// Hessian–vector products: hvp = hessian·v, closed forms, and no 0·inf from unused kinks.
#include <doctest/doctest.h>

#include <autodiff/autodiff.hpp>
#include <autodiff/hessian.hpp>
#include <autodiff/hvp.hpp>

using nabla::Var;
using nabla::VectorXv;

TEST_CASE("hvp equals hessian·v") {
  auto f = [](const VectorXv& x) {
    Var s = 0.0;
    for (Eigen::Index i = 0; i + 1 < x.size(); ++i)
      s += exp(0.1 * x[i] * x[i + 1]) + log(1.0 + x[i] * x[i]) * sin(x[i + 1]);
    return s / x.size() + x.squaredNorm();
  };
  Eigen::VectorXd x(5), v(5);
  x << 0.2, -1.0, 0.7, 1.3, -0.4;
  v << 1.0, 0.5, -2.0, 0.25, 3.0;
  const Eigen::MatrixXd h = nabla::hessian(f, x);
  const Eigen::VectorXd hv = nabla::hvp(f, x, v);
  CHECK((hv - h * v).cwiseAbs().maxCoeff() < 1e-13 * (1 + (h * v).cwiseAbs().maxCoeff()));
}

TEST_CASE("hvp closed forms: x₀²x₁ and least squares") {
  auto f = [](const VectorXv& x) { return x[0] * x[0] * x[1]; };  // H = [[2x₁, 2x₀], [2x₀, 0]]
  const Eigen::VectorXd hv = nabla::hvp(f, Eigen::Vector2d(1, 2), Eigen::Vector2d(1, 0));
  CHECK(hv[0] == 4.0);
  CHECK(hv[1] == 2.0);
  // ‖Aw − y‖²/l: H = 2AᵀA/l.
  Eigen::MatrixXd a(3, 2);
  a << 1, 2, 0, -1, 3, 0.5;
  const Eigen::Vector3d y(1, 0, -2);
  auto ls = [&](const VectorXv& w) { return VectorXv(a * w - y).squaredNorm() / 3.0; };
  const Eigen::Vector2d v(0.3, -0.7);
  const Eigen::VectorXd expected = 2.0 * a.transpose() * a * v / 3.0;
  CHECK((nabla::hvp(ls, Eigen::Vector2d(0.1, 0.2), v) - expected).cwiseAbs().maxCoeff() < 1e-14);
}

TEST_CASE("an unused infinite partial does not turn H·v into NaN") {
  // sqrt at 0 has an infinite derivative, but its adjoint is zero.
  auto f = [](const VectorXv& x) { return 0.0 * sqrt(x[0]) + x[1] * x[1] * x[0]; };
  const Eigen::VectorXd hv = nabla::hvp(f, Eigen::Vector2d(0, 3), Eigen::Vector2d(0, 1));
  CHECK(hv[0] == 6.0);
  CHECK(hv[1] == 0.0);
}
