// The lectures' worked gradients, computed by nabla and printed like the slides:
//   001: ∇(x₁² − x₂) at (1, 2) = (2, −1);  ∇(e^{x₁}·x₂²) at (0, 1) = (1, 2);
//        the Jacobian of (5x₁² + 4x₂ + 1, −x₂) is [[10x₁, 4], [0, −1]] = [[10, 4], [0, −1]] at x₁ =
//        1;
//   004: ∂(x²y) = (2xy, x²);  ∇(x² − xy) = (2x − y, −x).
// Each result is compared with its closed form; the exit status is 1 if any differs.
#include <fmt/format.h>

#include <cmath>
#include <string_view>

#include <nabla/autodiff.hpp>

using nabla::Var;
using nabla::VectorXv;

namespace {

int failures = 0;

void check(std::string_view what, const Eigen::MatrixXd& got, const Eigen::MatrixXd& want) {
  const bool ok = got.rows() == want.rows() && got.cols() == want.cols() &&
                  (got - want).cwiseAbs().maxCoeff() <= 1e-12;
  if (!ok) {
    ++failures;
    fmt::print("  MISMATCH in {}: expected", what);
    for (Eigen::Index i = 0; i < want.size(); ++i) fmt::print(" {}", want.data()[i]);
    fmt::print("\n");
  }
}

void print_vector(std::string_view lhs, const Eigen::VectorXd& v) {
  fmt::print("{} = (", lhs);
  for (Eigen::Index i = 0; i < v.size(); ++i) fmt::print("{}{:g}", i == 0 ? "" : ", ", v[i]);
  fmt::print(")ᵀ\n");
}

}  // namespace

int main() {
  fmt::print("Lecture 001\n\n");

  fmt::print("y = x₁² − x₂,  y'_x₁ = 2x₁,  y'_x₂ = −1\n");
  const Eigen::VectorXd g1 =
      nabla::gradient([](const VectorXv& x) { return x[0] * x[0] - x[1]; }, Eigen::Vector2d(1, 2));
  print_vector("∇y(1, 2)", g1);
  check("grad(x1^2 - x2)", g1, Eigen::Vector2d(2, -1));

  fmt::print("\nf(x₁, x₂) = e^x₁ · x₂²  at the point (0, 1)\n");
  const Eigen::VectorXd g2 = nabla::gradient(
      [](const VectorXv& x) { return exp(x[0]) * x[1] * x[1]; }, Eigen::Vector2d(0, 1));
  print_vector("∇f(0, 1)", g2);  // (e⁰·1², 2·e⁰·1)
  check("grad(e^x1 x2^2)", g2, Eigen::Vector2d(1, 2));

  fmt::print("\ny₁ = 5x₁² + 4x₂ + 1,  y₂ = −x₂,  A_ij = (y_i)'_x_j\n");
  auto y = [](const VectorXv& x) {
    VectorXv out(2);
    out << 5.0 * x[0] * x[0] + 4.0 * x[1] + 1.0, -x[1];
    return out;
  };
  const Eigen::MatrixXd A = nabla::jacobian(y, Eigen::Vector2d(1, 2));
  fmt::print("A at x = (1, 2) = ( {:g}  {:g} )\n                  ( {:g}  {:g} )\n", A(0, 0),
             A(0, 1), A(1, 0), A(1, 1));
  check("jacobian", A, (Eigen::Matrix2d() << 10, 4, 0, -1).finished());

  fmt::print("\nLecture 004\n\n");
  const double x = 3.0;
  const double yv = -2.0;

  fmt::print("f(x, y) = x²y:  ∂f/∂x = 2xy,  ∂f/∂y = x²\n");
  const Eigen::VectorXd g3 =
      nabla::gradient([](const VectorXv& p) { return p[0] * p[0] * p[1]; }, Eigen::Vector2d(x, yv));
  print_vector(fmt::format("∇f({:g}, {:g})", x, yv), g3);
  check("grad(x^2 y)", g3, Eigen::Vector2d(2 * x * yv, x * x));

  fmt::print("\nf(x, y) = x² − xy:  ∇f = (2x − y, −x)ᵀ\n");
  const Eigen::VectorXd g4 = nabla::gradient(
      [](const VectorXv& p) { return p[0] * p[0] - p[0] * p[1]; }, Eigen::Vector2d(x, yv));
  print_vector(fmt::format("∇f({:g}, {:g})", x, yv), g4);
  check("grad(x^2 - xy)", g4, Eigen::Vector2d(2 * x - yv, -x));

  // The one-variable start of the lectures: d/dx x² at x = 3.
  const double d = nabla::derivative([](Var t) { return t * t; }, 3.0);
  fmt::print("\nd/dx x² at x = 3: {:g}\n", d);
  check("derivative(x^2)", Eigen::Matrix<double, 1, 1>(d), Eigen::Matrix<double, 1, 1>(6.0));

  fmt::print("\n{}\n", failures == 0 ? "all lecture values reproduced" : "MISMATCHES above");
  return failures == 0 ? 0 : 1;
}
