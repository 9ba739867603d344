// Slicing and concatenation (slicing.cpp) against the element-wise path and finite differences.
#include <doctest/doctest.h>

#include <cmath>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix.hpp>

#include "mat_check.hpp"

using Eigen::MatrixXd;
using mat_check::check_op;
using mat_check::map;
using mat_check::random_matrix;
using mat_check::weighted_sum;
using nabla::Mat;
using nabla::MatrixXv;
using nabla::Var;

TEST_CASE("slicing and concatenation") {
  const MatrixXd x = random_matrix(4, 5, 41);
  const MatrixXd r23 = random_matrix(2, 3, 42);
  const MatrixXd r = random_matrix(4, 10, 43);
  const MatrixXd rv = random_matrix(8, 5, 44);
  check_op(
      "block", [&](const Mat& m) { return nabla::dot(m.block(1, 2, 2, 3), r23); },
      [&](const MatrixXv& m) { return weighted_sum(MatrixXv(m.block(1, 2, 2, 3)), r23); }, x);
  check_op(
      "row + col",
      [&](const Mat& m) { return nabla::sum(nabla::square(m.row(2))) + nabla::sum(m.col(4)); },
      [&](const MatrixXv& m) { return m.row(2).squaredNorm() + m.col(4).sum(); }, x);
  const MatrixXd v = random_matrix(6, 1, 45);
  check_op(
      "segments (Rosenbrock)",
      [&](const Mat& m) {
        const Mat a = m.segment(1, 5) - nabla::square(m.head(5));
        const Mat b = 1.0 - m.head(5);
        return 100.0 * nabla::squared_norm(a) + nabla::squared_norm(b);
      },
      [&](const MatrixXv& m) {
        Var s = 0.0;
        for (int i = 0; i < 5; ++i)
          s = s + 100.0 * (m(i + 1) - m(i) * m(i)) * (m(i + 1) - m(i) * m(i)) +
              (1.0 - m(i)) * (1.0 - m(i));
        return s;
      },
      v);
  const MatrixXd r10 = random_matrix(10, 2, 46);
  check_op(
      "reshape",
      [&](const Mat& m) { return nabla::dot(nabla::reshape(nabla::square(m), 10, 2), r10); },
      [&](const MatrixXv& m) {
        return weighted_sum(MatrixXv(m.cwiseProduct(m)).reshaped(10, 2), r10);
      },
      x);
  check_op(
      "hcat", [&](const Mat& m) { return nabla::dot(nabla::hcat(m, nabla::exp(m)), r); },
      [&](const MatrixXv& m) {
        MatrixXv c(4, 10);
        c << m, map(m, [](const Var& e) { return exp(e); });
        return weighted_sum(c, r);
      },
      x);
  check_op(
      "vcat",
      [&](const Mat& m) {
        return nabla::dot(nabla::vcat({m, Mat(x), m}).block(0, 0, 8, 5), rv);
      },
      [&](const MatrixXv& m) {
        MatrixXv c(8, 5);
        c << m, x.cast<Var>();
        return weighted_sum(c, rv);
      },
      x);
}
