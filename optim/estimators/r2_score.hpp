// The coefficient of determination as scikit-learn 1.2.1's r2_score: 1 − SS_res / SS_tot with
// SS_tot the squared deviations from the mean of y_true; when SS_tot = 0 (constant y_true) it is
// 1 for a perfect prediction and 0 otherwise (force_finite=True), and NaN for fewer than two
// samples (scikit-learn also warns: UndefinedMetricWarning).
#pragma once

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include <Eigen/Core>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

[[nodiscard]] inline double r2_score(const Eigen::VectorXd& y_true, const Eigen::VectorXd& y_pred) {
  if (y_true.size() != y_pred.size())
    throw ShapeError(fmt::format("nabla::optim::r2_score: y_true has {} samples, y_pred {}",
                                 y_true.size(), y_pred.size()));
  if (y_true.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  const double mean = y_true.mean();
  const double ss_res = (y_true - y_pred).squaredNorm();
  const double ss_tot = (y_true.array() - mean).square().sum();
  if (ss_tot != 0.0) return 1.0 - ss_res / ss_tot;
  return ss_res == 0.0 ? 1.0 : 0.0;
}

}  // namespace nabla::optim
