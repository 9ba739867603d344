// Row- and column-wise operations (axis_reduction.cpp) against closed forms and finite
// differences. The element-wise-path comparisons of the same operations are in
// reduction_test.cpp ("reductions").
#include <doctest/doctest.h>

#include <cmath>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix.hpp>

#include "mat_check.hpp"

using Eigen::MatrixXd;
using Eigen::VectorXd;
using mat_check::random_matrix;
using nabla::Mat;

TEST_CASE("row and column sums and means: values and gradients in closed form") {
  MatrixXd x(2, 3);
  x << 1.0, 2.0, 3.0, 4.0, 5.0, 6.0;
  CHECK((nabla::row_sums(Mat(x)).value() == (MatrixXd(2, 1) << 6.0, 15.0).finished()));
  CHECK((nabla::col_sums(Mat(x)).value() == (MatrixXd(1, 3) << 5.0, 7.0, 9.0).finished()));
  CHECK((nabla::row_means(Mat(x)).value() == (MatrixXd(2, 1) << 2.0, 5.0).finished()));
  CHECK((nabla::col_means(Mat(x)).value() == (MatrixXd(1, 3) << 2.5, 3.5, 4.5).finished()));
  // d/dX Σᵢ wᵢ·rowsumᵢ(X) = wᵢ in every column of row i; the means divide by the count.
  const MatrixXd w = (MatrixXd(2, 1) << 0.5, -2.0).finished();
  const MatrixXd v = (MatrixXd(1, 3) << 1.0, 3.0, -4.0).finished();
  const MatrixXd g_rs =
      nabla::gradient([&](const Mat& m) { return nabla::dot(nabla::row_sums(m), w); }, x);
  CHECK((g_rs == w.replicate(1, 3)));
  const MatrixXd g_cs =
      nabla::gradient([&](const Mat& m) { return nabla::dot(nabla::col_sums(m), v); }, x);
  CHECK((g_cs == v.replicate(2, 1)));
  const MatrixXd g_rm =
      nabla::gradient([&](const Mat& m) { return nabla::dot(nabla::row_means(m), w); }, x);
  CHECK((g_rm - w.replicate(1, 3) / 3.0).norm() <= 1e-15);
  const MatrixXd g_cm =
      nabla::gradient([&](const Mat& m) { return nabla::dot(nabla::col_means(m), v); }, x);
  CHECK((g_cm - v.replicate(2, 1) / 2.0).norm() <= 1e-15);
}

TEST_CASE("row log-sum-exp: log n for equal entries, no overflow, softmax as its gradient") {
  MatrixXd x(2, 4);
  x << 0.0, 0.0, 0.0, 0.0, 1000.0, 1000.0, 1000.0, 1000.0;
  const MatrixXd l = nabla::row_log_sum_exp(Mat(x)).value();
  CHECK(l(0) == doctest::Approx(std::log(4.0)));
  CHECK(l(1) == doctest::Approx(1000.0 + std::log(4.0)));
  // Equal entries: the gradient of each row's lse is the uniform softmax 1/n.
  const MatrixXd g =
      nabla::gradient([](const Mat& m) { return nabla::sum(nabla::row_log_sum_exp(m)); }, x);
  CHECK((g - MatrixXd::Constant(2, 4, 0.25)).norm() <= 1e-12);  // 1000 + log 4 rounds at 1e-13
  const MatrixXd r = random_matrix(3, 1, 201);
  CHECK(mat_check::fd_error([&](const Mat& m) { return nabla::dot(nabla::row_log_sum_exp(m), r); },
                            random_matrix(3, 5, 202, -2.0, 2.0)) <= 1e-7);
}

TEST_CASE("softmax rows sum to 1, log_softmax is its log, both shift-invariant per row") {
  const MatrixXd x = random_matrix(4, 3, 211, -3.0, 3.0);
  const MatrixXd s = nabla::softmax(Mat(x)).value();
  const MatrixXd ls = nabla::log_softmax(Mat(x)).value();
  CHECK((s.rowwise().sum() - VectorXd::Ones(4)).norm() <= 1e-15);
  CHECK((ls.array().exp().matrix() - s).norm() <= 1e-15);
  // Adding a constant to a row changes nothing.
  const MatrixXd shifted = x.colwise() + VectorXd::LinSpaced(4, -5.0, 5.0);
  CHECK((nabla::softmax(Mat(shifted)).value() - s).norm() <= 1e-14);
  // Σⱼ softmax_ij = 1 for every input: the gradient of its total is zero.
  const MatrixXd g = nabla::gradient([](const Mat& m) { return nabla::sum(nabla::softmax(m)); }, x);
  CHECK(g.norm() <= 1e-14);
  const MatrixXd r = random_matrix(4, 3, 212);
  CHECK(mat_check::fd_error([&](const Mat& m) { return nabla::dot(nabla::softmax(m), r); }, x) <=
        1e-7);
  CHECK(mat_check::fd_error([&](const Mat& m) { return nabla::dot(nabla::log_softmax(m), r); },
                            x) <= 1e-7);
}
