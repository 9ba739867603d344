// Forward mode (jvp) and second order (hvp, hessian) through the matrix operations whose
// tangent and dual hooks are closed forms: norm, log_sum_exp, the axis reductions and
// (log-)softmax, c ÷ A, hinge, binary cross-entropy, solve, log_det, the sparse product,
// batch_norm and dropout.
// Each is checked against central differences of the value and of the gradient, against
// gradient·v, and (where it can be written) against the same function written element by
// element with Var, whose derivatives come from the scalar rule table.
#include <doctest/doctest.h>

#include <Eigen/LU>
#include <cmath>
#include <functional>
#include <memory>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/core/mode.hpp>
#include <nabla/autodiff/functional/hessian.hpp>
#include <nabla/autodiff/functional/hvp.hpp>
#include <nabla/autodiff/functional/jvp.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <nabla/autodiff/matrix/dropout.hpp>
#include <nabla/autodiff/matrix/normalization.hpp>
#include <nabla/autodiff/matrix/solve.hpp>
#include <nabla/autodiff/matrix/sparse.hpp>
#include <nabla/autodiff/matrix/user_function.hpp>
#include <random>
#include <string>
#include <vector>

using Eigen::MatrixXd;
using Eigen::VectorXd;
using nabla::Mat;
using nabla::MatrixXv;
using nabla::Var;
using nabla::VectorXv;

namespace {

using Fn = std::function<Var(const VectorXv&)>;

MatrixXd random_matrix(Eigen::Index r, Eigen::Index c, unsigned seed, double lo = -1.0,
                       double hi = 1.0) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  MatrixXd m(r, c);
  for (Eigen::Index k = 0; k < m.size(); ++k) m(k) = u(gen);
  return m;
}

VectorXd random_vector(Eigen::Index n, unsigned seed) { return random_matrix(n, 1, seed).col(0); }

// Entries [offset, offset + r·c) of x as an r×c matrix node (column-major, like Eigen).
Mat block_of(const VectorXv& x, Eigen::Index offset, Eigen::Index r, Eigen::Index c) {
  return nabla::reshape(Mat(VectorXv(x.segment(offset, r * c))), r, c);
}
MatrixXv vars_of(const VectorXv& x, Eigen::Index offset, Eigen::Index r, Eigen::Index c) {
  return x.segment(offset, r * c).reshaped(r, c);
}

double value_at(const Fn& f, const VectorXd& x) { return nabla::value_and_gradient(f, x).first; }

// The outer loss used on matrix-valued operations: linear and quadratic parts, so both the
// value and the tangent parts of the dual adjoints reach the operation.
Var outer(const Mat& y, const MatrixXd& r) {
  return nabla::dot(y, r) + 0.5 * nabla::squared_norm(y);
}
Var outer(const MatrixXv& y, const MatrixXd& r) {
  Var s = 0.0;
  for (Eigen::Index k = 0; k < y.size(); ++k) s = s + y(k) * r(k) + 0.5 * y(k) * y(k);
  return s;
}

// (a) jvp against gradient·v and central differences of the value; (b) hvp against central
// differences of the gradient and hessian·v; the Hessian symmetric; with an element-wise
// twin fe, its Hessian and jvp equal to 1e-10 relative.
void check_case(const std::string& name, const Fn& f, const Fn& fe, const VectorXd& x,
                unsigned seed) {
  CAPTURE(name);
  const VectorXd v = random_vector(x.size(), seed);
  const double h = 1e-5;

  const double jv = nabla::jvp(f, x, v)[0];
  const VectorXd g = nabla::gradient(f, x);
  CHECK(std::abs(jv - g.dot(v)) <= 1e-12 * std::max(1.0, std::abs(jv)));
  const double fd_value = (value_at(f, x + h * v) - value_at(f, x - h * v)) / (2 * h);
  CHECK(std::abs(jv - fd_value) <= 1e-7 * std::max(1.0, std::abs(jv)));

  const VectorXd hv = nabla::hvp(f, x, v);
  const VectorXd fd_grad =
      (nabla::gradient(f, x + h * v) - nabla::gradient(f, x - h * v)) / (2 * h);
  REQUIRE(hv.norm() > 1e-3);  // a case whose Hessian does not vanish along v
  CHECK((hv - fd_grad).norm() <= 1e-6 * hv.norm());

  const MatrixXd hm = nabla::hessian(f, x);
  CHECK((hm - hm.transpose()).norm() <= 1e-12 * hm.norm());
  CHECK((hm * v - hv).norm() <= 1e-12 * hv.norm());

  if (fe) {
    const MatrixXd he = nabla::hessian(fe, x);
    CHECK((hm - he).norm() <= 1e-10 * he.norm());
    const double je = nabla::jvp(fe, x, v)[0];
    CHECK(std::abs(jv - je) <= 1e-10 * std::max(1.0, std::abs(je)));
  }
}

