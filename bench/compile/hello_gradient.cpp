// Compile-time probe: one loss, one gradient call, through the full header.
#include <nabla/autodiff.hpp>

int main() {
  auto loss = [](const nabla::VectorXv& x) { return exp(x[0]) * x[1] * x[1] + x.squaredNorm(); };
  const Eigen::VectorXd g = nabla::gradient(loss, Eigen::Vector2d(0.0, 1.0));
  return g[0] > 0.0 ? 0 : 1;
}
