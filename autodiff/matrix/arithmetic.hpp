// Arithmetic on matrix nodes: the matrix product, element-wise + − ⊙ ÷ with broadcasting,
// scalar operands (double or Var) and transpose. Each call appends one record.
//
// Broadcasting: two shapes fit when, in each dimension, they are equal or one of them is 1
// (a 1×n row is added to every row, an m×1 column to every column, a 1×1 to everything);
// the backward sums the adjoint over the broadcast dimension. Anything else throws
// nabla::ShapeError naming the operation and both shapes.
#pragma once

#include <Eigen/Core>

#include <nabla/autodiff/core/var.hpp>
#include <nabla/autodiff/matrix/mat.hpp>

namespace nabla {

// Matrix product A·B (matrix·matrix and matrix·vector); a MatrixXd operand is a constant.
[[nodiscard]] Mat matmul(const Mat& a, const Mat& b);
[[nodiscard]] Mat operator*(const Mat& a, const Mat& b);
[[nodiscard]] Mat operator*(const Eigen::MatrixXd& a, const Mat& b);
[[nodiscard]] Mat operator*(const Mat& a, const Eigen::MatrixXd& b);

// Element-wise, with broadcasting.
[[nodiscard]] Mat operator+(const Mat& a, const Mat& b);
[[nodiscard]] Mat operator-(const Mat& a, const Mat& b);
[[nodiscard]] Mat cwise_product(const Mat& a, const Mat& b);   // a ⊙ b
[[nodiscard]] Mat cwise_quotient(const Mat& a, const Mat& b);  // a ÷ b
[[nodiscard]] Mat operator/(const Mat& a, const Mat& b);       // a ÷ b, element-wise
[[nodiscard]] Mat operator+(const Mat& a, const Eigen::MatrixXd& b);
[[nodiscard]] Mat operator+(const Eigen::MatrixXd& a, const Mat& b);
[[nodiscard]] Mat operator-(const Mat& a, const Eigen::MatrixXd& b);
[[nodiscard]] Mat operator-(const Eigen::MatrixXd& a, const Mat& b);
[[nodiscard]] Mat cwise_product(const Mat& a, const Eigen::MatrixXd& b);
[[nodiscard]] Mat cwise_product(const Eigen::MatrixXd& a, const Mat& b);

// Scalars broadcast to every entry.
[[nodiscard]] Mat operator-(const Mat& a);
[[nodiscard]] Mat operator+(const Mat& a, double c);
[[nodiscard]] Mat operator+(double c, const Mat& a);
[[nodiscard]] Mat operator-(const Mat& a, double c);
[[nodiscard]] Mat operator-(double c, const Mat& a);
[[nodiscard]] Mat operator*(const Mat& a, double c);
[[nodiscard]] Mat operator*(double c, const Mat& a);
[[nodiscard]] Mat operator/(const Mat& a, double c);
[[nodiscard]] Mat operator/(double c, const Mat& a);
[[nodiscard]] Mat operator+(const Mat& a, const Var& s);
[[nodiscard]] Mat operator+(const Var& s, const Mat& a);
[[nodiscard]] Mat operator-(const Mat& a, const Var& s);
[[nodiscard]] Mat operator-(const Var& s, const Mat& a);
[[nodiscard]] Mat operator*(const Mat& a, const Var& s);
[[nodiscard]] Mat operator*(const Var& s, const Mat& a);
[[nodiscard]] Mat operator/(const Mat& a, const Var& s);
[[nodiscard]] Mat operator/(const Var& s, const Mat& a);

[[nodiscard]] Mat transpose(const Mat& a);

}  // namespace nabla
