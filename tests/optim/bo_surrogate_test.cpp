// The Bayesian-optimisation surrogate's additions to the plain GP: log expected improvement
// against mpmath at 60 digits (reference/mpmath_log_ei.py), the quadratic prior mean against a
// dense generalised-least-squares solve written out here, and the gradients of the profiled
// likelihood, of the length-scale priors and of the predictions against central differences.
#include <doctest/doctest.h>

#include <Eigen/LU>

#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include <nabla/optim.hpp>

#include "reference_lines.hpp"

namespace opt = nabla::optim;

namespace {

// 15 points in the unit cube and a bowl-shaped function with a wiggle.
void bowl_data(Eigen::MatrixXd& X, Eigen::VectorXd& y) {
  opt::Rng rng(5);
  X.resize(15, 3);
  y.resize(15);
  for (Eigen::Index i = 0; i < 15; ++i) {
    for (Eigen::Index k = 0; k < 3; ++k) X(i, k) = rng.uniform();
    y[i] = 2.0 + 3.0 * (X.row(i).array() - 0.5).square().sum() + 0.3 * std::sin(5 * X(i, 0));
  }
}

double matern52(double r) {
  const double s = std::sqrt(5.0) * r;
  return (1.0 + s + s * s / 3.0) * std::exp(-s);
}

}  // namespace

TEST_CASE("log expected improvement: log h(z) and its slope against mpmath, z from 5 to -1e10") {
  const auto lines = reference_lines("mpmath_log_ei.txt");
  REQUIRE(lines.size() == 26);
  for (const auto& line : lines) {
    std::istringstream row(line);
    double z = 0, value = 0, slope = 0;
    row >> z >> value >> slope;
    double s = 0.0;
    const double v = opt::log_h(z, &s);
    INFO("z = ", z);
    CHECK(std::abs(v - value) <= 1e-13 * std::max(1.0, std::abs(value)));
    CHECK(std::abs(s - slope) <= 1e-12 * std::max(1.0, std::abs(slope)));
  }
}

TEST_CASE("log expected improvement: the log of EI where EI is representable, finite beyond") {
  for (const double mean : {-1.0, 0.0, 0.5, 2.0, 3.5})
    for (const double std : {0.1, 1.0, 3.0}) {
      const double ei = opt::expected_improvement(mean, std, 0.2, 0.01);
      INFO("mean ", mean, " std ", std);
      REQUIRE(ei > 0);
      CHECK(opt::log_expected_improvement(mean, std, 0.2, 0.01) ==
            doctest::Approx(std::log(ei)).epsilon(1e-12));
    }
  // 60 standard deviations above the best: EI underflows, its log does not.
  CHECK(opt::expected_improvement(60.0, 1.0, 0.0, 0.0) == 0.0);
  const double log_ei = opt::log_expected_improvement(60.0, 1.0, 0.0, 0.0);
  CHECK(std::isfinite(log_ei));
  CHECK(log_ei == doctest::Approx(opt::log_h(-60.0)).epsilon(1e-15));
  // σ = 0: the improvement itself, or -inf without one.
  CHECK(opt::log_expected_improvement(-1.0, 0.0, 0.0, 0.0) == doctest::Approx(0.0));
  CHECK(opt::log_expected_improvement(1.0, 0.0, 0.0, 0.0) ==
        -std::numeric_limits<double>::infinity());
}

TEST_CASE("Gaussian process: the quadratic prior mean equals a dense GLS solve") {
  Eigen::MatrixXd X;
  Eigen::VectorXd y;
  bowl_data(X, y);
  const Eigen::Vector3d ell(0.4, 0.5, 0.6);
  const double c = 1.3, noise = 1e-6, jitter = 1e-10;
  opt::GaussianProcess gp({.optimize = false, .jitter = jitter, .quadratic_mean = true},
                          {.constant = c, .length_scales = ell, .noise = noise});
  gp.fit(X, y);
  // The same posterior mean, written out: y normalised (ddof 0), H = [1, ‖x − ½‖²],
  // β = (HᵀK⁻¹H)⁻¹HᵀK⁻¹y, μ(x*) = h*ᵀβ + k*ᵀK⁻¹(y − Hβ).
  const Eigen::Index n = X.rows();
  const double mu_y = y.mean();
  const double sd_y = std::sqrt((y.array() - mu_y).square().mean());
  const Eigen::VectorXd yn = (y.array() - mu_y) / sd_y;
  auto kern = [&](const Eigen::RowVectorXd& a, const Eigen::RowVectorXd& b) {
    return c * matern52(((a - b).array() / ell.transpose().array()).matrix().norm());
  };
  auto h = [](const Eigen::RowVectorXd& a) {
    return Eigen::RowVector2d(1.0, (a.array() - 0.5).square().sum());
  };
  Eigen::MatrixXd K(n, n), H(n, 2);
  for (Eigen::Index i = 0; i < n; ++i) {
    H.row(i) = h(X.row(i));
    for (Eigen::Index j = 0; j < n; ++j) K(i, j) = kern(X.row(i), X.row(j));
  }
  K.diagonal().array() += noise + jitter;
  const Eigen::MatrixXd Kinv = K.fullPivLu().inverse();
  const Eigen::Vector2d beta =
      (H.transpose() * Kinv * H).fullPivLu().solve(H.transpose() * Kinv * yn);
  const Eigen::VectorXd a = Kinv * (yn - H * beta);
  opt::Rng rng(8);
  Eigen::MatrixXd Xs(6, 3);
  for (Eigen::Index i = 0; i < Xs.size(); ++i) Xs.data()[i] = rng.uniform();
  Eigen::VectorXd mean, std;
  gp.predict(Xs, mean, std);
  for (Eigen::Index i = 0; i < Xs.rows(); ++i) {
    Eigen::VectorXd ks(n);
    for (Eigen::Index j = 0; j < n; ++j) ks[j] = kern(Xs.row(i), X.row(j));
    const double expected = (h(Xs.row(i)).dot(beta) + ks.dot(a)) * sd_y + mu_y;
    CHECK(mean[i] == doctest::Approx(expected).epsilon(1e-9));
  }
  // The bowl is what the data mostly are: β₁ > 0, and the fit interpolates.
  CHECK(beta[1] > 0);
  gp.predict(X, mean, std);
  CHECK((mean - y).lpNorm<Eigen::Infinity>() < 1e-4);
  // The profiled likelihood: that of the residual, the log-determinant unchanged.
  const double log_det = std::log(K.determinant());
  const Eigen::VectorXd r = yn - H * beta;
  const double lml = -0.5 * r.dot(Kinv * r) - 0.5 * log_det -
                     0.5 * static_cast<double>(n) * std::log(2.0 * std::numbers::pi);
  CHECK(gp.log_marginal_likelihood() == doctest::Approx(lml).epsilon(1e-10));
}

