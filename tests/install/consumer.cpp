// The install check's consumer: built against an installed nabla with nothing but
// `pkg-config --cflags --libs nabla`. Exit status 0 when the gradient matches the closed form.
#include <fmt/format.h>

#include <cmath>

#include <nabla/autodiff.hpp>

int main() {
  // f(x) = x₀²·x₁ + sin(x₁), ∇f = (2x₀x₁, x₀² + cos x₁)
  auto f = [](const nabla::VectorXv& x) { return x[0] * x[0] * x[1] + sin(x[1]); };
  const Eigen::Vector2d x(1.5, -0.5);
  const Eigen::VectorXd g = nabla::gradient(f, x);
  const Eigen::Vector2d want(2.0 * x[0] * x[1], x[0] * x[0] + std::cos(x[1]));
  const double error = (g - want).cwiseAbs().maxCoeff();
  fmt::print("installed nabla: gradient ({}, {}), error {:.1e}\n", g[0], g[1], error);
  return error <= 1e-14 ? 0 : 1;
}
