// The second-order check of the lectures: where ∇f = 0, the Hessian's eigenvalues say whether
// the point is a local minimum (all > 0), a local maximum (all < 0), a saddle (both signs), or
// undecided (some ≈ 0 and no sign change: higher-order terms decide, e.g. x⁴ at 0). Needs
// <Eigen/Eigenvalues>, hence its own header outside autodiff.hpp.
#pragma once

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <string_view>

#include <nabla/autodiff/functional/hessian.hpp>
#include <nabla/autodiff/teaching/stationary_kind.hpp>

namespace nabla {

struct StationaryPoint {
  StationaryKind kind = StationaryKind::Undecided;
  double gradient_norm = 0.0;
  Eigen::VectorXd gradient;
  Eigen::MatrixXd hessian;
  Eigen::VectorXd eigenvalues;  // ascending
};

namespace detail {
// Fills p.kind from p.gradient and p.hessian (and p.gradient_norm, p.eigenvalues).
inline void classify(StationaryPoint& p, double gradient_tolerance, double eigen_tolerance) {
  p.gradient_norm = p.gradient.size() == 0 ? 0.0 : p.gradient.cwiseAbs().maxCoeff();
  if (p.hessian.size() == 0) {  // no variables: nothing to decide (and nothing to decompose)
    p.eigenvalues.resize(0);
    return;
  }
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(p.hessian, Eigen::EigenvaluesOnly);
  p.eigenvalues = eig.eigenvalues();
  if (p.gradient_norm > gradient_tolerance) {
    p.kind = StationaryKind::NotStationary;
    return;
  }
  const double scale = std::max(1.0, p.eigenvalues.cwiseAbs().maxCoeff());
  const double zero = eigen_tolerance * scale;
  bool positive = false, negative = false, null = false;
  for (const double l : p.eigenvalues) {
    if (l > zero)
      positive = true;
    else if (l < -zero)
      negative = true;
    else
      null = true;
  }
  if (positive && negative)
    p.kind = StationaryKind::Saddle;
  else if (null)
    p.kind = StationaryKind::Undecided;
  else if (positive)
    p.kind = StationaryKind::LocalMinimum;
  else if (negative)
    p.kind = StationaryKind::LocalMaximum;
}
}  // namespace detail

// f written with Var (f(const VectorXv&) or a generic lambda), or on matrix nodes
// (f(const nabla::Mat&), which then gets x as an x.size()×1 matrix variable).
// gradient_tolerance: ‖∇f‖∞ above it means not stationary. An eigenvalue counts as zero when
// |λ| ≤ eigen_tolerance · max(1, max|λ|).
template <class F>
StationaryPoint classify_stationary_point(F&& f, const Eigen::VectorXd& x,
                                          double gradient_tolerance = 1e-8,
                                          double eigen_tolerance = 1e-10) {
  StationaryPoint p;
  p.gradient = gradient(f, x);
  p.hessian = hessian(f, x);
  detail::classify(p, gradient_tolerance, eigen_tolerance);
  return p;
}

// f(const nabla::Mat&) at a matrix X: gradient and Hessian with respect to vec(X)
// (column-major), as hessian(f, X).
template <class F, class Derived>
requires detail::MatFunction<F> StationaryPoint
classify_stationary_point(F&& f, const Eigen::MatrixBase<Derived>& x,
                          double gradient_tolerance = 1e-8, double eigen_tolerance = 1e-10) {
  StationaryPoint p;
  p.gradient = gradient(f, x).reshaped();
  p.hessian = hessian(f, x);
  detail::classify(p, gradient_tolerance, eigen_tolerance);
  return p;
}

}  // namespace nabla