// Element-wise log Σ exp over a row (or a whole matrix), max-shifted like the node.
Var lse_of(const std::vector<Var>& xs) {
  double m = xs[0].value();
  for (const Var& x : xs) m = std::max(m, x.value());
  Var s = 0.0;
  for (const Var& x : xs) s = s + exp(x - m);
  return m + log(s);
}
std::vector<Var> row_of(const MatrixXv& a, Eigen::Index i) {
  std::vector<Var> r;
  for (Eigen::Index j = 0; j < a.cols(); ++j) r.push_back(a(i, j));
  return r;
}

// det and inverse of a 3×3 Var matrix by cofactors (no pivoting: a smooth element-wise twin).
Var det3(const MatrixXv& a) {
  return a(0, 0) * (a(1, 1) * a(2, 2) - a(1, 2) * a(2, 1)) -
         a(0, 1) * (a(1, 0) * a(2, 2) - a(1, 2) * a(2, 0)) +
         a(0, 2) * (a(1, 0) * a(2, 1) - a(1, 1) * a(2, 0));
}
MatrixXv inverse3(const MatrixXv& a) {
  const Var d = det3(a);
  MatrixXv inv(3, 3);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      // cofactor C_ji / det
      const int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
      inv(i, j) = (a(r0, c0) * a(r1, c1) - a(r0, c1) * a(r1, c0)) / d;
    }
  return inv;
}

}  // namespace

TEST_CASE("norm and log_sum_exp: forward mode and Hessians") {
  const Eigen::Index r = 3, c = 2;
  const VectorXd x = random_vector(r * c, 11);
  check_case(
      "norm", [&](const VectorXv& p) { return nabla::norm(block_of(p, 0, r, c)); },
      [&](const VectorXv& p) { return sqrt(p.squaredNorm()); }, x, 12);
  check_case(
      "log_sum_exp",
      [&](const VectorXv& p) { return nabla::log_sum_exp(block_of(p, 0, r, c) * 3.0); },
      [&](const VectorXv& p) {
        std::vector<Var> xs;
        for (Eigen::Index k = 0; k < p.size(); ++k) xs.push_back(3.0 * p[k]);
        return lse_of(xs);
      },
      x, 13);
  // Closed form: the Hessian of ‖x‖ is (I − x̂x̂ᵀ)/‖x‖, that of lse is diag(s) − ssᵀ.
  const MatrixXd hn = nabla::hessian([](const VectorXv& p) { return nabla::norm(Mat(p)); }, x);
  const VectorXd u = x / x.norm();
  const MatrixXd hn_exact = (MatrixXd::Identity(x.size(), x.size()) - u * u.transpose()) / x.norm();
  CHECK((hn - hn_exact).norm() <= 1e-13 * hn_exact.norm());
  const MatrixXd hl =
      nabla::hessian([](const VectorXv& p) { return nabla::log_sum_exp(Mat(p)); }, x);
  const VectorXd s =
      (x.array() - x.maxCoeff()).exp().matrix() / (x.array() - x.maxCoeff()).exp().sum();
  const MatrixXd hl_exact = MatrixXd(s.asDiagonal()) - s * s.transpose();
  CHECK((hl - hl_exact).norm() <= 1e-13 * hl_exact.norm());
}

TEST_CASE("norm at 0 follows hypot: subgradient 0 and second-order 0") {
  const VectorXd zero = VectorXd::Zero(2);
  const VectorXd v(VectorXd::Ones(2));
  auto mat_norm = [](const VectorXv& p) { return nabla::norm(Mat(p)); };
  auto scalar_norm = [](const VectorXv& p) { return hypot(p[0], p[1]); };
  CHECK(nabla::gradient(mat_norm, zero) == nabla::gradient(scalar_norm, zero));
  CHECK(nabla::jvp(mat_norm, zero, v) == nabla::jvp(scalar_norm, zero, v));
  CHECK(nabla::hvp(mat_norm, zero, v) == nabla::hvp(scalar_norm, zero, v));
  CHECK(nabla::hvp(mat_norm, zero, v) == VectorXd::Zero(2));
}

