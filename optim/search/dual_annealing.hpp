// Dual annealing (Xiang, Sun, Fan & Gong 1997; Tsallis & Stariolo 1996), as scipy 1.10's
// dual_annealing: generalized simulated annealing in the box, whose visiting distribution (a
// Tsallis distribution of parameter visit = 2.62, heavy-tailed so that it jumps far at a high
// temperature) proposes 2n points per iteration — n moving every coordinate, n moving one — at
// the temperature T(k) = T₀·(2^(qv−1) − 1)/((k + 2)^(qv−1) − 1); a worse point is accepted with
// the generalized Metropolis probability of parameter accept = −5. After each iteration that
// improved the best, and after 1000 iterations without improvement, a local search: bounded
// L-BFGS-B (lbfgsb.hpp) with the objective's gradient when it has one, else with forward
// differences as scipy does; its evaluations count in the run. Below T₀·restart_temp_ratio the
// annealing restarts from a random point. The box is required and x0 must lie in it; the run is
// seeded by Options::seed (same seed ⇒ the same trajectory). A NaN value counts as +∞.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <string_view>

#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

struct DualAnnealing {
  static constexpr std::string_view name = "dual_annealing";
  static constexpr Capabilities needs = Capability::Value;
  static constexpr bool descent = false;
  Eigen::VectorXd lower = {};  // the box: size n, or 1 for every coordinate (required)
  Eigen::VectorXd upper = {};
  int max_iterations = 1000;         // annealing iterations (scipy's maxiter)
  std::int64_t max_evaluations = 0;  // 0: 10⁷ (scipy's maxfun), local searches included
  double initial_temp = 5230.0;      // T₀
  double restart_temp_ratio = 2e-5;  // re-anneal below T₀·ratio
  double visit = 2.62;               // qv, in (1, 3)
  double accept = -5.0;              // qa, in (−10⁴, −5]
  bool local_search = true;          // false: pure generalized annealing

  void solve(SolverRun& run) const;
};

}  // namespace nabla::optim
