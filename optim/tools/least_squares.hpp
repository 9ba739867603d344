// Closed-form least squares, the reference 000_…txt contrasts with gradient descent:
// w = argmin ‖Xw − y‖² (= (XᵀX)⁻¹Xᵀy when X has full column rank), solved by column-pivoting
// Householder QR of X itself, never by forming or inverting XᵀX (which squares the condition
// number). Optional ridge term λ: argmin ‖Xw − y‖² + λ‖w‖², solved as the augmented QR
// problem [X; √λ I] w ≈ [y; 0]. Its own header because it needs <Eigen/QR>.
#pragma once

#include <Eigen/Core>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

// Throws nabla::ShapeError when X and y disagree, nabla::Error when X is rank-deficient and
// ridge = 0 (the minimiser is not unique).
Eigen::VectorXd least_squares(const Eigen::MatrixXd& X, const Eigen::VectorXd& y,
                              double ridge = 0.0);

}  // namespace nabla::optim
