// Sparse design matrices: S·B for an Eigen::SparseMatrix<double> S (a constant) and a matrix
// node B, one record whose backward is dB += Sᵀ·dC. Needs <Eigen/SparseCore>, hence its own
// header. Share a big S with a shared_ptr (no copy per call); a plain S is copied once.
#pragma once

#include <Eigen/SparseCore>
#include <memory>

#include <nabla/autodiff/matrix/mat.hpp>

namespace nabla {

using SparseMatrixD = Eigen::SparseMatrix<double>;

[[nodiscard]] Mat operator*(const std::shared_ptr<const SparseMatrixD>& s, const Mat& b);
[[nodiscard]] Mat operator*(const SparseMatrixD& s, const Mat& b);

}  // namespace nabla
