// Newton (exact Hessian), Newton–CG (Hessian–vector products), L-BFGS-B (box bounds) and the
// gradient-norm choice of the stopping criteria. Closed forms: Rosenbrock's Hessian at (1, 1)
// has eigenvalues 501 ± √250601; an SPD quadratic's minimiser A⁻¹b in one Newton step; x² − y²
// has a saddle at 0; a bounded quadratic's KKT conditions and the exact solution of its reduced
// system on the active set.
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

Var rosenbrock(const VectorXv& x) {
  Var s = 0.0;
  for (Eigen::Index i = 0; i + 1 < x.size(); ++i)
    s += 100.0 * (x[i + 1] - x[i] * x[i]) * (x[i + 1] - x[i] * x[i]) + (1.0 - x[i]) * (1.0 - x[i]);
  return s;
}

// A = Q diag(logspace(0, 3, n)) Qᵀ, Q from the QR of a seeded Gaussian matrix, and b seeded.
struct Quadratic {
  MatrixXd A;
  VectorXd b;
  explicit Quadratic(Eigen::Index n, unsigned seed = 42) {
    std::mt19937 gen(seed);
    std::normal_distribution<double> normal;
    MatrixXd G(n, n);
    for (Eigen::Index k = 0; k < G.size(); ++k) G.reshaped()[k] = normal(gen);
    const MatrixXd Q = Eigen::HouseholderQR<MatrixXd>(G).householderQ();
    VectorXd lambda(n);
    for (Eigen::Index i = 0; i < n; ++i)
      lambda[i] = std::pow(10.0, 3.0 * double(i) / double(n - 1));
    A = Q * lambda.asDiagonal() * Q.transpose();
    b.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) b[i] = normal(gen);
  }
  [[nodiscard]] auto f() const {
    return [this](const VectorXv& x) {
      Var s = 0.0;
      for (Eigen::Index i = 0; i < x.size(); ++i) {
        Var ax = 0.0;
        for (Eigen::Index j = 0; j < x.size(); ++j) ax += A(i, j) * x[j];
        s += 0.5 * x[i] * ax - b[i] * x[i];
      }
      return s;
    };
  }
};

}  // namespace

TEST_CASE("Newton on Rosenbrock: quadratic convergence and a local minimum reported") {
  const opt::Result r = opt::minimize(rosenbrock, Eigen::Vector2d(-1.2, 1.0), opt::Newton{});
  INFO(r.message);
  CHECK(r.stop_reason == opt::StopReason::Converged);
  CHECK(r.iterations <= 21);  // goldens that may not grow
  CHECK(r.evaluations.values <= 33);
  CHECK(r.evaluations.hessians <= 22);
  CHECK((r.x - Eigen::Vector2d(1.0, 1.0)).lpNorm<Eigen::Infinity>() <= 1e-9);
  REQUIRE(r.second_order.has_value());
  CHECK(*r.second_order == nabla::StationaryKind::LocalMinimum);
  // ∇²f(1, 1) = [[802, −400], [−400, 200]]: eigenvalues 501 ∓ √250601.
  REQUIRE(r.hessian_eigenvalues.size() == 2);
  CHECK(r.hessian_eigenvalues[0] == doctest::Approx(501.0 - std::sqrt(250601.0)).epsilon(1e-6));
  CHECK(r.hessian_eigenvalues[1] == doctest::Approx(501.0 + std::sqrt(250601.0)).epsilon(1e-6));
  CHECK(r.message.find("local minimum") != std::string::npos);
  // Quadratic convergence: the last steps square the gradient norm (up to a constant).
  const auto& rows = r.history.rows;
  REQUIRE(rows.size() >= 4);
  const double g2 = rows[rows.size() - 2].gradient_norm, g3 = rows[rows.size() - 3].gradient_norm;
  CHECK(g2 <= 1e3 * g3 * g3);
  // The shifted-Cholesky modification also converges.
  const opt::Result s =
      opt::minimize(rosenbrock, Eigen::Vector2d(-1.2, 1.0),
                    opt::Newton{.modification = opt::Newton::Modification::ShiftedCholesky});
  CHECK(s.stop_reason == opt::StopReason::Converged);
  CHECK(s.value <= 1e-10);
}

TEST_CASE("Newton solves an SPD quadratic in one step; Newton–CG in one outer step") {
  const Quadratic quad(50);
  const VectorXd x_star = quad.A.ldlt().solve(quad.b);
  const opt::Result r = opt::minimize(quad.f(), VectorXd::Zero(50), opt::Newton{});
  CHECK(r.iterations == 1);
  CHECK((r.x - x_star).lpNorm<Eigen::Infinity>() <= 1e-9);
  CHECK(*r.second_order == nabla::StationaryKind::LocalMinimum);
  CHECK(r.hessian_eigenvalues[0] == doctest::Approx(1.0).epsilon(1e-8));
  CHECK(r.hessian_eigenvalues[49] == doctest::Approx(1000.0).epsilon(1e-8));
  const opt::Result c = opt::minimize(quad.f(), VectorXd::Zero(50), opt::NewtonCG{.gtol = 1e-8});
  MESSAGE("Newton–CG: " << c.iterations << " iterations, " << c.evaluations.hessian_vectors
                        << " Hessian–vector products");
  CHECK(c.stop_reason == opt::StopReason::Converged);
  CHECK((c.x - x_star).lpNorm<Eigen::Infinity>() <= 1e-8);
  CHECK(*c.second_order == nabla::StationaryKind::LocalMinimum);
}

