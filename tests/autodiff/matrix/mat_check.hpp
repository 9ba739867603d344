// Shared by the matrix-node tests: the gradient of a Mat function against central differences.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix.hpp>

namespace mat_check {

// max |∇f − central differences| / max(1, ‖∇f‖) for f: const Mat& -> Var at x.
template <class F>
double fd_error(F f, const Eigen::MatrixXd& x) {
  const Eigen::MatrixXd g = nabla::gradient(f, x);
  Eigen::MatrixXd p = x;
  double worst = 0.0;
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    const double h = 1e-6 * std::max(1.0, std::abs(x(k)));
    p(k) = x(k) + h;
    const double up = f(nabla::Mat(p)).value();
    p(k) = x(k) - h;
    const double down = f(nabla::Mat(p)).value();
    p(k) = x(k);
    worst = std::max(worst, std::abs((up - down) / (2 * h) - g(k)));
  }
  return worst / std::max(1.0, g.norm());
}

}  // namespace mat_check
