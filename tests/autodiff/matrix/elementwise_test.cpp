// Element-wise functions (elementwise.cpp): each against the scalar rule table and finite
// differences, and the minimum-norm subgradient at kinks.
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

TEST_CASE("element-wise functions use the scalar rule table") {
  const MatrixXd x = random_matrix(3, 3, 21, -2.0, 2.0);
  const MatrixXd pos = random_matrix(3, 3, 22, 0.2, 3.0);
  const MatrixXd r = random_matrix(3, 3, 23);
  auto ws = [&](const Mat& m) { return nabla::dot(m, r); };
#define NABLA_CHECK_UNARY(fn, point)                                        \
  check_op(                                                                 \
      #fn, [&](const Mat& m) { return ws(nabla::fn(m)); },                  \
      [&](const MatrixXv& m) {                                              \
        return weighted_sum(map(m, [](const Var& e) { return fn(e); }), r); \
      },                                                                    \
      point);
  NABLA_CHECK_UNARY(exp, x)
  NABLA_CHECK_UNARY(log, pos)
  NABLA_CHECK_UNARY(log1p, pos)
  NABLA_CHECK_UNARY(expm1, x)
  NABLA_CHECK_UNARY(sqrt, pos)
  NABLA_CHECK_UNARY(square, x)
  NABLA_CHECK_UNARY(sin, x)
  NABLA_CHECK_UNARY(cos, x)
  NABLA_CHECK_UNARY(tanh, x)
  NABLA_CHECK_UNARY(sigmoid, x)
  NABLA_CHECK_UNARY(softplus, x)
  NABLA_CHECK_UNARY(relu, x)
  NABLA_CHECK_UNARY(abs, x)
#undef NABLA_CHECK_UNARY
  check_op(
      "pow", [&](const Mat& m) { return ws(nabla::pow(m, 2.5)); },
      [&](const MatrixXv& m) {
        return weighted_sum(map(m, [](const Var& e) { return pow(e, 2.5); }), r);
      },
      pos);
  check_op(
      "max with constant", [&](const Mat& m) { return ws(nabla::max(m, 0.3)); },
      [&](const MatrixXv& m) {
        return weighted_sum(map(m, [](const Var& e) { return max(e, 0.3); }), r);
      },
      x);
  check_op(
      "min with constant", [&](const Mat& m) { return ws(nabla::min(m, 0.3)); },
      [&](const MatrixXv& m) {
        return weighted_sum(map(m, [](const Var& e) { return min(e, 0.3); }), r);
      },
      x);
}

TEST_CASE("kinks take the minimum-norm subgradient, as the scalar path") {
  MatrixXd x(1, 3);
  x << -1.0, 0.0, 2.0;
  const MatrixXd gr = nabla::gradient([](const Mat& m) { return nabla::sum(nabla::relu(m)); }, x);
  CHECK(gr(0) == 0.0);
  CHECK(gr(1) == 0.0);  // relu'(0) = 0
  CHECK(gr(2) == 1.0);
  const MatrixXd ga = nabla::gradient([](const Mat& m) { return nabla::sum(nabla::abs(m)); }, x);
  CHECK(ga(0) == -1.0);
  CHECK(ga(1) == 0.0);  // abs'(0) = 0
  CHECK(ga(2) == 1.0);
  // A hinge at the kink agrees with relu(1 − y·s).
  MatrixXd s(1, 3);
  s << 1.0, 0.5, 2.0;
  const MatrixXd y = MatrixXd::Ones(1, 3);
  const MatrixXd gh = nabla::gradient([&](const Mat& m) { return nabla::hinge(m, y); }, s);
  CHECK(gh(0) == 0.0);
  CHECK(gh(1) == doctest::Approx(-1.0 / 3.0));
  CHECK(gh(2) == 0.0);
  // sqrt at 0 with a zero adjoint contributes nothing (no 0·inf = NaN).
  MatrixXd z(1, 2);
  z << 0.0, 4.0;
  const MatrixXd gs =
      nabla::gradient([](const Mat& m) { return nabla::sum(nabla::sqrt(m).block(0, 1, 1, 1)); }, z);
  CHECK(gs(0) == 0.0);
  CHECK(gs(1) == doctest::Approx(0.25));
}