TEST_CASE(
    "Gaussian process: profiled likelihood and length-scale priors, gradients vs differences") {
  Eigen::MatrixXd X;
  Eigen::VectorXd y;
  bowl_data(X, y);
  Eigen::VectorXd theta(5);
  theta << 0.2, std::log(0.3), std::log(0.7), std::log(1.5), std::log(1e-3);
  const opt::LengthScalePrior priors[] = {opt::LengthScalePrior::none(),
                                          opt::LengthScalePrior::gamma(3.0, 6.0),
                                          opt::LengthScalePrior::log_normal(-0.5, 1.2)};
  for (const auto& prior : priors) {
    opt::GaussianProcess gp({.optimize = false, .length_prior = prior, .quadratic_mean = true});
    gp.fit(X, y);
    auto posterior = [&](const Eigen::VectorXd& t) {
      return gp.log_marginal_likelihood(t, nullptr) + gp.log_prior(t, nullptr);
    };
    Eigen::VectorXd grad;
    (void)gp.log_marginal_likelihood(theta, &grad);
    (void)gp.log_prior(theta, &grad);
    for (Eigen::Index k = 0; k < theta.size(); ++k) {
      const double step = 1e-5;
      Eigen::VectorXd tp = theta, tm = theta;
      tp[k] += step;
      tm[k] -= step;
      INFO("prior kind ", static_cast<int>(prior.kind), ", θ index ", k);
      CHECK(grad[k] == doctest::Approx((posterior(tp) - posterior(tm)) / (2 * step)).epsilon(1e-6));
    }
  }
  // The priors' values in closed form: Gamma(3, 6) gives Σ 2 log ℓ − 6ℓ, LogNormal(μ, σ)
  // Σ −log ℓ − (log ℓ − μ)²/(2σ²).
  const Eigen::Vector3d ell(0.3, 0.7, 1.5);
  double gamma = 0.0, log_normal = 0.0;
  for (const double l : ell) {
    gamma += 2.0 * std::log(l) - 6.0 * l;
    log_normal += -std::log(l) - std::pow(std::log(l) + 0.5, 2) / (2 * 1.44);
  }
  opt::GaussianProcess g1({.length_prior = opt::LengthScalePrior::gamma(3.0, 6.0)});
  opt::GaussianProcess g2({.length_prior = opt::LengthScalePrior::log_normal(-0.5, 1.2)});
  CHECK(g1.log_prior(theta, nullptr) == doctest::Approx(gamma).epsilon(1e-14));
  CHECK(g2.log_prior(theta, nullptr) == doctest::Approx(log_normal).epsilon(1e-14));
  CHECK(opt::GaussianProcess().log_prior(theta, nullptr) == 0.0);
  CHECK_THROWS_WITH_AS((void)opt::LengthScalePrior::gamma(0.0, 1.0),
                       doctest::Contains("shape = 0 and rate = 1 must be finite and > 0"),
                       nabla::Error);
  CHECK_THROWS_WITH_AS((void)opt::LengthScalePrior::log_normal(0.0, -1.0),
                       doctest::Contains("sigma = -1 finite and > 0"), nabla::Error);
}

TEST_CASE("Gaussian process: prediction gradients with the quadratic mean vs differences") {
  Eigen::MatrixXd X;
  Eigen::VectorXd y;
  bowl_data(X, y);
  opt::Rng rng(2);
  opt::GaussianProcess gp({.quadratic_mean = true});
  gp.fit(X, y, &rng);
  const Eigen::Vector3d x(0.31, 0.77, 0.12);
  double mean = 0, std = 0;
  Eigen::VectorXd dmean, dstd;
  gp.predict_gradient(x, mean, std, dmean, dstd);
  Eigen::VectorXd m, s;
  gp.predict_normalized(x.transpose(), m, s);
  CHECK(mean == doctest::Approx(m[0]).epsilon(1e-12));
  CHECK(std == doctest::Approx(s[0]).epsilon(1e-10));
  for (Eigen::Index k = 0; k < 3; ++k) {
    const double step = 1e-6;
    Eigen::Vector3d xp = x, xm = x;
    xp[k] += step;
    xm[k] -= step;
    Eigen::VectorXd mp, sp, mm, sm;
    gp.predict_normalized(xp.transpose(), mp, sp);
    gp.predict_normalized(xm.transpose(), mm, sm);
    INFO("coordinate ", k);
    CHECK(dmean[k] == doctest::Approx((mp[0] - mm[0]) / (2 * step)).epsilon(1e-6));
    CHECK(dstd[k] == doctest::Approx((sp[0] - sm[0]) / (2 * step)).epsilon(1e-6));
  }
}
