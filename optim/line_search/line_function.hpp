// The seam between a method and its line search: φ(α) = Q(x + α d) along a direction d from an
// evaluated point (Q(x), ∇Q(x)), evaluated through the run (so every trial is counted). A
// non-finite trial value is +inf: the search rejects it and shrinks, never stops on it.
// A line search is a small policy with one member,
//   LineSearchOutcome search(LineFunction& phi, double alpha0) const;
// used by gradient descent (SteepestDescent) and by every solver that takes a direction.
#pragma once

#include <Eigen/Core>

#include <cmath>
#include <limits>
#include <string>

#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

class LineFunction {
 public:
  LineFunction(SolverRun& run, const Eigen::VectorXd& x, double q, const Eigen::VectorXd& g,
               const Eigen::VectorXd& d)
      : run_(run), x_(x), d_(d), phi0_(q), slope0_(g.dot(d)) {}

  [[nodiscard]] double phi0() const noexcept { return phi0_; }
  // φ′(0) = ∇Q(x)·d, negative for a descent direction.
  [[nodiscard]] double slope0() const noexcept { return slope0_; }
  [[nodiscard]] const Eigen::VectorXd& direction() const noexcept { return d_; }

  // φ(α), value only.
  double value(double alpha) {
    trial_at(alpha);
    has_gradient_ = false;
    return as_trial(run_.value(trial_x_));
  }
  // φ(α) and φ′(α) = ∇Q(x + αd)·d (the gradient is kept: trial_gradient()).
  double value_slope(double alpha, double& slope) {
    trial_at(alpha);
    const double q = as_trial(run_.value_gradient(trial_x_, trial_g_));
    has_gradient_ = trial_g_.allFinite();
    slope = has_gradient_ ? trial_g_.dot(d_) : std::numeric_limits<double>::quiet_NaN();
    return q;
  }

  // The last trial: its point, and its gradient when value_slope computed one.
  [[nodiscard]] const Eigen::VectorXd& trial_x() const noexcept { return trial_x_; }
  [[nodiscard]] bool has_trial_gradient() const noexcept { return has_gradient_; }
  [[nodiscard]] const Eigen::VectorXd& trial_gradient() const noexcept { return trial_g_; }
  [[nodiscard]] double trial_alpha() const noexcept { return alpha_; }
  // Whether the last trial point differs from x: a step below the resolution of x leaves it
  // where it is, and Q(x + αd) = Q(x) then "decreases enough" for any tolerance.
  [[nodiscard]] bool trial_moved() const { return trial_x_ != x_; }

 private:
  void trial_at(double alpha) {
    alpha_ = alpha;
    trial_x_ = x_ + alpha * d_;
  }
  static double as_trial(double q) {
    return std::isfinite(q) ? q : std::numeric_limits<double>::infinity();
  }

  SolverRun& run_;
  const Eigen::VectorXd& x_;
  const Eigen::VectorXd& d_;
  double phi0_;
  double slope0_;
  double alpha_ = 0.0;
  bool has_gradient_ = false;
  Eigen::VectorXd trial_x_, trial_g_;
};

// What a search returns: the accepted step and φ there, or why none was accepted.
struct LineSearchOutcome {
  bool success = false;
  double alpha = 0.0;
  double value = std::numeric_limits<double>::infinity();
  int trials = 0;
  std::string failure;  // empty on success
};

}  // namespace nabla::optim