TEST_CASE("axis reductions, softmax and log_softmax: forward mode and Hessians") {
  const Eigen::Index r = 3, c = 4;
  const VectorXd x = random_vector(r * c, 21) * 2.0;
  using MatOp = Mat (*)(const Mat&);
  struct AxisCase {
    std::string name;
    MatOp op;
    std::function<MatrixXv(const MatrixXv&)> twin;
  };
  auto row_sums = [](const MatrixXv& a) { return MatrixXv(a.rowwise().sum()); };
  auto col_sums = [](const MatrixXv& a) { return MatrixXv(a.colwise().sum()); };
  auto row_means = [](const MatrixXv& a) {
    return MatrixXv(a.rowwise().sum() / static_cast<double>(a.cols()));
  };
  auto col_means = [](const MatrixXv& a) {
    return MatrixXv(a.colwise().sum() / static_cast<double>(a.rows()));
  };
  auto row_lse = [](const MatrixXv& a) {
    MatrixXv out(a.rows(), 1);
    for (Eigen::Index i = 0; i < a.rows(); ++i) out(i, 0) = lse_of(row_of(a, i));
    return out;
  };
  auto log_softmax = [row_lse](const MatrixXv& a) {
    const MatrixXv l = row_lse(a);
    MatrixXv out(a.rows(), a.cols());
    for (Eigen::Index i = 0; i < a.rows(); ++i)
      for (Eigen::Index j = 0; j < a.cols(); ++j) out(i, j) = a(i, j) - l(i, 0);
    return out;
  };
  auto softmax = [log_softmax](const MatrixXv& a) {
    return MatrixXv(log_softmax(a).unaryExpr([](const Var& e) { return exp(e); }));
  };
  const std::vector<AxisCase> cases{
      {"row_sums", &nabla::row_sums, row_sums},
      {"col_sums", &nabla::col_sums, col_sums},
      {"row_means", &nabla::row_means, row_means},
      {"col_means", &nabla::col_means, col_means},
      {"row_log_sum_exp", &nabla::row_log_sum_exp, row_lse},
      {"softmax", &nabla::softmax, softmax},
      {"log_softmax", &nabla::log_softmax, log_softmax},
  };
  unsigned seed = 30;
  for (const AxisCase& k : cases) {
    const MatrixXd probe = MatrixXd(k.op(Mat(MatrixXd::Zero(r, c))).value());
    const MatrixXd w = random_matrix(probe.rows(), probe.cols(), seed++);
    // The operation applied to tanh(A) so that its input's tangent also has curvature.
    check_case(
        k.name,
        [&](const VectorXv& p) { return outer(k.op(nabla::tanh(block_of(p, 0, r, c))), w); },
        [&](const VectorXv& p) {
          const MatrixXv a = vars_of(p, 0, r, c).unaryExpr([](const Var& e) { return tanh(e); });
          return outer(k.twin(a), w);
        },
        x, seed++);
    // And on the parameter directly (a linear op then has a constant Hessian from outer).
    check_case(
        k.name + " (direct)",
        [&](const VectorXv& p) { return outer(k.op(block_of(p, 0, r, c)), w); },
        [&](const VectorXv& p) { return outer(k.twin(vars_of(p, 0, r, c)), w); }, x, seed++);
  }
}

TEST_CASE("c ÷ A: forward mode and Hessians") {
  const Eigen::Index r = 2, c = 3;
  // Entries bounded away from 0, both signs.
  VectorXd x = random_vector(r * c, 41);
  for (Eigen::Index k = 0; k < x.size(); ++k)
    x[k] = (x[k] < 0 ? -1.0 : 1.0) * (0.5 + std::abs(x[k]));
  const MatrixXd w = random_matrix(r, c, 42);
  check_case(
      "const_div", [&](const VectorXv& p) { return outer(2.5 / block_of(p, 0, r, c), w); },
      [&](const VectorXv& p) {
        return outer(MatrixXv(vars_of(p, 0, r, c).unaryExpr([](const Var& e) { return 2.5 / e; })),
                     w);
      },
      x, 43);
  // Closed form along the axes: d²/da² (c/a) = 2c/a³.
  const MatrixXd hm = nabla::hessian([](const VectorXv& p) { return nabla::sum(2.5 / Mat(p)); }, x);
  const VectorXd exact = (5.0 / x.array().cube()).matrix();
  CHECK((MatrixXd(hm) - MatrixXd(exact.asDiagonal())).norm() <= 1e-13 * exact.norm());
}

