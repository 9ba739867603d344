// Proximal gradient for Q(x) = f(x) + Σᵢ λᵢ|xᵢ|, the L1 part taken from Options::penalty.l1
// (the smooth f is the objective plus the penalty's L2 part): each step is a gradient step on
// f followed by the proximal map of the L1 term, soft-thresholding,
//   x⁺ = S(y − ∇f(y)/L, λ/L),  S(v, t)ᵢ = sign(vᵢ)·max(|vᵢ| − tᵢ, 0),
// which sets coordinates exactly to zero — unlike a subgradient step, whose sign(0) = 0 never
// lands on 0. ISTA takes y = x; FISTA (Beck & Teboulle 2009, the default) extrapolates
// y = x + ((t_k − 1)/t_{k+1})(x − x_prev), O(1/k²) instead of O(1/k), restarted (t = 1) whenever
// Q increases (O'Donoghue & Candès 2015). L, the Lipschitz constant of ∇f, is found by
// backtracking: doubled until f(x⁺) ≤ f(y) + ∇f(y)ᵀ(x⁺ − y) + L/2·‖x⁺ − y‖², starting from a
// finite-difference estimate at x₀ and allowed to shrink by `decrease` after each step.
// Converged when the gradient mapping L‖x⁺ − y‖∞ ≤ gtol (x⁺ = x for the smooth optimality
// condition 0 ∈ ∇f(x) + λ∂‖x‖₁).
#pragma once

#include <string_view>

#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

struct ProximalGradient {
  static constexpr std::string_view name = "proximal_gradient";
  static constexpr Capabilities needs = Capability::Value | Capability::Gradient;
  bool accelerated = true;  // FISTA; false: ISTA
  double gtol = 1e-6;       // L·‖x⁺ − y‖∞ at which the run has converged
  double lipschitz = 0.0;   // a known L (then no backtracking); 0: estimate and backtrack
  double decrease = 0.9;    // L ← decrease·L after each step (1: never decreases)

  void solve(SolverRun& run) const;
};

}  // namespace nabla::optim
