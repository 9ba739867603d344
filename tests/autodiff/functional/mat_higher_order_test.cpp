// hessian, hvp, jvp, vjp and classify_stationary_point for functions written on matrix nodes
// (f(const nabla::Mat&)): closed forms, the same function written with VectorXv, central finite
// differences of the gradient; and functions declared on VectorXv / generic lambdas unchanged.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <nabla/autodiff/teaching/stationary_point.hpp>
#include <random>
#include <vector>

using Eigen::MatrixXd;
using Eigen::VectorXd;
using nabla::Mat;
using nabla::Var;
using nabla::VectorXv;

namespace {

MatrixXd random_matrix(Eigen::Index r, Eigen::Index c, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  MatrixXd m(r, c);
  for (Eigen::Index k = 0; k < m.size(); ++k) m(k) = u(gen);
  return m;
}

double rel_err(const MatrixXd& a, const MatrixXd& b) {
  return (a - b).cwiseAbs().maxCoeff() / std::max(1.0, b.cwiseAbs().maxCoeff());
}

// Column j of the Hessian by central differences of the (exact) gradient, in vec(X) order.
template <class F>
MatrixXd fd_hessian(F&& f, const MatrixXd& x, double h = 1e-5) {
  const Eigen::Index n = x.size();
  MatrixXd hess(n, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    MatrixXd xp = x;
    MatrixXd xm = x;
    xp(j) += h;
    xm(j) -= h;
    const MatrixXd gp = nabla::gradient(f, xp);
    const MatrixXd gm = nabla::gradient(f, xm);
    hess.col(j) = (gp - gm).reshaped() / (2.0 * h);
  }
  return hess;
}

// Declared (not generic) functions, one per parameter type.
Var quartic_vector(const VectorXv& x) {
  Var s = 0.0;
  for (Eigen::Index i = 0; i < x.size(); ++i) s += x[i] * x[i] * x[i] * x[i] / 4.0 - x[i] * x[i];
  return s + x[0] * x[1];
}
Var quartic_mat(const Mat& x) {
  const Mat sq = nabla::square(x);
  return nabla::sum(nabla::square(sq)) / 4.0 - nabla::sum(sq) + x[0] * x[1];
}
VectorXv tanh_map_vector(const VectorXv& x) {
  VectorXv y(2);
  y << tanh(x[0] * x[1]), x[1] - x[2] * x[0];
  return y;
}

}  // namespace

TEST_CASE("Mat least squares: hessian = (2/l)·XᵀX and hvp = H·v") {
  const Eigen::Index l = 7;
  const Eigen::Index d = 4;
  const MatrixXd x = random_matrix(l, d, 1);
  const MatrixXd y = random_matrix(l, 1, 2);
  const Mat xc = nabla::constant(x);
  auto loss = [&](const Mat& w) { return nabla::mse(xc * w, y); };
  const MatrixXd expected = 2.0 / static_cast<double>(l) * x.transpose() * x;
  const VectorXd w0 = random_matrix(d, 1, 3);
  const MatrixXd h = nabla::hessian(loss, w0);
  REQUIRE(h.rows() == d);
  REQUIRE(h.cols() == d);
  CHECK(rel_err(h, expected) < 1e-13);
  // The same with w given as a d×1 matrix, and at another point (H is constant).
  CHECK(rel_err(nabla::hessian(loss, MatrixXd(random_matrix(d, 1, 4))), expected) < 1e-13);
  const VectorXd v = random_matrix(d, 1, 5);
  CHECK(rel_err(nabla::hvp(loss, w0, v), expected * v) < 1e-13);
  // hvp is linear in v: a zero direction gives exactly zero.
  CHECK(nabla::hvp(loss, w0, VectorXd::Zero(d)).cwiseAbs().maxCoeff() == 0.0);
  CHECK_THROWS_AS((void)nabla::hvp(loss, w0, VectorXd::Zero(d + 1)), nabla::ShapeError);
}

