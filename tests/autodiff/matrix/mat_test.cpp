// Matrix nodes: every operation against central finite differences and against the same
// function written element by element with MatrixXv (the two paths must agree to 1e-12).
#include <doctest/doctest.h>

#include <cmath>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/hessian.hpp>
#include <nabla/autodiff/functional/jvp.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <nabla/autodiff/matrix/user_function.hpp>
#include <random>
#include <string>

using Eigen::MatrixXd;
using Eigen::VectorXd;
using nabla::Mat;
using nabla::MatrixXv;
using nabla::Var;
using nabla::VectorXv;

namespace {

MatrixXd random_matrix(Eigen::Index r, Eigen::Index c, unsigned seed, double lo = -1.0,
                       double hi = 1.0) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  MatrixXd m(r, c);
  for (Eigen::Index k = 0; k < m.size(); ++k) m(k) = u(gen);
  return m;
}

// Σ e(k)·w(k) on the element-wise path.
Var weighted_sum(const MatrixXv& e, const MatrixXd& w) {
  REQUIRE(e.rows() == w.rows());
  REQUIRE(e.cols() == w.cols());
  Var s = 0.0;
  for (Eigen::Index k = 0; k < e.size(); ++k) s = s + e(k) * w(k);
  return s;
}

template <class F>
MatrixXv map(const MatrixXv& m, F f) {
  MatrixXv r(m.rows(), m.cols());
  for (Eigen::Index k = 0; k < m.size(); ++k) r(k) = f(m(k));
  return r;
}

double relative(double a, double b) { return std::abs(a - b) / std::max(1.0, std::abs(b)); }

// fm: const Mat& -> Var (matrix path); fv: const MatrixXv& -> Var (element-wise path).
template <class FM, class FV>
void check_op(const std::string& name, FM fm, FV fv, const MatrixXd& x, double fd_tol = 1e-6) {
  CAPTURE(name);
  const auto [v1, g1] = nabla::value_and_gradient(fm, x);
  REQUIRE(g1.rows() == x.rows());
  REQUIRE(g1.cols() == x.cols());
  auto fvec = [&](const VectorXv& xv) {
    const MatrixXv m = xv.reshaped(x.rows(), x.cols());
    return fv(m);
  };
  const auto [v2, g2] = nabla::value_and_gradient(fvec, VectorXd(x.reshaped()));
  CHECK(relative(v1, v2) <= 1e-12);
  const double gscale = std::max(1.0, g2.norm());
  CHECK((VectorXd(g1.reshaped()) - g2).norm() / gscale <= 1e-12);
  // Finite differences: on constant Mats every operation folds to a plain value.
  MatrixXd p = x;
  double worst = 0.0;
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    const double h = 1e-6 * std::max(1.0, std::abs(x(k)));
    p(k) = x(k) + h;
    const double up = fm(Mat(p)).value();
    p(k) = x(k) - h;
    const double down = fm(Mat(p)).value();
    p(k) = x(k);
    worst = std::max(worst, std::abs((up - down) / (2 * h) - g1(k)));
  }
  CHECK(worst / gscale <= fd_tol);
}

}  // namespace

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

TEST_CASE("scalar → matrix → scalar graphs and element access") {
  const VectorXd x0 = random_matrix(4, 1, 61);
  auto mixed = [](const VectorXv& x) {
    // Vars into a matrix node, matrix work, a reduction back to Var, scalar work, an element.
    VectorXv s(4);
    for (int i = 0; i < 4; ++i) s[i] = sin(x[i]) * x[(i + 1) % 4];
    const Mat m(s);
    const Mat outer = m * m.transpose();
    const Var t = nabla::sum(nabla::tanh(outer)) * x[0];
    return t + outer(1, 2) * exp(x[3]) + m[0];
  };
  auto elementwise = [](const VectorXv& x) {
    VectorXv s(4);
    for (int i = 0; i < 4; ++i) s[i] = sin(x[i]) * x[(i + 1) % 4];
    Var acc = 0.0;
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) acc = acc + tanh(s[i] * s[j]);
    return acc * x[0] + s[1] * s[2] * exp(x[3]) + s[0];
  };
  const auto [v1, g1] = nabla::value_and_gradient(mixed, x0);
  const auto [v2, g2] = nabla::value_and_gradient(elementwise, x0);
  CHECK(relative(v1, v2) <= 1e-12);
  CHECK((g1 - g2).norm() <= 1e-12 * std::max(1.0, g2.norm()));
  CHECK(nabla::gradcheck(mixed, x0).passed());
  // to_vars: every entry back as a Var.
  auto via_vars = [](const VectorXv& x) {
    const Mat m = Mat(x) * 2.0;
    return m.to_vars().squaredNorm();
  };
  const VectorXd gv = nabla::gradient(via_vars, x0);
  CHECK((gv - 8.0 * x0).norm() <= 1e-14);
}

