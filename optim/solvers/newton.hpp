// Newton's method with the exact Hessian (Nocedal & Wright, Algorithm 3.2 and section 3.4): the
// direction d solves ∇²Q d = −∇Q where the Cholesky factorisation of ∇²Q succeeds (positive
// definite). Elsewhere the Hessian is modified to a positive-definite one, so that d is a descent
// direction:
//   Eigenvalues (default)  ∇²Q = VΛVᵀ → V·max(|Λ|, δ)·Vᵀ, δ = √ε·max|λ| (N&W eq. 3.39 with
//                          |λ|): a direction of negative curvature is followed downhill, which
//                          leaves saddle points; O(n³) per modified step.
//   ShiftedCholesky        ∇²Q + τI with the first τ of max(β, β − min ∇²Qᵢᵢ)·(1, 2, 4, …) whose
//                          Cholesky factorisation succeeds (N&W Algorithm 3.3).
// A line search from α = 1 damps the step (backtracking Armijo by default, with the gradient
// evaluated at the first trial: the Newton step is usually accepted at once, and near the
// minimum the convergence is quadratic). O(n²) memory and an n³/3 factorisation per iteration:
// for n up to a few thousand; Newton–CG (newton_cg.hpp) needs only Hessian–vector products.
// Converged when ‖∇Q‖∞ ≤ gtol (or, with ftol > 0, on the relative decrease). At the end, the
// second-order check of 002_…txt at the last point (Result::second_order): a local minimum when
// ∇Q vanishes and every eigenvalue of ∇²Q is positive.
#pragma once

#include <string_view>

#include <nabla/optim/line_search/line_search.hpp>
#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

struct Newton {
  static constexpr std::string_view name = "newton";
  static constexpr Capabilities needs =
      Capability::Value | Capability::Gradient | Capability::Hessian;
  double gtol = 1e-5;  // ‖∇Q‖∞ at which the run has converged
  double ftol = 0.0;   // relative decrease at which it has converged (0: off)
  enum class Modification { Eigenvalues, ShiftedCholesky };
  Modification modification = Modification::Eigenvalues;
  double shift = 1e-3;  // β: the first multiple of I added by ShiftedCholesky
  LineSearch line_search = LineSearch::backtracking({.gradient_first = true});
  bool check_second_order = true;  // classify the last point by ∇²Q's eigenvalues

  void solve(SolverRun& run) const;
};

}  // namespace nabla::optim
