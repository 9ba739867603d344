// Reductions (reduction.cpp): to a scalar, along rows and columns, softmax and log_softmax,
// against the element-wise path and finite differences.
#include <doctest/doctest.h>

#include <cmath>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix.hpp>

#include "mat_check.hpp"

using Eigen::MatrixXd;
using Eigen::VectorXd;
using mat_check::check_op;
using mat_check::map;
using mat_check::random_matrix;
using mat_check::weighted_sum;
using nabla::Mat;
using nabla::MatrixXv;
using nabla::Var;

TEST_CASE("reductions") {
  const MatrixXd x = random_matrix(3, 4, 31);
  const MatrixXd sq = random_matrix(4, 4, 32);
  const MatrixXd rc = random_matrix(3, 1, 33);
  const MatrixXd rr = random_matrix(1, 4, 34);
  const MatrixXd r = random_matrix(3, 4, 35);
  const MatrixXd y = random_matrix(3, 4, 36);
  check_op(
      "sum", [](const Mat& m) { return nabla::sum(m); }, [](const MatrixXv& m) { return m.sum(); },
      x);
  check_op(
      "mean", [](const Mat& m) { return nabla::mean(m); },
      [](const MatrixXv& m) { return m.sum() / 12.0; }, x);
  check_op(
      "squared_norm", [](const Mat& m) { return nabla::squared_norm(m); },
      [](const MatrixXv& m) { return m.squaredNorm(); }, x);
  check_op(
      "norm", [](const Mat& m) { return nabla::norm(m); },
      [](const MatrixXv& m) { return sqrt(m.squaredNorm()); }, x);
  check_op(
      "dot", [&](const Mat& m) { return nabla::dot(m, nabla::exp(m)); },
      [&](const MatrixXv& m) {
        return m.cwiseProduct(map(m, [](const Var& e) { return exp(e); })).sum();
      },
      x);
  check_op(
      "trace", [](const Mat& m) { return nabla::trace(m * m); },
      [](const MatrixXv& m) { return MatrixXv(m * m).trace(); }, sq);
  check_op(
      "log_sum_exp", [](const Mat& m) { return nabla::log_sum_exp(m * 30.0); },
      [](const MatrixXv& m) {
        Var s = 0.0;
        for (Eigen::Index k = 0; k < m.size(); ++k) s = s + exp(30.0 * m(k) - 30.0);
        return 30.0 + log(s);
      },
      x);
  check_op(
      "row_sums", [&](const Mat& m) { return nabla::dot(nabla::row_sums(m), rc); },
      [&](const MatrixXv& m) { return weighted_sum(MatrixXv(m.rowwise().sum()), rc); }, x);
  check_op(
      "col_sums", [&](const Mat& m) { return nabla::dot(nabla::col_sums(m), rr); },
      [&](const MatrixXv& m) { return weighted_sum(MatrixXv(m.colwise().sum()), rr); }, x);
  check_op(
      "row_means", [&](const Mat& m) { return nabla::dot(nabla::row_means(m), rc); },
      [&](const MatrixXv& m) { return weighted_sum(MatrixXv(m.rowwise().sum() / 4.0), rc); }, x);
  check_op(
      "col_means", [&](const Mat& m) { return nabla::dot(nabla::col_means(m), rr); },
      [&](const MatrixXv& m) { return weighted_sum(MatrixXv(m.colwise().sum() / 3.0), rr); }, x);
  auto row_softmax = [](const MatrixXv& m, bool take_log) {
    MatrixXv out(m.rows(), m.cols());
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
      Var s = 0.0;
      for (Eigen::Index j = 0; j < m.cols(); ++j) s = s + exp(m(i, j));
      for (Eigen::Index j = 0; j < m.cols(); ++j)
        out(i, j) = take_log ? m(i, j) - log(s) : exp(m(i, j)) / s;
    }
    return out;
  };
  check_op(
      "softmax", [&](const Mat& m) { return nabla::dot(nabla::softmax(m), r); },
      [&](const MatrixXv& m) { return weighted_sum(row_softmax(m, false), r); }, x);
  check_op(
      "log_softmax", [&](const Mat& m) { return nabla::dot(nabla::log_softmax(m), r); },
      [&](const MatrixXv& m) { return weighted_sum(row_softmax(m, true), r); }, x);
  check_op(
      "row_log_sum_exp", [&](const Mat& m) { return nabla::dot(nabla::row_log_sum_exp(m), rc); },
      [&](const MatrixXv& m) {
        MatrixXv l(3, 1);
        for (Eigen::Index i = 0; i < 3; ++i) {
          Var s = 0.0;
          for (Eigen::Index j = 0; j < 4; ++j) s = s + exp(m(i, j));
          l(i, 0) = log(s);
        }
        return weighted_sum(l, rc);
      },
      x);
  // The closed form of the least-squares gradient (seed 000): ∇ (1/l)‖Xw − y‖² = (2/l)Xᵀ(Xw − y).
  const MatrixXd data = random_matrix(20, 3, 37);
  const VectorXd target = random_matrix(20, 1, 38);
  const VectorXd w = random_matrix(3, 1, 39);
  const Mat dc = nabla::constant(data);
  const VectorXd g = nabla::gradient([&](const Mat& m) { return nabla::mse(dc * m, target); }, w);
  const VectorXd expected = (2.0 / 20.0) * data.transpose() * (data * w - target);
  CHECK((g - expected).norm() <= 1e-13);
  (void)y;
}