TEST_CASE("several parameter blocks in one sweep: a small MLP") {
  const MatrixXd X = random_matrix(6, 4, 71);
  const std::vector<int> labels{0, 1, 2, 1, 0, 2};
  const MatrixXd W1 = random_matrix(4, 5, 72);
  const MatrixXd b1 = random_matrix(1, 5, 73);
  const MatrixXd W2 = random_matrix(5, 3, 74);
  const MatrixXd b2 = random_matrix(1, 3, 75);
  auto loss = [&](const Mat& w1, const Mat& c1, const Mat& w2, const Mat& c2) {
    const Mat h = nabla::tanh(X * w1 + c1);
    return nabla::cross_entropy(h * w2 + c2, labels) + 1e-2 * nabla::squared_norm(w1);
  };
  const auto [value, g] = nabla::value_and_gradients(loss, W1, b1, W2, b2);
  CHECK(g[0].rows() == 4);
  CHECK(g[0].cols() == 5);
  CHECK(g[1].rows() == 1);
  // Against the packed element-wise version.
  auto packed = [&](const VectorXv& p) {
    Eigen::Index at = 0;
    auto take = [&](Eigen::Index r, Eigen::Index c) {
      MatrixXv m = p.segment(at, r * c).reshaped(r, c);
      at += r * c;
      return m;
    };
    const MatrixXv w1 = take(4, 5), c1 = take(1, 5), w2 = take(5, 3), c2 = take(1, 3);
    MatrixXv h = X.cast<Var>() * w1;
    for (Eigen::Index i = 0; i < h.rows(); ++i)
      for (Eigen::Index j = 0; j < h.cols(); ++j) h(i, j) = tanh(h(i, j) + c1(0, j));
    MatrixXv z = h * w2;
    Var s = 0.0;
    for (Eigen::Index i = 0; i < z.rows(); ++i) {
      Var e = 0.0;
      for (Eigen::Index j = 0; j < z.cols(); ++j) e = e + exp(z(i, j) + c2(0, j));
      s = s + log(e) -
          (z(i, labels[static_cast<std::size_t>(i)]) + c2(0, labels[static_cast<std::size_t>(i)]));
    }
    return s / 6.0 + 1e-2 * w1.squaredNorm();
  };
  VectorXd p(20 + 5 + 15 + 3);
  p << W1.reshaped(), b1.reshaped(), W2.reshaped(), b2.reshaped();
  const auto [v2, g2] = nabla::value_and_gradient(packed, p);
  VectorXd g1(p.size());
  g1 << g[0].reshaped(), g[1].reshaped(), g[2].reshaped(), g[3].reshaped();
  CHECK(relative(value, v2) <= 1e-12);
  CHECK((g1 - g2).norm() <= 1e-12 * std::max(1.0, g2.norm()));
  const auto [gw1, gb1, gw2, gb2] = nabla::gradients(loss, W1, b1, W2, b2);
  CHECK((gw2 - g[2]).norm() == 0.0);
  (void)gw1;
  (void)gb1;
  (void)gb2;
}

TEST_CASE("jacobian of a matrix function") {
  const MatrixXd x = random_matrix(2, 3, 81);
  const MatrixXd a = random_matrix(3, 3, 82);
  auto f = [&](const Mat& m) { return nabla::tanh(m * a); };
  const MatrixXd j = nabla::jacobian(f, x);
  REQUIRE(j.rows() == 6);
  REQUIRE(j.cols() == 6);
  MatrixXd p = x;
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    const double h = 1e-6;
    p(k) = x(k) + h;
    const MatrixXd up = f(Mat(p)).value();
    p(k) = x(k) - h;
    const MatrixXd down = f(Mat(p)).value();
    p(k) = x(k);
    const VectorXd col = (up - down).reshaped() / (2 * h);
    CHECK((j.col(k) - col).norm() <= 1e-8);
  }
}

TEST_CASE("a second sweep starts from zero; matrix records mix with manual tapes") {
  nabla::Tape tape;
  nabla::TapeScope scope(tape);
  const MatrixXd x0 = random_matrix(3, 2, 91);
  const Mat x = nabla::variable(x0);
  const Var y = nabla::sum(nabla::exp(x)) + nabla::squared_norm(x * 2.0);
  tape.reverse(y);
  const MatrixXd g1 = nabla::gradient_of(x);
  tape.reverse(y);
  const MatrixXd g2 = nabla::gradient_of(x);
  const MatrixXd expected = x0.array().exp().matrix() + 8.0 * x0;
  CHECK((g1 - expected).norm() <= 1e-13);
  CHECK((g2 - expected).norm() <= 1e-13);
}