TEST_CASE("hinge: piecewise linear away from kinks, minimum-norm rule at them") {
  const Eigen::Index r = 4, c = 2;
  const MatrixXd y = (random_matrix(r, c, 51).array() < 0).select(-1.0, MatrixXd::Ones(r, c));
  // Margins 1 − y·s kept at least 0.2 away from 0 on both sides.
  VectorXd x = random_vector(r * c, 52);
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    const double margin = (k % 2 == 0 ? 1.0 : -1.0) * (0.2 + std::abs(x[k]));
    x[k] = (1.0 - margin) / y(k);
  }
  auto twin_hinge = [&](const MatrixXv& s) {
    Var total = 0.0;
    for (Eigen::Index k = 0; k < s.size(); ++k) total = total + relu(1.0 - y(k) * s(k));
    return total / static_cast<double>(s.size());
  };
  // Plain hinge: linear near x, so jvp = gradient·v = central difference, and H = 0 exactly.
  auto plain = [&](const VectorXv& p) { return nabla::hinge(block_of(p, 0, r, c), y); };
  const VectorXd v = random_vector(x.size(), 53);
  const double jv = nabla::jvp(plain, x, v)[0];
  CHECK(std::abs(jv - nabla::gradient(plain, x).dot(v)) <= 1e-15);
  const double h = 1e-3;
  CHECK(std::abs(jv - (value_at(plain, x + h * v) - value_at(plain, x - h * v)) / (2 * h)) <=
        1e-12);
  CHECK(nabla::hvp(plain, x, v) == VectorXd::Zero(x.size()));
  // Composed with a smooth map the curvature comes from the inside (hinge's own is 0).
  const MatrixXd a = random_matrix(r, r, 54) + 2.0 * MatrixXd::Identity(r, r);
  const MatrixXd a_inv = a.inverse();
  // The point where a·4·tanh(S) equals the scores above (same margins, 0.2 from the kinks):
  // tanh(S) = a⁻¹·scores/4, inside (−1, 1).
  const MatrixXd scores = x.reshaped(r, c);
  const MatrixXd th = a_inv * scores * 0.25;
  REQUIRE(th.cwiseAbs().maxCoeff() < 1.0);
  const VectorXd xs = th.array().atanh().matrix().reshaped();
  auto composed = [&](const VectorXv& p) {
    return nabla::hinge(a * (nabla::tanh(block_of(p, 0, r, c)) * 4.0), y);
  };
  auto composed_twin = [&](const VectorXv& p) {
    const MatrixXv t = vars_of(p, 0, r, c).unaryExpr([](const Var& e) { return tanh(e) * 4.0; });
    return twin_hinge(MatrixXv(a.cast<Var>() * t));
  };
  check_case("hinge ∘ a·tanh", composed, composed_twin, xs, 55);

  // At a kink (margin exactly 0) the slope is the minimum-norm subgradient 0 and the second
  // derivative 0, exactly as the scalar relu path; jvp is gradient·v with that subgradient.
  MatrixXd kink = scores;
  kink(0, 0) = y(0, 0);  // 1 − y·s = 0 (y = ±1)
  kink(1, 1) = y(1, 1);
  const VectorXd xk = kink.reshaped();
  auto twin_plain = [&](const VectorXv& p) { return twin_hinge(vars_of(p, 0, r, c)); };
  const VectorXd gk = nabla::gradient(plain, xk);
  CHECK(gk[0] == 0.0);
  CHECK(gk[r + 1] == 0.0);
  CHECK(gk == nabla::gradient(twin_plain, xk));
  CHECK(nabla::jvp(plain, xk, v)[0] == doctest::Approx(gk.dot(v)).epsilon(1e-15));
  CHECK(nabla::jvp(plain, xk, v)[0] ==
        doctest::Approx(nabla::jvp(twin_plain, xk, v)[0]).epsilon(1e-15));
  CHECK(nabla::hessian(plain, xk) == MatrixXd::Zero(x.size(), x.size()));
  CHECK(nabla::hessian(twin_plain, xk) == MatrixXd::Zero(x.size(), x.size()));
}

