// The install check for nabla 0.1's include paths, which compile for one more release through
// forwarding headers and pkg-config's -I${includedir}/nabla (compat/, CHANGELOG.md). Built
// with nothing but `pkg-config --cflags --libs nabla`; exit status 0 when the numbers match.
#include <fmt/format.h>

#include <autodiff/autodiff.hpp>
#include <autodiff/function.hpp>
#include <autodiff/hessian.hpp>
#include <autodiff/mat.hpp>
#include <optim/finite_sum.hpp>
#include <optim/least_squares.hpp>
#include <optim/optim.hpp>
#include <optim/step_rules/adam.hpp>

int main() {
  // f(x) = ‖x‖² has the Hessian 2·I; the least-squares fit of y = 2·t through (1, 2), (2, 4) is 2.
  auto f = [](const nabla::VectorXv& x) { return x.squaredNorm(); };
  const Eigen::MatrixXd h = nabla::hessian(f, Eigen::Vector3d(1.0, -2.0, 0.5));
  const double h_error = (h - 2.0 * Eigen::Matrix3d::Identity()).cwiseAbs().maxCoeff();
  Eigen::MatrixXd t(2, 1);
  t << 1.0, 2.0;
  const Eigen::VectorXd y = Eigen::Vector2d(2.0, 4.0);
  const Eigen::VectorXd w = nabla::optim::least_squares(t, y);
  const double w_error = std::abs(w[0] - 2.0);
  fmt::print("0.1 include paths: Hessian error {:.1e}, least-squares error {:.1e}\n", h_error,
             w_error);
  return h_error <= 1e-14 && w_error <= 1e-12 ? 0 : 1;
}