TEST_CASE("shape errors name the operation and both shapes") {
  nabla::Tape tape;
  nabla::TapeScope scope(tape);
  const Mat a = nabla::variable(MatrixXd::Ones(2, 3));
  const Mat b = nabla::variable(MatrixXd::Ones(2, 3));
  try {
    (void)(a * b);
    FAIL("no ShapeError");
  } catch (const nabla::ShapeError& e) {
    const std::string msg = e.what();
    CHECK(msg.find("matmul") != std::string::npos);
    CHECK(msg.find("2×3 and 2×3") != std::string::npos);
  }
  CHECK_THROWS_AS((void)(a + Mat(MatrixXd::Ones(3, 3))), nabla::ShapeError);
  CHECK_THROWS_AS((void)nabla::mse(a, MatrixXd::Ones(3, 2)), nabla::ShapeError);
  CHECK_THROWS_AS((void)nabla::trace(a), nabla::ShapeError);
  CHECK_THROWS_AS((void)a.block(1, 1, 2, 2), nabla::ShapeError);
  CHECK_THROWS_AS((void)nabla::cross_entropy(a, std::vector<int>{0, 3}), nabla::ShapeError);
  CHECK_THROWS_AS((void)nabla::hcat(a, Mat(MatrixXd::Ones(3, 1))), nabla::ShapeError);
  CHECK_THROWS_AS((void)a(2, 0), nabla::ShapeError);
}

TEST_CASE("a Mat used after its tape is gone throws") {
  Mat kept;
  (void)nabla::gradient(
      [&](const Mat& m) {
        kept = m * 2.0;
        return nabla::sum(m);
      },
      MatrixXd::Ones(2, 2));
  CHECK_THROWS_AS((void)kept.value(), nabla::TapeMismatchError);
  CHECK_THROWS_AS((void)nabla::sum(kept), nabla::Error);
}

TEST_CASE("second order and forward mode through matrix records") {
  const MatrixXd a = random_matrix(3, 4, 101);
  const MatrixXd y = random_matrix(3, 1, 102);
  const std::vector<int> labels{1, 0};
  auto matrix_path = [&](const VectorXv& x) {
    const Mat m(x);  // 4×1
    const Mat z = a * m;
    const Mat zz = nabla::reshape(z.head(2) * 1.5 + nabla::tanh(z.segment(1, 2)), 1, 2);
    return nabla::mse(z, y) + nabla::sum(nabla::tanh(nabla::cwise_product(m, m) / (m + 3.0))) +
           nabla::cross_entropy(nabla::vcat(zz, nabla::transpose(z.tail(2))), labels) +
           nabla::dot(m, nabla::exp(m)) * 0.1 + nabla::squared_norm(m.transpose() * a.transpose());
  };
  auto element_path = [&](const VectorXv& x) {
    const VectorXv z = a.cast<Var>() * x;
    Var s = 0.0;
    for (int i = 0; i < 3; ++i) s = s + (z[i] - y(i)) * (z[i] - y(i)) / 3.0;
    for (int i = 0; i < 4; ++i) s = s + tanh(x[i] * x[i] / (x[i] + 3.0));
    const Var r0[2] = {z[0] * 1.5 + tanh(z[1]), z[1] * 1.5 + tanh(z[2])};
    const Var r1[2] = {z[1], z[2]};
    s = s + (log(exp(r0[0]) + exp(r0[1])) - r0[1] + log(exp(r1[0]) + exp(r1[1])) - r1[0]) / 2.0;
    for (int i = 0; i < 4; ++i) s = s + 0.1 * x[i] * exp(x[i]);
    return s + z.squaredNorm();
  };
  const VectorXd x0 = random_matrix(4, 1, 103);
  const MatrixXd h1 = nabla::hessian(matrix_path, x0);
  const MatrixXd h2 = nabla::hessian(element_path, x0);
  CHECK((h1 - h2).norm() <= 1e-11 * std::max(1.0, h2.norm()));
  const VectorXd v = random_matrix(4, 1, 104);
  const VectorXd j1 = nabla::jvp(matrix_path, x0, v);
  const VectorXd g2 = nabla::gradient(element_path, x0);
  CHECK(std::abs(j1[0] - g2.dot(v)) <= 1e-12 * std::max(1.0, std::abs(g2.dot(v))));
  // An operation without second-order support (a custom matrix function: value and VJP only)
  // says so.
  const auto twice = nabla::matrix_function<1>(
      "twice", [](const MatrixXd& m) -> MatrixXd { return 2.0 * m; },
      [](const MatrixXd& dc, const MatrixXd& /*c*/, const MatrixXd& /*m*/) -> MatrixXd {
        return 2.0 * dc;
      });
  CHECK_THROWS_AS(
      (void)nabla::hessian([&](const VectorXv& x) { return nabla::sum(twice(Mat(x))); }, x0),
      nabla::Error);
}
