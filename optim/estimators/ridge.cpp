#include <nabla/optim/estimators/ridge.hpp>

#include <cmath>

#include <fmt/format.h>

#include <Eigen/Cholesky>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

Ridge::Ridge(const Params& params, Options base) : options_(base) {
  for (const auto& [name, value] : params) {
    if (name == "alpha")
      options_.alpha = as_real(params, name);
    else if (name == "fit_intercept")
      options_.fit_intercept = as_integer(params, name) != 0;
    else
      throw Error(fmt::format("nabla::optim::Ridge: invalid parameter '{}' (value {})", name,
                              to_string(value)));
  }
}

void Ridge::fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y) {
  const double alpha = options_.alpha;
  if (!(alpha >= 0.0) || !std::isfinite(alpha))
    throw Error(fmt::format(
        "nabla::optim::Ridge::fit: alpha = {} must be a finite float in the range [0, inf)",
        alpha));
  check_fit_input("Ridge", X, y);
  Eigen::RowVectorXd x_mean = Eigen::RowVectorXd::Zero(X.cols());
  double y_mean = 0.0;
  if (options_.fit_intercept) {
    x_mean = X.colwise().mean();
    y_mean = y.mean();
  }
  const Eigen::MatrixXd Xc = X.rowwise() - x_mean;
  const Eigen::VectorXd yc = y.array() - y_mean;
  Eigen::MatrixXd A = Xc.transpose() * Xc;
  A.diagonal().array() += alpha;
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(A);
  if (ldlt.info() != Eigen::Success || ldlt.rcond() < 1e-15)
    throw SingularMatrixError(
        fmt::format("nabla::optim::Ridge::fit: XcᵀXc + αI is singular (alpha = {}, {} features)",
                    alpha, X.cols()));
  coef_ = ldlt.solve(Xc.transpose() * yc);
  intercept_ = options_.fit_intercept ? y_mean - x_mean.dot(coef_) : 0.0;
  fitted_ = true;
}

Eigen::VectorXd Ridge::predict(const Eigen::MatrixXd& X) const {
  if (!fitted_) throw Error("nabla::optim::Ridge::predict: not fitted (call fit first)");
  if (X.cols() != coef_.size())
    throw ShapeError(fmt::format("nabla::optim::Ridge::predict: X has {} columns, fitted on {}",
                                 X.cols(), coef_.size()));
  return (X * coef_).array() + intercept_;
}

}  // namespace nabla::optim