TEST_CASE("binary cross-entropy with logits: both operands variables") {
  const Eigen::Index r = 3, c = 2, n = r * c;
  VectorXd x(2 * n);
  x << random_vector(n, 61) * 3.0, (random_vector(n, 62).array() + 1.0).matrix() * 0.5;
  auto f = [&](const VectorXv& p) {
    return nabla::binary_cross_entropy_with_logits(block_of(p, 0, r, c), block_of(p, n, r, c));
  };
  auto fe = [&](const VectorXv& p) {
    Var s = 0.0;
    for (Eigen::Index k = 0; k < n; ++k) s = s + softplus(p[k]) - p[n + k] * p[k];
    return s / static_cast<double>(n);
  };
  check_case("bce", f, fe, x, 63);
  // Composed (logits through a product with the targets' tanh), and with constant targets.
  auto g = [&](const VectorXv& p) {
    const Mat z = block_of(p, 0, r, c);
    return nabla::binary_cross_entropy_with_logits(
        nabla::cwise_product(z, nabla::tanh(block_of(p, n, r, c))) * 2.0, nabla::sigmoid(z));
  };
  auto ge = [&](const VectorXv& p) {
    Var s = 0.0;
    for (Eigen::Index k = 0; k < n; ++k) {
      const Var z = p[k] * tanh(p[n + k]) * 2.0;
      s = s + softplus(z) - sigmoid(p[k]) * z;
    }
    return s / static_cast<double>(n);
  };
  check_case("bce composed", g, ge, x, 64);
  // Closed form with constant targets: H = diag(σ(z)(1 − σ(z)))/n.
  const MatrixXd yc = random_matrix(r, c, 65, 0.0, 1.0);
  const VectorXd z0 = x.head(n);
  const MatrixXd hz = nabla::hessian(
      [&](const VectorXv& p) {
        return nabla::binary_cross_entropy_with_logits(block_of(p, 0, r, c), yc);
      },
      z0);
  const VectorXd sg = (1.0 / (1.0 + (-z0.array()).exp())).matrix();
  const VectorXd diag = (sg.array() * (1.0 - sg.array()) / static_cast<double>(n)).matrix();
  CHECK((hz - MatrixXd(diag.asDiagonal())).norm() <= 1e-14);
}

TEST_CASE("solve and log_det: SPD and non-symmetric matrices") {
  const Eigen::Index m = 3, k = 2;
  const MatrixXd q = random_matrix(m, m, 71);
  const MatrixXd spd = q * q.transpose() + 1.5 * MatrixXd::Identity(m, m);
  const MatrixXd nonsym = random_matrix(m, m, 72) + 2.5 * MatrixXd::Identity(m, m);
  REQUIRE((nonsym - nonsym.transpose()).norm() > 0.5);
  REQUIRE(nonsym.determinant() > 0.1);
  const MatrixXd b = random_matrix(m, k, 73);
  const MatrixXd w = random_matrix(m, k, 74);
  unsigned seed = 80;
  for (const auto& [label, a] : {std::pair<std::string, MatrixXd>{"spd", spd},
                                 std::pair<std::string, MatrixXd>{"non-symmetric", nonsym}}) {
    VectorXd x(m * m + m * k);
    x << a.reshaped(), b.reshaped();
    // Both A and B variables.
    check_case(
        "solve, " + label,
        [&](const VectorXv& p) {
          return outer(nabla::solve(block_of(p, 0, m, m), block_of(p, m * m, m, k)), w);
        },
        [&](const VectorXv& p) {
          return outer(MatrixXv(inverse3(vars_of(p, 0, m, m)) * vars_of(p, m * m, m, k)), w);
        },
        x, seed++);
    // A variable, B constant; and solve composed with itself (X feeds the next right side).
    const VectorXd xa = a.reshaped();
    check_case(
        "solve twice, " + label,
        [&](const VectorXv& p) {
          const Mat am = block_of(p, 0, m, m);
          return outer(nabla::solve(am, nabla::solve(am, Mat(b))), w);
        },
        [&](const VectorXv& p) {
          const MatrixXv inv = inverse3(vars_of(p, 0, m, m));
          return outer(MatrixXv(inv * MatrixXv(inv * b.cast<Var>())), w);
        },
        xa, seed++);
    check_case(
        "log_det, " + label,
        [&](const VectorXv& p) { return nabla::log_det(block_of(p, 0, m, m)); },
        [&](const VectorXv& p) { return log(abs(det3(vars_of(p, 0, m, m)))); }, xa, seed++);
    // Closed form: ∂² log det / ∂A_ij ∂A_kl = −(A⁻¹)_li (A⁻¹)_jk, i.e. H·vec(V) = −vec((A⁻¹VA⁻¹)ᵀ).
    const MatrixXd vmat = random_matrix(m, m, seed++);
    const VectorXd hv =
        nabla::hvp([&](const VectorXv& p) { return nabla::log_det(block_of(p, 0, m, m)); }, xa,
                   vmat.reshaped());
    const MatrixXd inv = a.inverse();
    const VectorXd exact = -MatrixXd((inv * vmat * inv).transpose()).reshaped();
    CHECK((hv - exact).norm() <= 1e-12 * exact.norm());
    const double jv =
        nabla::jvp([&](const VectorXv& p) { return nabla::log_det(block_of(p, 0, m, m)); }, xa,
                   vmat.reshaped())[0];
    CHECK(jv == doctest::Approx((inv * vmat).trace()).epsilon(1e-13));
  }
}

