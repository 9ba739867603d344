// The exact Hessian of f: Rⁿ → R: f is recorded once and n Hessian–vector products (one per
// unit vector, forward over reverse, see hvp.hpp) give its columns. Every entry is an exact
// derivative, not a finite difference.
//
// H(i, j) and H(j, i) come from two different sweeps (columns j and i) that evaluate the same
// mixed partial in a different order of floating-point operations, so they may differ in the
// last bits. The result is made exactly symmetric by averaging the two, which changes no
// entry by more than that rounding and gives eigenvalue solvers and Cholesky factorisations
// the symmetric matrix they assume.
#pragma once

#include <Eigen/Core>

#include <nabla/autodiff/functional/hvp.hpp>

namespace nabla {

namespace detail {
// Column j of the Hessian is H·eⱼ, one second-order sweep each; the result is symmetrised (see
// above).
template <class Sweep>
Eigen::MatrixXd hessian_by_columns(Sweep& sweep, Eigen::Index n) {
  Eigen::MatrixXd h(n, n);
  Eigen::VectorXd e = Eigen::VectorXd::Zero(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    e[j] = 1.0;
    sweep.run(e.data(), h.col(j).data());
    e[j] = 0.0;
  }
  return (0.5 * (h + h.transpose())).eval();
}
}  // namespace detail

template <class F>
requires(!detail::MatFunction<F>) Eigen::MatrixXd hessian(F&& f, const Eigen::VectorXd& x) {
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  auto [xv, y] = detail::record_at(tape, f, x);
  detail::require_scalar_result<decltype(y)>();
  SecondOrderSweep sweep(tape, xv, y);
  return detail::hessian_by_columns(sweep, x.size());
}

// The Hessian of f(const nabla::Mat&) → Var at any Eigen matrix X, with respect to vec(X)
// (column-major): an X.size() × X.size() matrix, H(i, j) = ∂²f / ∂vec(X)ᵢ ∂vec(X)ⱼ.
//   auto loss = [&](const nabla::Mat& w) { return nabla::mse(Xc * w, y); };
//   Eigen::MatrixXd h = nabla::hessian(loss, w0);   // (2/l)·XᵀX
template <class F, class Derived>
requires detail::MatFunction<F> Eigen::MatrixXd hessian(F&& f,
                                                        const Eigen::MatrixBase<Derived>& x) {
  detail::ScopedTape scope;
  const Mat xm = variable(x);
  const auto y = std::invoke(f, xm);
  detail::require_scalar_result<decltype(y)>();
  detail::MatSecondOrderSweep sweep(scope.tape(), xm, y);
  return detail::hessian_by_columns(sweep, x.size());
}

}  // namespace nabla
