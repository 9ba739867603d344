// Matrix arithmetic (arithmetic.cpp): the product, element-wise + − ⊙ ÷ with broadcasting,
// scalar operands and transpose, against the element-wise path and finite differences.
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

TEST_CASE("matrix product against element-wise and finite differences") {
  const MatrixXd x = random_matrix(3, 4, 1);
  const MatrixXd a = random_matrix(2, 3, 2);
  const MatrixXd b = random_matrix(4, 5, 3);
  const MatrixXd r25 = random_matrix(2, 4, 4);
  const MatrixXd r35 = random_matrix(3, 5, 5);
  const MatrixXd r33 = random_matrix(3, 3, 6);
  check_op(
      "A·X", [&](const Mat& m) { return nabla::dot(a * m, r25); },
      [&](const MatrixXv& m) { return weighted_sum(MatrixXv(a.cast<Var>() * m), r25); }, x);
  check_op(
      "X·B", [&](const Mat& m) { return nabla::dot(m * b, r35); },
      [&](const MatrixXv& m) { return weighted_sum(MatrixXv(m * b.cast<Var>()), r35); }, x);
  check_op(
      "X·Xᵀ", [&](const Mat& m) { return nabla::dot(m * m.transpose(), r33); },
      [&](const MatrixXv& m) { return weighted_sum(MatrixXv(m * m.transpose()), r33); }, x);
  const MatrixXd v = random_matrix(4, 1, 7);
  check_op(
      "matrix·vector", [&](const Mat& w) { return nabla::sum(nabla::Mat(a * x) * w); },
      [&](const MatrixXv& w) { return MatrixXv(MatrixXd(a * x).cast<Var>() * w).sum(); }, v);
}

TEST_CASE("element-wise arithmetic, broadcasting and scalars") {
  const MatrixXd x = random_matrix(3, 4, 11);
  const MatrixXd y = random_matrix(3, 4, 12);
  const MatrixXd row = random_matrix(1, 4, 13);
  const MatrixXd col = random_matrix(3, 1, 14);
  const MatrixXd r = random_matrix(3, 4, 15);
  const MatrixXd pos = random_matrix(3, 4, 16, 0.5, 2.0);
  auto ws = [&](const Mat& m) { return nabla::dot(m, r); };
  check_op(
      "X + Y", [&](const Mat& m) { return ws(m + y); },
      [&](const MatrixXv& m) { return weighted_sum(m + y.cast<Var>(), r); }, x);
  check_op(
      "Y − X", [&](const Mat& m) { return ws(y - m); },
      [&](const MatrixXv& m) { return weighted_sum(y.cast<Var>() - m, r); }, x);
  check_op(
      "X ⊙ X", [&](const Mat& m) { return ws(nabla::cwise_product(m, m)); },
      [&](const MatrixXv& m) { return weighted_sum(m.cwiseProduct(m), r); }, x);
  check_op(
      "X ÷ (X² + 1)", [&](const Mat& m) { return ws(m / (nabla::square(m) + 1.0)); },
      [&](const MatrixXv& m) {
        return weighted_sum(map(m, [](const Var& e) { return e / (e * e + 1.0); }), r);
      },
      x);
  check_op(
      "X + row", [&](const Mat& m) { return ws(m + row); },
      [&](const MatrixXv& m) {
        MatrixXv e = m;
        for (int i = 0; i < 3; ++i)
          for (int j = 0; j < 4; ++j) e(i, j) = m(i, j) + row(0, j);
        return weighted_sum(e, r);
      },
      x);
  // The broadcast operand is the variable: its adjoint sums over the broadcast dimension.
  check_op(
      "Y ⊙ row variable", [&](const Mat& m) { return ws(nabla::cwise_product(Mat(y), m)); },
      [&](const MatrixXv& m) {
        MatrixXv e(3, 4);
        for (int i = 0; i < 3; ++i)
          for (int j = 0; j < 4; ++j) e(i, j) = y(i, j) * m(0, j);
        return weighted_sum(e, r);
      },
      row);
  check_op(
      "Y ÷ column variable", [&](const Mat& m) { return ws(Mat(y) / (nabla::square(m) + 1.0)); },
      [&](const MatrixXv& m) {
        MatrixXv e(3, 4);
        for (int i = 0; i < 3; ++i)
          for (int j = 0; j < 4; ++j) e(i, j) = y(i, j) / (m(i, 0) * m(i, 0) + 1.0);
        return weighted_sum(e, r);
      },
      col);
  check_op(
      "doubles", [&](const Mat& m) { return ws(2.5 - (m * 3.0 + 1.0) / 2.0 - (-m)); },
      [&](const MatrixXv& m) {
        return weighted_sum(map(m, [](const Var& e) { return 2.5 - (e * 3.0 + 1.0) / 2.0 + e; }),
                            r);
      },
      x);
  check_op(
      "c ÷ X", [&](const Mat& m) { return ws(2.0 / m); },
      [&](const MatrixXv& m) {
        return weighted_sum(map(m, [](const Var& e) { return 2.0 / e; }), r);
      },
      pos);
  // A Var scale factor computed from the same variables: scalar → matrix → scalar.
  check_op(
      "Var broadcast",
      [&](const Mat& m) {
        const Var s = nabla::sum(m);
        return ws((m * s + s) / (s * s + 1.0) - s);
      },
      [&](const MatrixXv& m) {
        const Var s = m.sum();
        return weighted_sum(map(m, [&](const Var& e) { return (e * s + s) / (s * s + 1.0) - s; }),
                            r);
      },
      x);
  check_op(
      "Var ÷ X", [&](const Mat& m) { return ws(nabla::sum(m) / m); },
      [&](const MatrixXv& m) {
        const Var s = m.sum();
        return weighted_sum(map(m, [&](const Var& e) { return s / e; }), r);
      },
      pos);
  const MatrixXd rt = r.transpose();
  check_op(
      "transpose", [&](const Mat& m) { return nabla::dot(nabla::transpose(m), rt); },
      [&](const MatrixXv& m) { return weighted_sum(m.transpose(), rt); }, x);
}
