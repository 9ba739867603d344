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

#include "hvp.hpp"

namespace nabla {

template <class F>
Eigen::MatrixXd hessian(F&& f, const Eigen::VectorXd& x) {
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  auto [xv, y] = detail::record_at(tape, f, x);
  detail::require_scalar_result<decltype(y)>();
  SecondOrderSweep sweep(tape, xv, y);
  const Eigen::Index n = x.size();
  Eigen::MatrixXd h(n, n);
  Eigen::VectorXd e = Eigen::VectorXd::Zero(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    e[j] = 1.0;
    sweep.run(e.data(), h.col(j).data());
    e[j] = 0.0;
  }
  return (0.5 * (h + h.transpose())).eval();
}

}  // namespace nabla
