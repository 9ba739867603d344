// The install check's consumer: built against an installed nabla with nothing but
// `pkg-config --cflags --libs nabla`, through the one umbrella <nabla/nabla.hpp> that includes
// every public header. Exit status 0 when the gradient and the Hessian match closed forms.
#include <fmt/format.h>

#include <cmath>

#include <nabla/nabla.hpp>

int main() {
  // f(x) = x₀²·x₁ + sin(x₁), ∇f = (2x₀x₁, x₀² + cos x₁), ∇²f = [[2x₁, 2x₀], [2x₀, −sin x₁]]
  auto f = [](const nabla::VectorXv& x) { return x[0] * x[0] * x[1] + sin(x[1]); };
  const Eigen::Vector2d x(1.5, -0.5);
  const Eigen::VectorXd g = nabla::gradient(f, x);
  const Eigen::MatrixXd h = nabla::hessian(f, x);
  const Eigen::Vector2d want_g(2.0 * x[0] * x[1], x[0] * x[0] + std::cos(x[1]));
  Eigen::Matrix2d want_h;
  want_h << 2.0 * x[1], 2.0 * x[0], 2.0 * x[0], -std::sin(x[1]);
  const double error =
      std::max((g - want_g).cwiseAbs().maxCoeff(), (h - want_h).cwiseAbs().maxCoeff());
  fmt::print("installed nabla {}: gradient ({}, {}), error {:.1e}\n", NABLA_VERSION_STRING, g[0],
             g[1], error);
  // The consumer's own large product: with the pkg-config flags (EIGEN_USE_BLAS in a BLAS build)
  // it calls dgemm, which must link. (1)ᵢⱼ·(1)ⱼₖ summed over 80 terms is exactly 80.
  const Eigen::MatrixXd ones = Eigen::MatrixXd::Ones(80, 80);
  const Eigen::MatrixXd product = ones * ones;
  const double product_error = (product.array() - 80.0).abs().maxCoeff();
  fmt::print("products: {}; 80×80 product error {:.1e}\n", nabla::blas_backend(), product_error);
  return error <= 1e-14 && product_error == 0.0 ? 0 : 1;
}
