#include <nabla/optim/tools/standardize.hpp>

#include <fmt/format.h>

#include <cmath>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

void Standardizer::fit(const Eigen::MatrixXd& X) {
  if (X.rows() == 0 || X.cols() == 0)
    throw ShapeError(
        fmt::format("nabla::optim::Standardizer::fit: empty {}x{} matrix", X.rows(), X.cols()));
  mean_ = X.colwise().mean();
  scale_.resize(X.cols());
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    const double var = (X.col(j).array() - mean_[j]).square().mean();  // population, like sklearn
    scale_[j] = var > 0.0 ? std::sqrt(var) : 1.0;
  }
}

Eigen::MatrixXd Standardizer::transform(const Eigen::MatrixXd& X) const {
  if (X.cols() != mean_.size())
    throw ShapeError(
        fmt::format("nabla::optim::Standardizer::transform: fitted on {} columns, got {}",
                    mean_.size(), X.cols()));
  return (X.rowwise() - mean_).array().rowwise() / scale_.array();
}

}  // namespace nabla::optim
