// The Mat type and its records (mat.cpp): mixed scalar/matrix graphs, element access, several
// parameter blocks, jacobians, repeated sweeps, shape and tape errors, second order end to end.
#include <doctest/doctest.h>

#include <cmath>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/hessian.hpp>
#include <nabla/autodiff/functional/jvp.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <nabla/autodiff/matrix/user_function.hpp>
#include <string>
#include <vector>

#include "mat_check.hpp"

using Eigen::MatrixXd;
using Eigen::VectorXd;
using mat_check::random_matrix;
using mat_check::relative;
using nabla::Mat;
using nabla::MatrixXv;
using nabla::Var;
using nabla::VectorXv;

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

TEST_CASE(
    "a Mat kept past its gradient call: every use throws once the tape is reused (defect 3)") {
  // The second call reuses the pooled tape and frees the first call's nodes: a shape query that
  // read the node would be a use after free (AddressSanitizer reported it).
  Mat kept;
  auto keep = [&](const Mat& m) {
    kept = m * 2.0;
    return nabla::sum(m);
  };
  (void)nabla::gradient(keep, MatrixXd::Ones(3, 1));
  const Mat stale = kept;
  (void)nabla::gradient([](const Mat& m) { return nabla::sum(m * m); }, MatrixXd::Ones(5, 5));
  CHECK_THROWS_WITH_AS((void)stale.rows(), doctest::Contains("rows()"), nabla::TapeMismatchError);
  CHECK_THROWS_AS((void)stale.cols(), nabla::TapeMismatchError);
  CHECK_THROWS_AS((void)stale.size(), nabla::TapeMismatchError);
  CHECK_THROWS_AS((void)stale.block(0, 0, 1, 1), nabla::TapeMismatchError);
  CHECK_THROWS_AS((void)stale.segment(0, 1), nabla::TapeMismatchError);
  CHECK_THROWS_AS((void)stale.head(1), nabla::TapeMismatchError);
  CHECK_THROWS_AS((void)nabla::reshape(stale, 1, 3), nabla::TapeMismatchError);
  CHECK_THROWS_AS((void)stale(0, 0), nabla::TapeMismatchError);
  // Inside another recording too: the active tape is not the Mat's.
  (void)nabla::gradient(
      [&](const Mat& m) {
        CHECK_THROWS_AS((void)stale.rows(), nabla::TapeMismatchError);
        CHECK_THROWS_AS((void)(m + stale), nabla::TapeMismatchError);
        return nabla::sum(m);
      },
      MatrixXd::Ones(3, 1));
  // A constant Mat has no tape: its shape stays readable anywhere.
  const Mat c(MatrixXd::Ones(2, 3));
  CHECK(c.rows() == 2);
  CHECK(c.cols() == 3);
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
