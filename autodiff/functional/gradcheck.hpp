// gradcheck: the tape's gradient against central finite differences — a teaching and testing
// tool. The error is max|g − g_fd| / max(1, ‖g‖∞), reported with the index where it is worst.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>

#include <nabla/autodiff/functional/gradient.hpp>

namespace nabla {

struct GradcheckResult {
  double error = 0.0;            // max|g − g_fd| / max(1, ‖g‖∞)
  Eigen::Index worst_index = 0;  // where |g − g_fd| is largest
  double value = 0.0;            // f(x)
  Eigen::VectorXd gradient;      // from the tape
  Eigen::VectorXd finite_difference;
  [[nodiscard]] bool passed(double tolerance = 1e-6) const { return error <= tolerance; }
};

// Central differences with step h·max(1, |xᵢ|); h defaults to ε^(1/3), which balances
// truncation and rounding error for a smooth f.
template <class F>
GradcheckResult gradcheck(F&& f, const Eigen::VectorXd& x, double h = 0.0) {
  if (h <= 0.0) h = std::cbrt(std::numeric_limits<double>::epsilon());
  GradcheckResult r;
  std::tie(r.value, r.gradient) = value_and_gradient(f, x);
  // Constant Vars record nothing: evaluating f on them is evaluating it on doubles.
  auto eval = [&f](const Eigen::VectorXd& p) {
    const VectorXv pv = p.cast<Var>();
    return value(std::invoke(f, pv));
  };
  r.finite_difference.resize(x.size());
  Eigen::VectorXd p = x;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double step = h * std::max(1.0, std::abs(x[i]));
    p[i] = x[i] + step;
    const double up = eval(p);
    p[i] = x[i] - step;
    const double down = eval(p);
    p[i] = x[i];
    r.finite_difference[i] = (up - down) / (2.0 * step);
  }
  // maxCoeff of an empty vector is undefined (an assertion in debug builds).
  if (x.size() == 0) return r;
  const Eigen::VectorXd diff = (r.gradient - r.finite_difference).cwiseAbs();
  const double scale = std::max(1.0, r.gradient.cwiseAbs().maxCoeff());
  r.error = diff.maxCoeff(&r.worst_index) / scale;
  if (!std::isfinite(r.error)) r.error = std::numeric_limits<double>::infinity();
  return r;
}

}  // namespace nabla