TEST_CASE(
    "Mat logistic loss: hessian/hvp equal the VectorXv path and differences of the gradient") {
  const Eigen::Index l = 9;
  const Eigen::Index d = 3;
  const MatrixXd x = random_matrix(l, d, 11);
  MatrixXd labels(l, 1);  // ±1
  for (Eigen::Index i = 0; i < l; ++i) labels(i) = (i % 3 == 0) ? -1.0 : 1.0;
  const Mat xc = nabla::constant(x);
  auto mat_loss = [&](const Mat& w) {
    return nabla::mean(nabla::softplus(-nabla::cwise_product(labels, xc * w))) +
           0.05 * nabla::squared_norm(w);
  };
  auto vec_loss = [&](const VectorXv& w) {
    const VectorXv z = x.cast<Var>() * w;
    Var s = 0.0;
    for (Eigen::Index i = 0; i < l; ++i) s += softplus(-labels(i) * z[i]);
    return s / static_cast<double>(l) + 0.05 * w.squaredNorm();
  };
  const VectorXd w0 = random_matrix(d, 1, 12) * 2.0;
  const MatrixXd h_mat = nabla::hessian(mat_loss, w0);
  const MatrixXd h_vec = nabla::hessian(vec_loss, w0);
  CHECK(rel_err(h_mat, h_vec) < 1e-10);
  CHECK(rel_err(h_mat, fd_hessian(mat_loss, w0)) < 1e-6);
  // Closed form: (1/l)·Xᵀ diag(σ(zᵢ)(1−σ(zᵢ))) X + 0.1·I, zᵢ = yᵢ xᵢᵀw.
  const VectorXd z = labels.cwiseProduct(x * w0);
  const VectorXd s = z.unaryExpr([](double t) { return 1.0 / (1.0 + std::exp(-t)); });
  const VectorXd curvature = s.cwiseProduct(VectorXd::Ones(l) - s);
  const MatrixXd closed = x.transpose() * curvature.asDiagonal() * x / static_cast<double>(l) +
                          0.1 * MatrixXd::Identity(d, d);
  CHECK(rel_err(h_mat, closed) < 1e-12);
  const VectorXd v = random_matrix(d, 1, 13);
  CHECK(rel_err(nabla::hvp(mat_loss, w0, v), nabla::hvp(vec_loss, w0, v)) < 1e-10);
  CHECK(rel_err(nabla::hvp(mat_loss, w0, v), h_mat * v) < 1e-12);
}

TEST_CASE("Mat tanh MLP with a matrix parameter: Hessian in vec(W) order") {
  // f(W) = mean((tanh(W·A)ᵀ·c − y)²) with W h×d; x is the matrix W itself.
  const Eigen::Index h = 3;
  const Eigen::Index d = 2;
  const Eigen::Index l = 5;
  const MatrixXd a = random_matrix(d, l, 21);
  const MatrixXd c = random_matrix(h, 1, 22);
  const MatrixXd y = random_matrix(l, 1, 23);
  const Mat ac = nabla::constant(a);
  const Mat cc = nabla::constant(c);
  auto mat_loss = [&](const Mat& w) {
    return nabla::mse(nabla::transpose(nabla::tanh(w * ac)) * cc, y);
  };
  auto vec_loss = [&](const VectorXv& wv) {  // wv = vec(W), column-major
    nabla::MatrixXv w(h, d);
    for (Eigen::Index k = 0; k < wv.size(); ++k) w(k) = wv[k];
    const nabla::MatrixXv t = (w * a.cast<Var>()).unaryExpr([](const Var& e) { return tanh(e); });
    const VectorXv p = t.transpose() * c.cast<Var>();
    Var s = 0.0;
    for (Eigen::Index i = 0; i < l; ++i) s += (p[i] - y(i)) * (p[i] - y(i));
    return s / static_cast<double>(l);
  };
  const MatrixXd w0 = random_matrix(h, d, 24) * 1.5;
  const VectorXd w0_vec = w0.reshaped();
  const MatrixXd h_mat = nabla::hessian(mat_loss, w0);
  REQUIRE(h_mat.rows() == h * d);
  const MatrixXd h_vec = nabla::hessian(vec_loss, w0_vec);
  CHECK(rel_err(h_mat, h_vec) < 1e-10);
  CHECK(rel_err(h_mat, fd_hessian(mat_loss, w0)) < 1e-6);
  // The direction may be given shaped like W (read column-major) or as vec(V).
  const MatrixXd v = random_matrix(h, d, 25);
  const VectorXd hv = nabla::hvp(mat_loss, w0, v);
  CHECK(rel_err(hv, h_vec * v.reshaped()) < 1e-10);
  CHECK(rel_err(nabla::hvp(mat_loss, w0, VectorXd(v.reshaped())), hv) == 0.0);
  CHECK(rel_err(hv, nabla::hvp(vec_loss, w0_vec, VectorXd(v.reshaped()))) < 1e-10);
}

