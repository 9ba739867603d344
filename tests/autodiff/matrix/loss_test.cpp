// Losses (loss.cpp) against the element-wise path, finite differences and a closed form.
#include <doctest/doctest.h>

#include <cmath>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <vector>

#include "mat_check.hpp"

using Eigen::MatrixXd;
using mat_check::check_op;
using mat_check::random_matrix;
using nabla::Mat;
using nabla::MatrixXv;
using nabla::Var;

TEST_CASE("losses") {
  const MatrixXd z = random_matrix(5, 3, 51, -3.0, 3.0);
  const MatrixXd y01 = (random_matrix(5, 3, 52).array() > 0).cast<double>();
  const MatrixXd ypm = 2.0 * y01.array() - 1.0;
  const std::vector<int> labels{0, 2, 1, 1, 0};
  const MatrixXd target = random_matrix(5, 3, 53);
  check_op(
      "mse", [&](const Mat& m) { return nabla::mse(m, target); },
      [&](const MatrixXv& m) { return (m - target.cast<Var>()).squaredNorm() / 15.0; }, z);
  check_op(
      "binary_cross_entropy_with_logits",
      [&](const Mat& m) { return nabla::binary_cross_entropy_with_logits(m, y01); },
      [&](const MatrixXv& m) {
        Var s = 0.0;
        for (Eigen::Index k = 0; k < m.size(); ++k) s = s + softplus(m(k)) - y01(k) * m(k);
        return s / 15.0;
      },
      z);
  check_op(
      "cross_entropy", [&](const Mat& m) { return nabla::cross_entropy(m, labels); },
      [&](const MatrixXv& m) {
        Var s = 0.0;
        for (Eigen::Index i = 0; i < 5; ++i) {
          Var e = 0.0;
          for (Eigen::Index j = 0; j < 3; ++j) e = e + exp(m(i, j));
          s = s + log(e) - m(i, labels[static_cast<std::size_t>(i)]);
        }
        return s / 5.0;
      },
      z);
  check_op(
      "hinge", [&](const Mat& m) { return nabla::hinge(m, ypm); },
      [&](const MatrixXv& m) {
        Var s = 0.0;
        for (Eigen::Index k = 0; k < m.size(); ++k) s = s + max(0.0, 1.0 - ypm(k) * m(k));
        return s / 15.0;
      },
      z);
  // Closed form: cross-entropy of uniform logits is log k.
  CHECK(nabla::cross_entropy(Mat(MatrixXd::Zero(4, 7)), std::vector<int>{0, 1, 2, 6}).value() ==
        doctest::Approx(std::log(7.0)));
}
