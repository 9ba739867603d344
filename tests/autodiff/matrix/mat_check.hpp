// Shared by the matrix-node tests: random matrices, the element-wise reference path
// (MatrixXv) and the gradient of a Mat function against central differences.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <random>
#include <string>

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

using Eigen::MatrixXd;
using Eigen::VectorXd;
using nabla::Mat;
using nabla::MatrixXv;
using nabla::Var;
using nabla::VectorXv;

inline MatrixXd random_matrix(Eigen::Index r, Eigen::Index c, unsigned seed, double lo = -1.0,
                              double hi = 1.0) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  MatrixXd m(r, c);
  for (Eigen::Index k = 0; k < m.size(); ++k) m(k) = u(gen);
  return m;
}

// Σ e(k)·w(k) on the element-wise path.
inline Var weighted_sum(const MatrixXv& e, const MatrixXd& w) {
  REQUIRE(e.rows() == w.rows());
  REQUIRE(e.cols() == w.cols());
  Var s = 0.0;
  for (Eigen::Index k = 0; k < e.size(); ++k) s = s + e(k) * w(k);
  return s;
}

template <class F>
MatrixXv map(const MatrixXv& m, F f) {
  MatrixXv r(m.rows(), m.cols());
  for (Eigen::Index k = 0; k < m.size(); ++k) r(k) = f(m(k));
  return r;
}

inline double relative(double a, double b) { return std::abs(a - b) / std::max(1.0, std::abs(b)); }

// fm: const Mat& -> Var (matrix path); fv: const MatrixXv& -> Var (element-wise path).
template <class FM, class FV>
void check_op(const std::string& name, FM fm, FV fv, const MatrixXd& x, double fd_tol = 1e-6) {
  CAPTURE(name);
  const auto [v1, g1] = nabla::value_and_gradient(fm, x);
  REQUIRE(g1.rows() == x.rows());
  REQUIRE(g1.cols() == x.cols());
  auto fvec = [&](const VectorXv& xv) {
    const MatrixXv m = xv.reshaped(x.rows(), x.cols());
    return fv(m);
  };
  const auto [v2, g2] = nabla::value_and_gradient(fvec, VectorXd(x.reshaped()));
  CHECK(relative(v1, v2) <= 1e-12);
  const double gscale = std::max(1.0, g2.norm());
  CHECK((VectorXd(g1.reshaped()) - g2).norm() / gscale <= 1e-12);
  // Finite differences: on constant Mats every operation folds to a plain value.
  MatrixXd p = x;
  double worst = 0.0;
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    const double h = 1e-6 * std::max(1.0, std::abs(x(k)));
    p(k) = x(k) + h;
    const double up = fm(Mat(p)).value();
    p(k) = x(k) - h;
    const double down = fm(Mat(p)).value();
    p(k) = x(k);
    worst = std::max(worst, std::abs((up - down) / (2 * h) - g1(k)));
  }
  CHECK(worst / gscale <= fd_tol);
}

}  // namespace mat_check
