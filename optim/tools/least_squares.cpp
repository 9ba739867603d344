#include <nabla/optim/tools/least_squares.hpp>

#include <fmt/format.h>

#include <Eigen/QR>
#include <cmath>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

Eigen::VectorXd least_squares(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double ridge) {
  if (X.rows() != y.size())
    throw ShapeError(fmt::format("nabla::optim::least_squares: X has {} rows but y has {} entries",
                                 X.rows(), y.size()));
  if (ridge < 0.0) throw Error("nabla::optim::least_squares: ridge must be >= 0");
  if (ridge > 0.0) {
    const Eigen::Index n = X.cols();
    Eigen::MatrixXd A(X.rows() + n, n);
    A << X, std::sqrt(ridge) * Eigen::MatrixXd::Identity(n, n);
    Eigen::VectorXd b(X.rows() + n);
    b << y, Eigen::VectorXd::Zero(n);
    return A.colPivHouseholderQr().solve(b);
  }
  const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(X);
  if (qr.rank() < X.cols())
    throw Error(
        fmt::format("nabla::optim::least_squares: X ({}x{}) has rank {} < {} columns; the "
                    "minimiser is not unique (use ridge > 0)",
                    X.rows(), X.cols(), qr.rank(), X.cols()));
  return qr.solve(y);
}

}  // namespace nabla::optim
