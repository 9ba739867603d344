// Linear solves and log-determinants of matrix nodes (needs <Eigen/LU>, hence its own header).
// The LU factorisation computed in the forward sweep is kept and reused by the backward:
//   C = A⁻¹B:        dB += A⁻ᵀ·dC,  dA −= (A⁻ᵀ·dC)·Cᵀ
//   log|det A|:      dA += w·A⁻ᵀ
#pragma once

#include <nabla/autodiff/core/var.hpp>
#include <nabla/autodiff/matrix/mat.hpp>

namespace nabla {

// A⁻¹B for a square, invertible A (partial-pivoting LU). Throws ShapeError on bad shapes and
// SingularMatrixError for an A singular to working precision (a zero pivot, or a reciprocal
// condition number below 2.2e-16), when recorded and when replayed.
[[nodiscard]] Mat solve(const Mat& a, const Mat& b);
// log|det A| for a square A: −inf for a singular A, whose gradient (A⁻ᵀ) then throws
// SingularMatrixError.
[[nodiscard]] Var log_det(const Mat& a);

}  // namespace nabla