TEST_CASE("Mat jvp/vjp: tanh(A·x) against jacobian and the closed form") {
  const MatrixXd a = random_matrix(4, 3, 31);
  const Mat ac = nabla::constant(a);
  auto f = [&](const Mat& x) { return nabla::tanh(ac * x); };
  const VectorXd x0 = random_matrix(3, 1, 32);
  const VectorXd v = random_matrix(3, 1, 33);
  const VectorXd u = random_matrix(4, 1, 34);
  const VectorXd t = (a * x0).array().tanh().matrix();
  const MatrixXd closed = (VectorXd::Ones(4) - t.cwiseProduct(t)).asDiagonal() * a;
  const MatrixXd jac = nabla::jacobian(f, x0);
  CHECK(rel_err(jac, closed) < 1e-14);
  const VectorXd jv = nabla::jvp(f, x0, v);
  REQUIRE(jv.size() == 4);
  CHECK(rel_err(jv, jac * v) < 1e-14);
  CHECK(rel_err(jv, closed * v) < 1e-14);
  const VectorXd uj = nabla::vjp(f, x0, u);
  REQUIRE(uj.size() == 3);
  CHECK(rel_err(uj, jac.transpose() * u) < 1e-14);
  CHECK(rel_err(uj, closed.transpose() * u) < 1e-14);
  CHECK_THROWS_AS((void)nabla::jvp(f, x0, VectorXd::Zero(4)), nabla::ShapeError);
  CHECK_THROWS_AS((void)nabla::vjp(f, x0, VectorXd::Zero(3)), nabla::ShapeError);
}

TEST_CASE(
    "Mat jacobian: forward and reverse sweeps agree with the closed form, Auto picks by shape") {
  // 6 outputs, 2 inputs: Auto takes the forward path (2 tangent sweeps).
  const MatrixXd a = random_matrix(6, 2, 41);
  const Mat ac = nabla::constant(a);
  auto tall = [&](const Mat& x) { return nabla::tanh(ac * x); };
  const VectorXd x0 = random_matrix(2, 1, 42);
  const VectorXd t = (a * x0).array().tanh().matrix();
  const MatrixXd closed = (VectorXd::Ones(6) - t.cwiseProduct(t)).asDiagonal() * a;
  for (const nabla::Mode mode : {nabla::Mode::Auto, nabla::Mode::Forward, nabla::Mode::Reverse})
    CHECK(rel_err(nabla::jacobian(tall, x0, mode), closed) < 1e-14);
  // A matrix input with fewer outputs than inputs: f(X) = X·B for X 2×3, B 3×1; the Jacobian of
  // vec(X·B) with respect to vec(X) is Bᵀ ⊗ I₂.
  const MatrixXd b = random_matrix(3, 1, 43);
  const Mat bc = nabla::constant(b);
  auto wide = [&](const Mat& x) { return x * bc; };
  const MatrixXd x1 = random_matrix(2, 3, 44);
  MatrixXd kron = MatrixXd::Zero(2, 6);
  for (Eigen::Index j = 0; j < 3; ++j) kron.block(0, 2 * j, 2, 2) = b(j) * MatrixXd::Identity(2, 2);
  for (const nabla::Mode mode : {nabla::Mode::Auto, nabla::Mode::Forward, nabla::Mode::Reverse})
    CHECK(rel_err(nabla::jacobian(wide, x1, mode), kron) < 1e-14);
}

