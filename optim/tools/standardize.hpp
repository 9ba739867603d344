// Feature standardisation: fit the column means and standard deviations on the training data,
// then apply the same affine map to training and test data (never refit on test data).
// A constant column gets scale 1 (it is only centred), so nothing divides by zero.
#pragma once

#include <Eigen/Core>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

class Standardizer {
 public:
  Standardizer() = default;
  // Fits on X (one sample per row); throws nabla::ShapeError for an empty X.
  explicit Standardizer(const Eigen::MatrixXd& X) { fit(X); }
  void fit(const Eigen::MatrixXd& X);
  // (X − mean) / scale, column-wise; throws nabla::ShapeError on a column-count mismatch.
  [[nodiscard]] Eigen::MatrixXd transform(const Eigen::MatrixXd& X) const;
  [[nodiscard]] const Eigen::RowVectorXd& mean() const noexcept { return mean_; }
  [[nodiscard]] const Eigen::RowVectorXd& scale() const noexcept { return scale_; }

 private:
  Eigen::RowVectorXd mean_;
  Eigen::RowVectorXd scale_;
};

}  // namespace nabla::optim
