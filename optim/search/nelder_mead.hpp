// Nelder–Mead (value only), as scipy 1.10's: the initial simplex x₀ and x₀ + 5 % of each
// coordinate (0.00025 for a zero one); per iteration reflect the worst vertex through the centroid
// of the others, then expand, contract outside or inside, or shrink towards the best; coefficients
// ρ = 1, χ = 1 + 2/n, ψ = 3/4 − 1/(2n), σ = 1 − 1/n (Gao & Han 2012, `adaptive`, the default: at
// n ≤ 2 they are the classic 1, 2, 1/2, 1/2, which `adaptive = false` keeps for every n).
// Converged when max |xᵢ − x_best| ≤ xatol and max |fᵢ − f_best| ≤ fatol over the simplex; budgets
// 200·n evaluations and 200·n iterations (scipy's). A NaN value counts as +∞. Not a descent
// method: the monitor never calls a worse trial divergence.
#pragma once

#include <string_view>

#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

struct NelderMead {
  static constexpr std::string_view name = "nelder_mead";
  static constexpr Capabilities needs = Capability::Value;
  static constexpr bool descent = false;
  bool adaptive = true;        // Gao & Han's coefficients (the classic ones at n ≤ 2)
  double xatol = 1e-4;         // simplex size in x at which it has converged
  double fatol = 1e-4;         // spread of the values at which it has converged
  int max_evaluations = 0;     // 0: 200·n
  int max_iterations = 0;      // 0: 200·n
  double initial_step = 0.05;  // relative size of the initial simplex
  double zero_step = 0.00025;  // its absolute size along a coordinate that is 0

  void solve(SolverRun& run) const;
};

}  // namespace nabla::optim