TEST_CASE("Mat jvp/vjp: matrix input and output, f(X) = (X·B) ⊙ sigmoid(X·B)") {
  // f(X) = X·B ⊙ sigmoid(X·B): J·vec(V) = vec(V·B ⊙ (σ + z σ(1−σ))) with z = X·B.
  const MatrixXd b = random_matrix(3, 2, 41);
  const Mat bc = nabla::constant(b);
  auto f = [&](const Mat& x) {
    const Mat z = x * bc;
    return nabla::cwise_product(z, nabla::sigmoid(z));
  };
  const MatrixXd x0 = random_matrix(2, 3, 42);
  const MatrixXd v = random_matrix(2, 3, 43);
  const MatrixXd z = x0 * b;
  const MatrixXd s = z.unaryExpr([](double e) { return 1.0 / (1.0 + std::exp(-e)); });
  const MatrixXd dz = s.array() + z.array() * s.array() * (1.0 - s.array());
  const MatrixXd expected_jv = (v * b).cwiseProduct(dz);
  const VectorXd jv = nabla::jvp(f, x0, v);
  CHECK(rel_err(jv, VectorXd(expected_jv.reshaped())) < 1e-14);
  const MatrixXd jac = nabla::jacobian(f, x0);
  CHECK(rel_err(jv, jac * v.reshaped()) < 1e-14);
  // uᵀJ = vec((U ⊙ dz)·Bᵀ).
  const MatrixXd u = random_matrix(2, 2, 44);
  const MatrixXd expected_uj = u.cwiseProduct(dz) * b.transpose();
  const VectorXd uj = nabla::vjp(f, x0, u);
  CHECK(rel_err(uj, VectorXd(expected_uj.reshaped())) < 1e-14);
  CHECK(rel_err(uj, jac.transpose() * u.reshaped()) < 1e-14);
  // A Var result is a vector of one: jvp = ∇f·v, vjp = u·∇f.
  auto g = [&](const Mat& x) { return nabla::sum(f(x)); };
  const MatrixXd grad = nabla::gradient(g, x0);
  CHECK(std::abs(nabla::jvp(g, x0, v)[0] - grad.reshaped().dot(v.reshaped())) < 1e-13);
  CHECK(rel_err(nabla::vjp(g, x0, VectorXd::Constant(1, -2.5)), VectorXd(-2.5 * grad.reshaped())) <
        1e-14);
  // A constant result has zero derivatives.
  auto constant_f = [&](const Mat& /*x*/) { return nabla::constant(b); };
  CHECK(nabla::jvp(constant_f, x0, v).cwiseAbs().maxCoeff() == 0.0);
  CHECK(nabla::vjp(constant_f, x0, VectorXd::Ones(6)).cwiseAbs().maxCoeff() == 0.0);
  auto constant_s = [](const Mat& /*x*/) { return Var(3.0); };
  CHECK(nabla::hessian(constant_s, x0).cwiseAbs().maxCoeff() == 0.0);
}

