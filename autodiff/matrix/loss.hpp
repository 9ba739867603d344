// Losses on matrix nodes, each one record with a fused backward (no intermediate nodes):
//   mse(p, y)                              (1/N) Σ (pᵢ − yᵢ)²           N = number of entries
//   binary_cross_entropy_with_logits(z, y) (1/N) Σ softplus(zᵢ) − yᵢ zᵢ  (stable for any z)
//   cross_entropy(Z, labels)               (1/m) Σᵢ −log softmax(Zᵢ)[labelᵢ]   Z is m×k logits
//   hinge(s, y)                            (1/N) Σ max(0, 1 − yᵢ sᵢ)    y ∈ {−1, +1}
// The hinge's kink takes 0 (minimum-norm subgradient, as relu'(0) = 0).
#pragma once

#include <Eigen/Core>
#include <vector>

#include <nabla/autodiff/core/var.hpp>
#include <nabla/autodiff/matrix/mat.hpp>

namespace nabla {

[[nodiscard]] Var mse(const Mat& prediction, const Mat& target);
[[nodiscard]] Var mse(const Mat& prediction, const Eigen::MatrixXd& target);
[[nodiscard]] Var binary_cross_entropy_with_logits(const Mat& logits, const Mat& target);
[[nodiscard]] Var binary_cross_entropy_with_logits(const Mat& logits,
                                                   const Eigen::MatrixXd& target);
// labels[i] ∈ [0, k) is the class of row i.
[[nodiscard]] Var cross_entropy(const Mat& logits, const std::vector<int>& labels);
[[nodiscard]] Var cross_entropy(const Mat& logits, const Eigen::VectorXi& labels);
[[nodiscard]] Var hinge(const Mat& scores, const Eigen::MatrixXd& labels);

}  // namespace nabla