TEST_CASE("the second-order check names a saddle, and Newton leaves one along −curvature") {
  auto saddle = [](const VectorXv& x) {
    return x[0] * x[0] - x[1] * x[1] + 0.25 * x[1] * x[1] * x[1] * x[1];
  };
  // From (1, 0) the y-gradient is 0: Newton lands on the saddle (0, 0) and says so.
  const opt::Result s = opt::minimize(saddle, Eigen::Vector2d(1.0, 0.0), opt::Newton{});
  CHECK(s.stop_reason == opt::StopReason::Converged);
  REQUIRE(s.second_order.has_value());
  CHECK(*s.second_order == nabla::StationaryKind::Saddle);
  CHECK(s.hessian_eigenvalues[0] == doctest::Approx(-2.0));
  // From (1, 0.1) the modified direction follows the negative curvature to a minimum (0, ±√2).
  const opt::Result m = opt::minimize(saddle, Eigen::Vector2d(1.0, 0.1), opt::Newton{});
  CHECK(m.stop_reason == opt::StopReason::Converged);
  CHECK(*m.second_order == nabla::StationaryKind::LocalMinimum);
  CHECK(std::abs(m.x[0]) <= 1e-6);
  CHECK(m.x[1] == doctest::Approx(std::sqrt(2.0)).epsilon(1e-6));
}

TEST_CASE("Newton needs a Hessian; a NaN start ends with success = false") {
  auto f = [](const VectorXv& x) { return sqrt(x[0]) + x[1] * x[1]; };
  const opt::Result r = opt::minimize(f, Eigen::Vector2d(-1.0, 1.0), opt::Newton{});
  CHECK(r.stop_reason == opt::StopReason::Diverged);
  CHECK_FALSE(r.success());
  CHECK_FALSE(r.second_order.has_value());
  const opt::Result c = opt::minimize(f, Eigen::Vector2d(-1.0, 1.0), opt::NewtonCG{});
  CHECK_FALSE(c.success());
}

TEST_CASE(
    "L-BFGS-B on a bounded quadratic: projected gradient <= 1e-8, the active set's solution") {
  const Quadratic quad(30, 7);
  // Box [−0.05, 0.05]: the unconstrained minimiser lies far outside it, so bounds are active.
  const VectorXd x_free = quad.A.ldlt().solve(quad.b);
  REQUIRE(x_free.lpNorm<Eigen::Infinity>() > 0.1);
  const opt::LBFGSB method{.lower = VectorXd::Constant(1, -0.05),
                           .upper = VectorXd::Constant(1, 0.05),
                           .gtol = 1e-10,
                           .ftol = 0.0};
  const opt::Result r = opt::minimize(quad.f(), VectorXd::Constant(30, 1.0), method,
                                      {.stop = {.max_iterations = 5000}});
  INFO(r.message);
  CHECK(r.stop_reason == opt::StopReason::Converged);
  CHECK(r.x.maxCoeff() <= 0.05);
  CHECK(r.x.minCoeff() >= -0.05);
  const VectorXd g = quad.A * r.x - quad.b;
  const VectorXd projected = (r.x - g).cwiseMax(-0.05).cwiseMin(0.05) - r.x;
  CHECK(projected.lpNorm<Eigen::Infinity>() <= 1e-8);
  // KKT: at a lower bound g ≥ 0, at an upper bound g ≤ 0; the free variables solve the reduced
  // system A_FF x_F = b_F − A_FB x_B exactly.
  std::vector<Eigen::Index> free, bound;
  for (Eigen::Index i = 0; i < 30; ++i) (std::abs(r.x[i]) == 0.05 ? bound : free).push_back(i);
  MESSAGE("L-BFGS-B: " << r.iterations << " iterations, " << bound.size() << " of 30 at a bound");
  CHECK(bound.size() >= 3);
  CHECK(free.size() >= 1);
  for (const Eigen::Index i : bound) CHECK(g[i] * r.x[i] <= 1e-8);
  MatrixXd AFF(free.size(), free.size());
  VectorXd rhs(free.size());
  for (std::size_t a = 0; a < free.size(); ++a) {
    rhs[a] = quad.b[free[a]];
    for (const Eigen::Index j : bound) rhs[a] -= quad.A(free[a], j) * r.x[j];
    for (std::size_t c = 0; c < free.size(); ++c) AFF(a, c) = quad.A(free[a], free[c]);
  }
  const VectorXd xF = AFF.ldlt().solve(rhs);
  for (std::size_t a = 0; a < free.size(); ++a) CHECK(std::abs(r.x[free[a]] - xF[a]) <= 1e-8);
}

