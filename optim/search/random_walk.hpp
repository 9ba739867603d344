// A random walk with the 1/5 success rule ((1+1)-evolution strategy; Rechenberg 1973, Kern et
// al. 2004): from the current point a Gaussian step of σ per coordinate; the trial is kept when
// its value is lower. σ grows by exp(0.8/d) after a success and shrinks by exp(−0.2/d) after a
// failure (d = √(n + 1)), so it settles where one trial in five succeeds — the method for when
// points cannot be sampled independently of the previous one. With a box (optional here) a
// trial is reflected into it and σ is relative to the box width; without one σ is relative to
// max(1, |x0ᵢ|). Converged when σ falls below xtol (relative, like σ). One iteration is n trials.
// Seeded by Options::seed. A NaN value counts as +∞.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <string_view>

#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

struct RandomWalk {
  static constexpr std::string_view name = "random_walk";
  static constexpr Capabilities needs = Capability::Value;
  static constexpr bool descent = false;
  Eigen::VectorXd lower = {};  // the box (optional): size 0, 1 or n
  Eigen::VectorXd upper = {};
  double initial_step = 0.1;  // σ₀, × the box width (or × max(1, |x0ᵢ|) without a box)
  double xtol = 1e-8;         // converged when σ < xtol (the same scale)
  std::int64_t max_evaluations = 0;  // 0: 1000·n

  void solve(SolverRun& run) const;
};

}  // namespace nabla::optim
