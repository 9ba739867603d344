// BFGS, L-BFGS, nonlinear CG and the Moré–Thuente line search. Ceilings from scipy 1.10
// (tests/optim/reference/scipy_rosenbrock.py printed scipy_rosenbrock.txt): on Rosenbrock from
// (−1.2, 1) at gtol 1e-5 (∞-norm) no more iterations and evaluations than scipy's BFGS,
// L-BFGS-B (m = 10) and CG, f ≤ max(1e-10, scipy's f); scipy's own CheckOptimize entropy problem
// within the counts its test suite pins. Closed forms for the rest: an SPD quadratic's minimiser,
// the generalised Rosenbrock's minimum 0 at (1, …, 1), the strong Wolfe conditions themselves.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <Eigen/Dense>

#include <nabla/optim.hpp>

namespace opt = nabla::optim;
using Eigen::VectorXd;
using nabla::Var;
using nabla::VectorXv;

namespace {

struct ScipyRun {
  long nit = 0, nfev = 0, njev = 0;
  double f = 0.0;
};

ScipyRun scipy(const std::string& problem, const std::string& method) {
  std::ifstream in(NABLA_REFERENCE_DIR "/scipy_rosenbrock.txt");
  REQUIRE(in.good());
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string p, m;
    long nhev = 0;
    ScipyRun r;
    if (words >> p >> m >> r.nit >> r.nfev >> r.njev >> nhev >> r.f && p == problem && m == method)
      return r;
  }
  FAIL("no " << problem << " " << method << " in scipy_rosenbrock.txt");
  return {};
}

Var rosenbrock(const VectorXv& x) {
  Var s = 0.0;
  for (Eigen::Index i = 0; i + 1 < x.size(); ++i)
    s += 100.0 * (x[i + 1] - x[i] * x[i]) * (x[i + 1] - x[i] * x[i]) + (1.0 - x[i]) * (1.0 - x[i]);
  return s;
}

// Counts the calls that reach the objective: Result::evaluations must equal them.
class Counted final : public opt::Objective {
 public:
  explicit Counted(opt::Objective& inner) : inner_(inner) {}
  long values = 0, gradients = 0, hessian_vectors = 0;
  [[nodiscard]] std::int64_t samples() const override { return 0; }
  [[nodiscard]] opt::Capabilities capabilities() const override { return inner_.capabilities(); }
  void hessian_vector(const VectorXd& w, const VectorXd& v, VectorXd& hv) override {
    ++hessian_vectors;
    inner_.hessian_vector(w, v, hv);
  }
  double value_gradient(const VectorXd& w, VectorXd& g) override {
    ++values;
    ++gradients;
    return inner_.value_gradient(w, g);
  }
  double value(const VectorXd& w) override {
    ++values;
    return inner_.value(w);
  }
  double batch_value_gradient(const VectorXd&, std::span<const std::int64_t>, VectorXd&) override {
    throw nabla::Error("not a finite sum");
  }

 private:
  opt::Objective& inner_;
};

template <class Method>
void check_against_scipy(const std::string& name, const Method& method) {
  auto f = opt::FullObjective(rosenbrock);
  Counted counted(f);
  const opt::Result r = opt::minimize(counted, Eigen::Vector2d(-1.2, 1.0), method);
  const ScipyRun s = scipy("rosenbrock", name);
  MESSAGE(name << ": nabla " << r.iterations << " iterations, " << r.evaluations.values
               << " evaluations, f = " << r.value << "; scipy " << s.nit << ", " << s.nfev
               << ", f = " << s.f);
  CHECK(r.stop_reason == opt::StopReason::Converged);
  CHECK(r.iterations <= s.nit);
  CHECK(r.evaluations.values <= s.nfev);
  CHECK(r.evaluations.gradients <= s.njev);
  CHECK(r.value <= std::max(1e-10, s.f));
  CHECK(r.evaluations.values == counted.values);
  CHECK(r.evaluations.gradients == counted.gradients);
  CHECK(r.evaluations.hessian_vectors == counted.hessian_vectors);
}

}  // namespace

