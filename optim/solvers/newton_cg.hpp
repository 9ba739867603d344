// Newton–CG, the truncated Newton method (Nocedal & Wright, Algorithm 7.1): the Newton system
// ∇²Q p = −∇Q is solved only approximately, by conjugate gradients on Hessian–vector products
// (autodiff gives them exactly at a few gradients' cost, without forming ∇²Q), to the forcing
// tolerance ‖r‖ ≤ min(0.5, √‖∇Q‖)·‖∇Q‖ — loose far away, tight near the minimum
// (superlinear convergence). CG stops early at a direction of non-positive curvature: the
// iterate so far is the direction, or −∇Q (scaled by its curvature) when that happens at once.
// A strong Wolfe search from α = 1 (scipy's Newton-CG) takes the step. Memory O(n): for large n.
// Converged when ‖∇Q‖∞ ≤ gtol. At the end, the second-order check of 002_…txt when n is at most
// `check_second_order_up_to`: ∇²Q assembled from n Hessian–vector products (counted).
#pragma once

#include <Eigen/Core>

#include <string_view>

#include <nabla/optim/line_search/line_search.hpp>
#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

struct NewtonCG {
  static constexpr std::string_view name = "newton_cg";
  static constexpr Capabilities needs =
      Capability::Value | Capability::Gradient | Capability::HessianVector;
  double gtol = 1e-5;                  // ‖∇Q‖∞ at which the run has converged
  double ftol = 0.0;                   // relative decrease at which it has converged (0: off)
  int max_cg_iterations = 0;           // inner CG iterations per Newton step; 0: 20·n (scipy's)
  LineSearch line_search = {};         // strong Wolfe
  int check_second_order_up_to = 200;  // n above which the final check is skipped

  void solve(SolverRun& run) const;
};

}  // namespace nabla::optim
