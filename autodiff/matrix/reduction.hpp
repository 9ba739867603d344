// Reductions of matrix nodes. Those to a scalar return a Var (their record's own value), so a
// matrix computation ends in the scalar graph; row/column sums and means return Mats. Row-wise
// softmax and log_softmax are here too, since they are built on the row's log-sum-exp.
#pragma once

#include <nabla/autodiff/core/var.hpp>
#include <nabla/autodiff/matrix/mat.hpp>

namespace nabla {

[[nodiscard]] Var sum(const Mat& a);
[[nodiscard]] Var mean(const Mat& a);
[[nodiscard]] Var squared_norm(const Mat& a);       // Σ aᵢⱼ² (Frobenius)
[[nodiscard]] Var norm(const Mat& a);               // √Σ aᵢⱼ²; its gradient at 0 is 0
[[nodiscard]] Var dot(const Mat& a, const Mat& b);  // Σ aᵢⱼ bᵢⱼ, same shapes
[[nodiscard]] Var dot(const Mat& a, const Eigen::MatrixXd& b);
[[nodiscard]] Var trace(const Mat& a);
[[nodiscard]] Var log_sum_exp(const Mat& a);  // log Σ exp aᵢⱼ, without overflow

[[nodiscard]] Mat row_sums(const Mat& a);         // m×1: the sum of each row
[[nodiscard]] Mat col_sums(const Mat& a);         // 1×n: the sum of each column
[[nodiscard]] Mat row_means(const Mat& a);        // m×1
[[nodiscard]] Mat col_means(const Mat& a);        // 1×n
[[nodiscard]] Mat row_log_sum_exp(const Mat& a);  // m×1

// Row-wise: each row of the result is softmax / log_softmax of the same row of a.
[[nodiscard]] Mat softmax(const Mat& a);
[[nodiscard]] Mat log_softmax(const Mat& a);

}  // namespace nabla