TEST_CASE("sparse product: linear in the dense operand") {
  nabla::SparseMatrixD s(4, 3);
  s.insert(0, 0) = 1.5;
  s.insert(1, 2) = -2.0;
  s.insert(2, 1) = 0.5;
  s.insert(3, 0) = 3.0;
  s.insert(3, 2) = 1.0;
  s.makeCompressed();
  const auto shared = std::make_shared<const nabla::SparseMatrixD>(s);
  const MatrixXd dense = MatrixXd(s);
  const MatrixXd w = random_matrix(4, 2, 91);
  const VectorXd x = random_vector(6, 92);
  check_case(
      "sparse_matmul",
      [&](const VectorXv& p) {
        return outer(nabla::tanh(shared * nabla::sin(block_of(p, 0, 3, 2))), w);
      },
      [&](const VectorXv& p) {
        const MatrixXv sb = vars_of(p, 0, 3, 2).unaryExpr([](const Var& e) { return sin(e); });
        return outer(
            MatrixXv((dense.cast<Var>() * sb).unaryExpr([](const Var& e) { return tanh(e); })), w);
      },
      x, 93);
  // Closed form for the quadratic ½‖S·B‖²: H = I ⊗ SᵀS.
  const MatrixXd h = nabla::hessian(
      [&](const VectorXv& p) { return 0.5 * nabla::squared_norm(shared * block_of(p, 0, 3, 2)); },
      x);
  MatrixXd exact = MatrixXd::Zero(6, 6);
  exact.block(0, 0, 3, 3) = dense.transpose() * dense;
  exact.block(3, 3, 3, 3) = dense.transpose() * dense;
  CHECK((h - exact).norm() <= 1e-14 * exact.norm());
}

// batch_norm written element by element: per column, mean and biased variance of the batch
// (training) or the given running statistics (evaluation), then γ·x̂ + β.
MatrixXv batch_norm_twin(const MatrixXv& x, const MatrixXv* gamma, const MatrixXv* beta,
                         bool training, const nabla::BatchNormStats& stats) {
  const Eigen::Index n = x.rows();
  MatrixXv y(n, x.cols());
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    Var mean = stats.running_mean(j), var = stats.running_var(j);
    if (training) {
      mean = 0.0;
      for (Eigen::Index i = 0; i < n; ++i) mean = mean + x(i, j);
      mean = mean / static_cast<double>(n);
      var = 0.0;
      for (Eigen::Index i = 0; i < n; ++i) var = var + (x(i, j) - mean) * (x(i, j) - mean);
      var = var / static_cast<double>(n);
    }
    const Var s = sqrt(var + stats.eps);
    for (Eigen::Index i = 0; i < n; ++i) {
      y(i, j) = (x(i, j) - mean) / s;
      if (gamma != nullptr) y(i, j) = y(i, j) * (*gamma)(0, j);
      if (beta != nullptr) y(i, j) = y(i, j) + (*beta)(0, j);
    }
  }
  return y;
}