TEST_CASE("BFGS on Rosenbrock: no more iterations and evaluations than scipy's BFGS") {
  check_against_scipy("bfgs", opt::BFGS{});
  // Goldens that may not grow (scipy's figures today: the same).
  const opt::Result r = opt::minimize(rosenbrock, Eigen::Vector2d(-1.2, 1.0), opt::BFGS{});
  CHECK(r.iterations <= 32);
  CHECK(r.evaluations.values <= 39);
}

TEST_CASE("L-BFGS on Rosenbrock: no more than scipy's L-BFGS-B (m = 10)") {
  // scipy's run had ftol = 0 so that gtol decides; the default ftol stops a little earlier.
  check_against_scipy("lbfgsb", opt::LBFGS{.ftol = 0.0});
  const opt::Result r = opt::minimize(rosenbrock, Eigen::Vector2d(-1.2, 1.0), opt::LBFGS{});
  CHECK(r.iterations <= 37);
  CHECK(r.evaluations.values <= 45);
  CHECK(r.value <= 1e-10);
}

TEST_CASE("conjugate gradients on Rosenbrock: no more than scipy's CG (Polak–Ribière+)") {
  check_against_scipy("cg", opt::ConjugateGradient{});
  const opt::Result r =
      opt::minimize(rosenbrock, Eigen::Vector2d(-1.2, 1.0), opt::ConjugateGradient{});
  CHECK(r.iterations <= 22);  // goldens that may not grow (scipy: 36 and 78)
  CHECK(r.evaluations.values <= 68);
  // Fletcher–Reeves (with Powell's restart) and Hestenes–Stiefel+ converge within scipy's counts.
  for (const auto beta : {opt::ConjugateGradient::Beta::FletcherReeves,
                          opt::ConjugateGradient::Beta::HestenesStiefelPlus}) {
    const opt::Result b =
        opt::minimize(rosenbrock, Eigen::Vector2d(-1.2, 1.0), opt::ConjugateGradient{.beta = beta});
    CHECK(b.stop_reason == opt::StopReason::Converged);
    CHECK(b.iterations <= 36);
    CHECK(b.evaluations.values <= 78);
    CHECK(b.value <= 1e-10);
  }
}

TEST_CASE("Newton–CG on Rosenbrock: no more than scipy's Newton-CG with the exact Hessian") {
  // scipy stops Newton-CG on its step (xtol), ours on gtol 1e-5 in ∞: iterations and value +
  // gradient evaluations may not exceed scipy's, nor f max(1e-10, scipy's f).
  check_against_scipy("newton_cg", opt::NewtonCG{});
  const opt::Result r = opt::minimize(rosenbrock, Eigen::Vector2d(-1.2, 1.0), opt::NewtonCG{});
  CHECK(r.iterations <= 80);  // goldens that may not grow (scipy: 83 and 105)
  CHECK(r.evaluations.values <= 102);
  CHECK(r.evaluations.hessian_vectors <= 136);  // with the 2 of the final second-order check
  REQUIRE(r.second_order.has_value());
  CHECK(*r.second_order == nabla::StationaryKind::LocalMinimum);
}

