// Linear conjugate gradients: A x = b for an SPD operator, against a dense LDLT solve; a Jacobi
// preconditioner on a badly scaled system; an indefinite operator stopped, not divided by; and
// the minimize form on a quadratic written with nabla, its model values against direct ones.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include <Eigen/Dense>

#include <nabla/optim.hpp>

namespace opt = nabla::optim;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using nabla::Var;
using nabla::VectorXv;

namespace {

// Q diag(logspace(0, 3, n)) Qᵀ with Q from the QR of a seeded Gaussian matrix, and a seeded b.
struct Spd {
  MatrixXd A;
  VectorXd b;
  explicit Spd(int n, unsigned seed = 42) {
    std::mt19937 gen(seed);
    std::normal_distribution<double> normal;
    MatrixXd G(n, n);
    for (Eigen::Index k = 0; k < G.size(); ++k) G.reshaped()[k] = normal(gen);
    const MatrixXd Q = Eigen::HouseholderQR<MatrixXd>(G).householderQ();
    VectorXd lambda(n);
    for (int i = 0; i < n; ++i) lambda[i] = std::pow(10.0, 3.0 * i / (n - 1));
    A = Q * lambda.asDiagonal() * Q.transpose();
    A = 0.5 * (A + A.transpose());
    b.resize(n);
    for (int i = 0; i < n; ++i) b[i] = normal(gen);
  }
};

}  // namespace

TEST_CASE("linear CG on an SPD system with condition number 1e3 matches a dense solve") {
  const Spd s(50);
  int products = 0;
  auto apply = [&](const VectorXd& v) {
    ++products;
    return VectorXd(s.A * v);
  };
  const opt::LinearCGResult r = opt::linear_cg(apply, s.b, VectorXd());
  MESSAGE("linear CG: " << r.iterations << " iterations, " << r.message);
  CHECK(r.converged);
  CHECK(r.iterations <= 150);
  CHECK(products == r.iterations + 1);                   // one for the first residual
  CHECK((s.b - s.A * r.x).norm() <= 1e-9 * s.b.norm());  // the true residual, not the recurrence
  const VectorXd x_star = s.A.ldlt().solve(s.b);
  CHECK((r.x - x_star).norm() <= 1e-8 * x_star.norm());
}

TEST_CASE("a Jacobi preconditioner makes a badly scaled system cheap") {
  // D A D with D = diag(10^(−2 … 2)): the scaling alone spreads the spectrum; M = diag(DAD)⁻¹.
  const Spd s(40, 7);
  VectorXd d(40);
  for (int i = 0; i < 40; ++i) d[i] = std::pow(10.0, -2.0 + 4.0 * i / 39.0);
  const MatrixXd B = d.asDiagonal() * (s.A + 1e3 * MatrixXd::Identity(40, 40)) * d.asDiagonal();
  auto apply = [&](const VectorXd& v) { return VectorXd(B * v); };
  const VectorXd inv_diag = B.diagonal().cwiseInverse();
  auto jacobi = [&](const VectorXd& r) { return VectorXd(inv_diag.cwiseProduct(r)); };
  const opt::LinearCGResult plain =
      opt::linear_cg(apply, s.b, VectorXd(), {.max_iterations = 2000});
  const opt::LinearCGResult pre = opt::linear_cg(apply, s.b, VectorXd(), {}, jacobi);
  MESSAGE("unpreconditioned " << plain.iterations << ", Jacobi " << pre.iterations);
  CHECK(pre.converged);
  CHECK(pre.iterations < plain.iterations);
  const VectorXd x_star = B.ldlt().solve(s.b);
  CHECK((pre.x - x_star).norm() <= 1e-7 * x_star.norm());
}

TEST_CASE("an indefinite operator stops with negative curvature, not a division") {
  const MatrixXd A = (MatrixXd(2, 2) << 1.0, 0.0, 0.0, -1.0).finished();
  const opt::LinearCGResult r = opt::linear_cg([&](const VectorXd& v) { return VectorXd(A * v); },
                                               VectorXd::Ones(2), VectorXd());
  CHECK_FALSE(r.converged);
  CHECK(r.negative_curvature);
  CHECK(r.message.find("not positive definite") != std::string::npos);
  CHECK(r.x.allFinite());
  CHECK_THROWS_AS(opt::linear_cg([&](const VectorXd& v) { return VectorXd(A * v); },
                                 VectorXd::Ones(2), VectorXd::Zero(3)),
                  nabla::ShapeError);
}

TEST_CASE("LinearConjugateGradient minimises a quadratic through Hessian-vector products") {
  const Spd s(20, 3);
  auto quadratic = [&](const VectorXv& x) {
    Var q = 0.0;
    for (Eigen::Index i = 0; i < 20; ++i) {
      Var ax = 0.0;
      for (Eigen::Index j = 0; j < 20; ++j) ax += s.A(i, j) * x[j];
      q += 0.5 * x[i] * ax - s.b[i] * x[i];
    }
    return q;
  };
  auto Q = opt::FullObjective(quadratic);
  const opt::Result r = opt::minimize(Q, VectorXd::Zero(20), opt::LinearConjugateGradient{});
  MESSAGE(r.iterations << " iterations: " << r.message);
  CHECK(r.stop_reason == opt::StopReason::Converged);
  const VectorXd x_star = s.A.ldlt().solve(s.b);
  CHECK((r.x - x_star).norm() <= 1e-8 * x_star.norm());
  // One value and gradient at x0, one Hessian-vector product per iteration, nothing else.
  CHECK(r.evaluations.hessian_vectors == r.iterations);
  CHECK(r.evaluations.gradients == 1);
  // The model's values along the run are the quadratic's own.
  const double direct = Q.value(r.x);
  CHECK(std::abs(r.value - direct) <= 1e-10 * std::abs(direct));
  for (const auto& row : r.history.rows) CHECK(std::isfinite(row.loss));
}

TEST_CASE("LinearConjugateGradient on a non-convex quadratic stops with negative curvature") {
  auto saddle = [](const VectorXv& x) { return x[0] * x[0] - x[1] * x[1] + x[0] + x[1]; };
  const opt::Result r =
      opt::minimize(saddle, Eigen::Vector2d(0.0, 0.0), opt::LinearConjugateGradient{});
  CHECK(r.stop_reason == opt::StopReason::NegativeCurvature);
  CHECK_FALSE(r.success());
  CHECK(r.x.allFinite());
}
