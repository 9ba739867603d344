// Expected improvement and its stable logarithm.
#include <nabla/optim/tuning/expected_improvement.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace nabla::optim {

namespace {

double normal_pdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi); }
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

// erfcx(t) = exp(t²)·erfc(t), for 0 ≤ t < 3.6 only (a < 5 below): relative error ~t²·ε.
double erfcx(double t) { return std::exp(t * t) * std::erfc(t); }

}  // namespace

double expected_improvement(double mean, double std, double best, double xi) {
  if (std <= 0.0) return std::max(best - mean - xi, 0.0);
  const double imp = best - mean - xi, z = imp / std;
  return imp * normal_cdf(z) + std * normal_pdf(z);
}

double log_h(double z, double* slope) {
  const double log_sqrt_2pi = 0.5 * std::log(2.0 * std::numbers::pi);
  if (z > -1.0) {
    const double cdf = normal_cdf(z), h = normal_pdf(z) + z * cdf;
    if (slope != nullptr) *slope = cdf / h;
    return std::log(h);
  }
  // h(z) = φ(z)·b, b = 1 − a·R(a) ∈ (0, 1) with a = −z and R Mills' ratio Φ(z)/φ(z): no
  // exp(−z²/2) is formed. Up to a = 5, R = √(π/2)·erfcx(a/√2) and the subtraction loses at most
  // a² of accuracy; beyond, the continued fraction R = 1/(a + f), f = 1/(a + 2/(a + 3/(a + …)))
  // gives b = f·R with no cancellation at all (Φ(z)/h(z) = 1/f).
  const double a = -z;
  double b = 0.0, ratio = 0.0;
  if (a < 5.0) {
    const double R = std::sqrt(0.5 * std::numbers::pi) * erfcx(a / std::numbers::sqrt2);
    b = 1.0 - a * R;
    ratio = R / b;
  } else {
    double f = 0.0;  // backward evaluation: 60 levels are exact to rounding for a ≥ 5
    for (int k = 60; k >= 1; --k) f = k / (a + f);
    b = f / (a + f);
    ratio = 1.0 / f;
  }
  if (slope != nullptr) *slope = ratio;
  return -0.5 * z * z - log_sqrt_2pi + std::log(b);
}

double log_expected_improvement(double mean, double std, double best, double xi) {
  if (std <= 0.0) {
    const double imp = best - mean - xi;
    return imp > 0.0 ? std::log(imp) : -std::numeric_limits<double>::infinity();
  }
  return std::log(std) + log_h((best - mean - xi) / std);
}

}  // namespace nabla::optim