TEST_CASE("scipy's CheckOptimize entropy problem within its pinned counts") {
  // log Σ exp(F x) − Kᵀx, F the 5×3 0/1 matrix of scipy's test, K = (1, 0.3, 0.5), x0 = 0.
  Eigen::MatrixXd F(5, 3);
  F << 1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0;
  const Eigen::Vector3d K(1.0, 0.3, 0.5);
  auto entropy = [&](const VectorXv& x) {
    Var z = 0.0;
    for (Eigen::Index i = 0; i < 5; ++i) z += exp(F(i, 0) * x[0] + F(i, 1) * x[1] + F(i, 2) * x[2]);
    return log(z) - (K[0] * x[0] + K[1] * x[1] + K[2] * x[2]);
  };
  const opt::Result c = opt::minimize(entropy, VectorXd::Zero(3), opt::ConjugateGradient{});
  MESSAGE("CG " << c.evaluations.values << " f / " << c.evaluations.gradients << " g");
  CHECK(c.evaluations.values <= 9);
  CHECK(c.evaluations.gradients <= 7);
  const opt::Result b = opt::minimize(entropy, VectorXd::Zero(3), opt::BFGS{});
  const opt::Result l = opt::minimize(entropy, VectorXd::Zero(3), opt::LBFGS{});
  MESSAGE("BFGS " << b.evaluations.values << " f / " << b.evaluations.gradients << " g; L-BFGS "
                  << l.evaluations.values << " / " << l.evaluations.gradients);
  CHECK(b.evaluations.values <= 10);
  CHECK(b.evaluations.gradients <= 8);
  CHECK(l.evaluations.values <= 7);
  CHECK(l.evaluations.gradients <= 5);
  const double f_star = scipy("entropy", "bfgs").f;
  CHECK(b.value == doctest::Approx(f_star).epsilon(1e-10));
  CHECK(l.value == doctest::Approx(f_star).epsilon(1e-10));
  CHECK(c.value == doctest::Approx(f_star).epsilon(1e-10));
}

TEST_CASE("an SPD quadratic with condition number 1e3: BFGS and L-BFGS reach x* = A⁻¹b") {
  // A = Q diag(logspace(0, 3, 50)) Qᵀ, Q from the QR of a seeded Gaussian matrix.
  std::mt19937 gen(42);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd G(50, 50);
  for (Eigen::Index k = 0; k < G.size(); ++k) G.reshaped()[k] = normal(gen);
  const Eigen::MatrixXd Q = Eigen::HouseholderQR<Eigen::MatrixXd>(G).householderQ();
  VectorXd lambda(50), b(50);
  for (int i = 0; i < 50; ++i) lambda[i] = std::pow(10.0, 3.0 * i / 49.0);
  for (int i = 0; i < 50; ++i) b[i] = normal(gen);
  const Eigen::MatrixXd QLQ = Q * lambda.asDiagonal() * Q.transpose();
  const Eigen::MatrixXd A =
      0.5 * (QLQ + QLQ.transpose());  // exactly symmetric, whichever product kernel
  const VectorXd x_star = A.ldlt().solve(b);
  auto quadratic = [&](const VectorXv& x) {
    Var s = 0.0;
    for (Eigen::Index i = 0; i < 50; ++i) {
      Var ax = 0.0;
      for (Eigen::Index j = 0; j < 50; ++j) ax += A(i, j) * x[j];
      s += 0.5 * x[i] * ax - b[i] * x[i];
    }
    return s;
  };
  const opt::Result l =
      opt::minimize(quadratic, VectorXd::Zero(50), opt::LBFGS{.gtol = 1e-6, .ftol = 0.0},
                    {.stop = {.max_iterations = 400}});
  MESSAGE("L-BFGS: " << l.iterations << " iterations (scipy: 241): " << l.message);
  CHECK(l.stop_reason == opt::StopReason::Converged);
  CHECK((l.x - x_star).lpNorm<Eigen::Infinity>() <= 1e-6);
  const opt::Result bf = opt::minimize(quadratic, VectorXd::Zero(50), opt::BFGS{.gtol = 1e-6},
                                       {.stop = {.max_iterations = 400}});
  CHECK(bf.stop_reason == opt::StopReason::Converged);
  CHECK((bf.x - x_star).lpNorm<Eigen::Infinity>() <= 1e-6);
  const opt::Result cg =
      opt::minimize(quadratic, VectorXd::Zero(50), opt::ConjugateGradient{.gtol = 1e-6},
                    {.stop = {.max_iterations = 400}});
  MESSAGE("nonlinear CG: " << cg.iterations << " iterations: " << cg.message);
  // Near ‖∇Q‖∞ = 1e-6 the decrease left, ½·eᵀAe ≈ 1e-13, is a few ulp of Q(x) ≈ −20, so whether
  // the last line search still sees it depends on the rounding of A (Eigen's or BLAS's product
  // kernel): a precision stop is as good as gtol there, if the gradient is in fact that small.
  CHECK((cg.stop_reason == opt::StopReason::Converged ||
         cg.stop_reason == opt::StopReason::LineSearchFailed));
  CHECK((A * cg.x - b).lpNorm<Eigen::Infinity>() <= 2e-6);
  CHECK((cg.x - x_star).lpNorm<Eigen::Infinity>() <= 1e-6);
}