TEST_CASE("L-BFGS-B: unbounded it is L-BFGS's problem; bounds per coordinate; bad bounds") {
  const opt::Result u = opt::minimize(rosenbrock, Eigen::Vector2d(-1.2, 1.0), opt::LBFGSB{});
  CHECK(u.stop_reason == opt::StopReason::Converged);
  CHECK(u.value <= 1e-10);
  // x ≤ 0.5: the constrained minimum of Rosenbrock is at (0.5, 0.25), f = 0.25 (y free).
  const opt::Result b = opt::minimize(
      rosenbrock, Eigen::Vector2d(-1.2, 1.0),
      opt::LBFGSB{.upper = Eigen::Vector2d(0.5, INFINITY), .gtol = 1e-9, .ftol = 0.0});
  CHECK(b.stop_reason == opt::StopReason::Converged);
  CHECK(b.x[0] == 0.5);
  CHECK(b.x[1] == doctest::Approx(0.25).epsilon(1e-8));
  CHECK(b.value == doctest::Approx(0.25).epsilon(1e-12));
  // x0 outside the box is projected onto it.
  const opt::Result p = opt::minimize(
      rosenbrock, Eigen::Vector2d(3.0, 3.0),
      opt::LBFGSB{.lower = Eigen::Vector2d(-2.0, -2.0), .upper = Eigen::Vector2d(2.0, 2.0)});
  CHECK(p.value <= 1e-10);
  CHECK_THROWS_WITH_AS(opt::minimize(rosenbrock, Eigen::Vector2d(0.0, 0.0),
                                     opt::LBFGSB{.lower = Eigen::Vector3d(0, 0, 0)}),
                       doctest::Contains("lower has 3 entries for 2 variables"), nabla::ShapeError);
  CHECK_THROWS_WITH_AS(opt::minimize(rosenbrock, Eigen::Vector2d(0.0, 0.0),
                                     opt::LBFGSB{.lower = Eigen::Vector2d(1.0, 0.0),
                                                 .upper = Eigen::Vector2d(0.0, 1.0)}),
                       doctest::Contains("the bounds of x[0] are [1, 0]"), nabla::Error);
  // By name, as the command line gives it.
  const opt::Method m =
      opt::method_from_name("lbfgsb", {{"upper", "0.5,inf"}, {"gtol", "1e-9"}, {"ftol", "0"}});
  const opt::Result n = opt::minimize(rosenbrock, Eigen::Vector2d(-1.2, 1.0), m);
  CHECK(n.x == b.x);
}

TEST_CASE("StopCriteria::gradient_norm_type: the ∞-norm in the criterion and the history") {
  // GD on Q = ½‖Dx‖², D = diag(1, 10): ∇Q = D²x.
  auto f = [](const VectorXv& x) { return 0.5 * (x[0] * x[0] + 100.0 * x[1] * x[1]); };
  const opt::Options two{.stop = {.gradient_norm = 1e-3}};
  const opt::Options inf{
      .stop = {.gradient_norm = 1e-3, .gradient_norm_type = opt::GradientNorm::Infinity}};
  const opt::Result a =
      opt::minimize(f, Eigen::Vector2d(1.0, 1.0), opt::GradientDescent{.lr = 0.015}, two);
  const opt::Result b =
      opt::minimize(f, Eigen::Vector2d(1.0, 1.0), opt::GradientDescent{.lr = 0.015}, inf);
  CHECK(a.stop_reason == opt::StopReason::GradientNorm);
  CHECK(b.stop_reason == opt::StopReason::GradientNorm);
  CHECK(b.iterations <= a.iterations);  // ‖g‖∞ ≤ ‖g‖₂
  for (const opt::HistoryRow& row : b.history.rows) {
    REQUIRE(row.x.size() == 0);
  }
  const VectorXd g_end(Eigen::Vector2d(b.x[0], 100.0 * b.x[1]));
  CHECK(b.history.rows.back().gradient_norm == doctest::Approx(g_end.lpNorm<Eigen::Infinity>()));
  CHECK(a.history.rows.back().gradient_norm ==
        doctest::Approx(Eigen::Vector2d(a.x[0], 100.0 * a.x[1]).norm()));
  CHECK(b.message.find("‖∇Q‖∞") != std::string::npos);
  // Solvers report in the chosen norm too.
  const opt::Result s = opt::minimize(f, Eigen::Vector2d(1.0, 1.0), opt::BFGS{}, inf);
  CHECK(s.history.rows[0].gradient_norm == doctest::Approx(100.0));
}