TEST_CASE("classify_stationary_point on Mat quadratics") {
  // f(w) = ½wᵀAw − bᵀw: stationary at A⁻¹b, with the kind given by A's eigenvalues.
  const VectorXd b(VectorXd::LinSpaced(3, -1.0, 2.0));
  auto make = [&b](const MatrixXd& a) {
    return [a, b](const Mat& w) {
      return 0.5 * nabla::dot(w, nabla::constant(a) * w) - nabla::dot(w, MatrixXd(b));
    };
  };
  MatrixXd spd(3, 3);
  spd << 4, 1, 0, 1, 3, 0.5, 0, 0.5, 2;
  const auto p_min = nabla::classify_stationary_point(make(spd), spd.ldlt().solve(b));
  CHECK(p_min.kind == nabla::StationaryKind::LocalMinimum);
  CHECK(rel_err(p_min.hessian, spd) < 1e-14);
  const Eigen::SelfAdjointEigenSolver<MatrixXd> eig(spd);
  CHECK(rel_err(p_min.eigenvalues, eig.eigenvalues()) < 1e-12);
  const MatrixXd indefinite = VectorXd(Eigen::Vector3d(2.0, -1.0, 3.0)).asDiagonal();
  const VectorXd saddle = indefinite.diagonal().cwiseInverse().cwiseProduct(b);
  CHECK(nabla::classify_stationary_point(make(indefinite), saddle).kind ==
        nabla::StationaryKind::Saddle);
  CHECK(nabla::classify_stationary_point(make(-spd), (-spd).ldlt().solve(b)).kind ==
        nabla::StationaryKind::LocalMaximum);
  CHECK(nabla::classify_stationary_point(make(spd), VectorXd::Zero(3)).kind ==
        nabla::StationaryKind::NotStationary);
}

TEST_CASE("classify_stationary_point at a matrix: ‖W·A − B‖² at W = B·A⁻¹") {
  // Hessian in vec(W) order: 2·(A·Aᵀ ⊗ I₂); its eigenvalues are those of 2·A·Aᵀ, each twice.
  MatrixXd a(3, 3);
  a << 2, 1, 0, 0, 1, -1, 1, 0, 3;
  const MatrixXd b = random_matrix(2, 3, 51);
  const Mat ac = nabla::constant(a);
  auto f = [&](const Mat& w) { return nabla::squared_norm(w * ac - b); };
  const MatrixXd w_star = b * a.inverse();
  const nabla::StationaryPoint p = nabla::classify_stationary_point(f, w_star);
  CHECK(p.kind == nabla::StationaryKind::LocalMinimum);
  CHECK(p.gradient.size() == 6);
  CHECK(p.gradient_norm < 1e-13);
  MatrixXd expected = MatrixXd::Zero(6, 6);
  const MatrixXd aat = 2.0 * a * a.transpose();
  for (Eigen::Index i = 0; i < 3; ++i)
    for (Eigen::Index j = 0; j < 3; ++j)
      expected.block(2 * i, 2 * j, 2, 2).diagonal().setConstant(aat(i, j));
  CHECK(rel_err(p.hessian, expected) < 1e-14);
  const Eigen::SelfAdjointEigenSolver<MatrixXd> eig(aat);
  VectorXd twice(6);
  for (Eigen::Index k = 0; k < 3; ++k) twice.segment(2 * k, 2).setConstant(eig.eigenvalues()[k]);
  CHECK(rel_err(p.eigenvalues, twice) < 1e-12);
  // Away from W*: not stationary, gradient vec(2(W·A − B)·Aᵀ).
  const MatrixXd w1 = w_star + random_matrix(2, 3, 52);
  const nabla::StationaryPoint q = nabla::classify_stationary_point(f, w1);
  CHECK(q.kind == nabla::StationaryKind::NotStationary);
  CHECK(rel_err(q.gradient, VectorXd((2.0 * (w1 * a - b) * a.transpose()).reshaped())) < 1e-13);
}

