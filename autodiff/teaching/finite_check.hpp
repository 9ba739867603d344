// NaN/Inf debug mode. The recording fast path has no branch for it; instead these checks run
// over a recording afterwards and name the first culprit:
//   check_finite(tape)        the first record whose value is NaN or ±inf;
//   checked_reverse(tape, y)  a reverse sweep that stops at the first record that passes a
//                              non-finite adjoint to an input (e.g. sqrt'(0) = inf × a non-zero
//                              adjoint);
//   checked_gradient(f, x)    both, around one recording of f: the gradient, or a
//                              NonFiniteError naming record index, operation and label.
// A zero adjoint contributes nothing and is never flagged (an unused sqrt(0) is fine).
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include <nabla/autodiff/core/anomaly.hpp>  // DetectAnomaly: the same checks in every sweep
#include <nabla/autodiff/teaching/explain.hpp>

namespace nabla {

// Throws NonFiniteError for the first record (in recording order, up to `end`, default all)
// whose value is not finite.
void check_finite(const Tape& tape, std::size_t end = SIZE_MAX);

// tape.reverse(y) that throws NonFiniteError at the first non-finite contribution.
void checked_reverse(Tape& tape, const Var& y);

// ∇f(x) with both checks.
template <class F>
Eigen::VectorXd checked_gradient(F&& f, const Eigen::VectorXd& x) {
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  auto [xv, y] = detail::record_at(tape, f, x);
  detail::require_scalar_result<decltype(y)>();
  if (!y.is_constant()) check_finite(tape, std::size_t{y.index()} + 1);
  checked_reverse(tape, y);
  return detail::input_adjoints(tape, xv);
}

}  // namespace nabla
