// OWL-QN, orthant-wise limited-memory quasi-Newton (Andrew & Gao 2007), for
// Q(x) = f(x) + Σᵢ λᵢ|xᵢ| with the L1 part from Options::penalty.l1 (f the objective plus the
// penalty's L2 part). L-BFGS on the pseudo-gradient ◇Q — ∇f + λ·sign(x) off zero, and at
// xᵢ = 0 the one-sided derivative that descends (0 when neither does) — with three changes:
// the direction's components that disagree in sign with −◇Q are zeroed; every trial point is
// projected onto the orthant of the current x (sign(xᵢ), or sign(−◇Qᵢ) at 0), so coordinates
// that would cross zero stop exactly at 0; and the pairs (s, y) use ∇f only. Backtracking
// Armijo on Q along the projected path. Converged when ‖◇Q‖∞ ≤ gtol, or on the relative
// decrease ftol (L-BFGS's defaults). Coordinates without an L1 weight (λᵢ = 0, the excluded
// one) are plain L-BFGS coordinates: neither filtered nor held to an orthant.
#pragma once

#include <string_view>

#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

struct OWLQN {
  static constexpr std::string_view name = "owlqn";
  static constexpr Capabilities needs = Capability::Value | Capability::Gradient;
  int m = 10;                          // pairs kept
  double gtol = 1e-5;                  // ‖◇Q‖∞ at which the run has converged
  double ftol = 2.220446049250313e-9;  // relative decrease at which it has converged (0: off)
  double c1 = 1e-4;                    // sufficient-decrease constant of the search
  double shrink = 0.5;                 // its step factor
  int max_trials = 60;                 // its trials per iteration

  void solve(SolverRun& run) const;
};

}  // namespace nabla::optim