TEST_CASE("generalised Rosenbrock n = 100 from (−1.2, 1, …): L-BFGS to f <= 1e-8") {
  VectorXd x0(100);
  for (Eigen::Index i = 0; i < 100; ++i) x0[i] = i % 2 == 0 ? -1.2 : 1.0;
  const opt::Result r =
      opt::minimize(rosenbrock, x0, opt::LBFGS{.gtol = 1e-6}, {.stop = {.max_iterations = 2000}});
  MESSAGE("L-BFGS n = 100: " << r.iterations << " iterations (scipy: 516), f = " << r.value);
  CHECK(r.iterations <= 2000);
  CHECK(r.value <= 1e-8);
  // The same run twice is bit-identical.
  const opt::Result again =
      opt::minimize(rosenbrock, x0, opt::LBFGS{.gtol = 1e-6}, {.stop = {.max_iterations = 2000}});
  CHECK(again.x == r.x);
  CHECK(again.evaluations.values == r.evaluations.values);
}

TEST_CASE("a start where Q is NaN ends with success = false, not a throw") {
  auto f = [](const VectorXv& x) { return sqrt(x[0]) + x[1] * x[1]; };
  const opt::Result r = opt::minimize(f, Eigen::Vector2d(-1.0, 1.0), opt::LBFGS{});
  CHECK(r.stop_reason == opt::StopReason::Diverged);
  CHECK_FALSE(r.success());
}

TEST_CASE("Moré–Thuente returns steps satisfying the strong Wolfe conditions") {
  // φ(α) = Q(x + αd) on Rosenbrock from many starts along −∇Q and along a poor direction, from
  // initial steps 1e-3 … 1e3; the accepted α must satisfy both conditions (c1 1e-4, c2 0.9 and
  // the conjugate-gradient setting c2 = 0.1).
  auto f = opt::FullObjective(rosenbrock);
  std::mt19937 gen(3);
  std::uniform_real_distribution<double> u(-2.0, 2.0);
  int searches = 0;
  for (const double c2 : {0.9, 0.1})
    for (int trial = 0; trial < 50; ++trial) {
      const VectorXd x = Eigen::Vector2d(u(gen), u(gen));
      VectorXd g;
      const double q = f.value_gradient(x, g);
      const VectorXd d =
          trial % 2 == 0
              ? VectorXd(-g)
              : VectorXd(-g + 0.9 * g.norm() * Eigen::Vector2d(-g[1], g[0]).normalized());
      for (const double alpha0 : {1e-3, 1e-1, 1.0, 10.0, 1e3}) {
        opt::Options o;
        opt::SolverRun run(f, x, "more_thuente_test",
                           opt::Capability::Value | opt::Capability::Gradient, o);
        opt::LineFunction phi(run, x, q, g, d);
        const opt::MoreThuente search{.c2 = c2};
        const opt::LineSearchOutcome out = search.search(phi, alpha0 / g.norm());
        INFO("c2 " << c2 << " trial " << trial << " alpha0 " << alpha0 << ": " << out.failure);
        REQUIRE(out.success);
        VectorXd ga;
        const double qa = f.value_gradient(x + out.alpha * d, ga);
        CHECK(qa <= q + 1e-4 * out.alpha * g.dot(d));
        CHECK(std::abs(ga.dot(d)) <= c2 * std::abs(g.dot(d)) * (1 + 1e-12));
        CHECK(qa == out.value);
        CHECK(out.trials <= 20);
        ++searches;
      }
    }
  CHECK(searches == 500);
}