TEST_CASE("batch_norm: forward mode and Hessians in training and evaluation, affine on and off") {
  const Eigen::Index n = 5, c = 3;
  for (const bool training : {true, false}) {
    for (const bool affine : {true, false}) {
      nabla::BatchNormStats stats(c);
      stats.running_mean << 0.1, -0.2, 0.3;
      stats.running_var << 0.5, 1.5, 2.0;
      nabla::TrainModeScope mode(training ? nabla::TrainMode::Training
                                          : nabla::TrainMode::Evaluation);
      const Eigen::Index size = n * c + (affine ? 2 * c : 0);
      VectorXd x = random_vector(size, 101);
      if (affine) x.tail(2 * c) += VectorXd::Constant(2 * c, 0.5);
      const MatrixXd w = random_matrix(n, c, 102);
      const std::string name = std::string("batch_norm ") + (training ? "training" : "evaluation") +
                               (affine ? ", affine" : ", no affine");
      check_case(
          name,
          [&](const VectorXv& p) {
            const Mat xin = nabla::tanh(block_of(p, 0, n, c));
            return outer(affine ? nabla::batch_norm(xin, block_of(p, n * c, 1, c),
                                                    block_of(p, n * c + c, 1, c), stats)
                                : nabla::batch_norm(xin, stats),
                         w);
          },
          [&](const VectorXv& p) {
            const MatrixXv xin =
                vars_of(p, 0, n, c).unaryExpr([](const Var& e) { return tanh(e); });
            const MatrixXv g = affine ? vars_of(p, n * c, 1, c) : MatrixXv();
            const MatrixXv b = affine ? vars_of(p, n * c + c, 1, c) : MatrixXv();
            return outer(
                batch_norm_twin(xin, affine ? &g : nullptr, affine ? &b : nullptr, training, stats),
                w);
          },
          x, 103);
    }
  }
}

TEST_CASE("dropout: forward mode and Hessians are the scaled mask's") {
  const Eigen::Index r = 4, c = 3;
  const double p = 0.4;
  const VectorXd x = random_vector(r * c, 111);
  const MatrixXd w = random_matrix(r, c, 112);
  MatrixXd mask(r, c);
  for (Eigen::Index k = 0; k < mask.size(); ++k)
    mask(k) =
        nabla::dropout_keeps(p, 7, 0, 0, static_cast<std::uint64_t>(k)) ? 1.0 / (1.0 - p) : 0.0;
  REQUIRE(mask.minCoeff() == 0.0);  // the case drops something and keeps something
  REQUIRE(mask.maxCoeff() > 0.0);
  check_case(
      "dropout",
      [&](const VectorXv& q) {
        return outer(nabla::dropout(nabla::tanh(block_of(q, 0, r, c)), p, 7), w);
      },
      [&](const VectorXv& q) {
        MatrixXv a = vars_of(q, 0, r, c).unaryExpr([](const Var& e) { return tanh(e); });
        for (Eigen::Index k = 0; k < a.size(); ++k) a(k) = a(k) * mask(k);
        return outer(a, w);
      },
      x, 113);
}

TEST_CASE("custom matrix functions refuse forward mode and second order, naming the op") {
  const auto softsign = nabla::matrix_function<1>(
      "softsign", [](const MatrixXd& a) -> MatrixXd { return a.array() / (1.0 + a.array().abs()); },
      [](const MatrixXd& dc, const MatrixXd& /*c*/, const MatrixXd& a) -> MatrixXd {
        return dc.array() / (1.0 + a.array().abs()).square();
      });
  auto f = [&](const VectorXv& p) { return nabla::sum(softsign(Mat(p))); };
  const VectorXd x = random_vector(3, 95);
  // Gradients work; jvp, hvp and hessian throw a nabla::Error that names the operation.
  CHECK(nabla::gradient(f, x).size() == 3);
  CHECK_THROWS_WITH_AS((void)nabla::jvp(f, x, x), doctest::Contains("'softsign'"), nabla::Error);
  CHECK_THROWS_WITH_AS((void)nabla::hvp(f, x, x), doctest::Contains("'softsign'"), nabla::Error);
  CHECK_THROWS_WITH_AS((void)nabla::hessian(f, x), doctest::Contains("'softsign'"), nabla::Error);
}