TEST_CASE("declared VectorXv functions, declared Mat functions and generic lambdas") {
  const VectorXd x0(Eigen::Vector3d(0.5, -1.2, 0.8));
  const VectorXd v(Eigen::Vector3d(1.0, 0.25, -2.0));
  // Closed form of quartic: H = diag(3xᵢ² − 2) + (e₀e₁ᵀ + e₁e₀ᵀ).
  MatrixXd expected = (3.0 * x0.array().square() - 2.0).matrix().asDiagonal();
  expected(0, 1) = expected(1, 0) = 1.0;
  CHECK(rel_err(nabla::hessian(quartic_vector, x0), expected) < 1e-14);
  CHECK(rel_err(nabla::hessian(quartic_mat, x0), expected) < 1e-14);
  CHECK(rel_err(nabla::hvp(quartic_vector, x0, v), expected * v) < 1e-14);
  CHECK(rel_err(nabla::hvp(quartic_mat, x0, v), expected * v) < 1e-14);
  auto generic = [](const auto& x) { return x[0] * x[0] * x[1] + x[2]; };
  MatrixXd expected_generic = MatrixXd::Zero(3, 3);  // H of x₀²x₁ + x₂
  expected_generic(0, 0) = 2.0 * x0[1];
  expected_generic(0, 1) = expected_generic(1, 0) = 2.0 * x0[0];
  CHECK(rel_err(nabla::hessian(generic, x0), expected_generic) < 1e-14);
  CHECK(rel_err(nabla::hvp(generic, x0, v), expected_generic * v) < 1e-14);
  const VectorXd grad_generic(Eigen::Vector3d(2.0 * x0[0] * x0[1], x0[0] * x0[0], 1.0));
  CHECK(std::abs(nabla::jvp(generic, x0, v)[0] - grad_generic.dot(v)) < 1e-14);
  CHECK(rel_err(nabla::vjp(generic, x0, VectorXd::Constant(1, 2.0)), 2.0 * grad_generic) < 1e-14);
  // jvp/vjp of a declared vector-valued function: J = [[x₁(1−t²), x₀(1−t²), 0], [−x₂, 1, −x₀]].
  const double t = std::tanh(x0[0] * x0[1]);
  MatrixXd jac(2, 3);
  jac << x0[1] * (1 - t * t), x0[0] * (1 - t * t), 0.0, -x0[2], 1.0, -x0[0];
  CHECK(rel_err(nabla::jvp(tanh_map_vector, x0, v), jac * v) < 1e-14);
  const VectorXd u(Eigen::Vector2d(0.7, -1.1));
  CHECK(rel_err(nabla::vjp(tanh_map_vector, x0, u), jac.transpose() * u) < 1e-14);
  // jvp/vjp of declared scalar functions of both kinds agree with their gradients.
  const VectorXd g = nabla::gradient(quartic_vector, x0);
  CHECK(rel_err(nabla::gradient(quartic_mat, x0), g) < 1e-14);
  CHECK(std::abs(nabla::jvp(quartic_mat, x0, v)[0] - g.dot(v)) < 1e-13);
  CHECK(std::abs(nabla::jvp(quartic_vector, x0, v)[0] - g.dot(v)) < 1e-13);
  CHECK(rel_err(nabla::vjp(quartic_mat, x0, VectorXd::Ones(1)), g) < 1e-14);
  CHECK(rel_err(nabla::vjp(quartic_vector, x0, VectorXd::Ones(1)), g) < 1e-14);
  // classify: ∇quartic = 0 at (√3, −√3, √2) (x₀³ − 2x₀ + x₁ = 0, x₂³ = 2x₂) where
  // H = [[7, 1, 0], [1, 7, 0], [0, 0, 4]] is positive definite: a local minimum.
  const VectorXd xm(Eigen::Vector3d(std::sqrt(3.0), -std::sqrt(3.0), std::sqrt(2.0)));
  CHECK(nabla::classify_stationary_point(quartic_vector, xm).kind ==
        nabla::StationaryKind::LocalMinimum);
  CHECK(nabla::classify_stationary_point(quartic_mat, xm).kind ==
        nabla::StationaryKind::LocalMinimum);
  CHECK(nabla::classify_stationary_point(generic, VectorXd::Zero(3)).kind ==
        nabla::StationaryKind::NotStationary);
}
