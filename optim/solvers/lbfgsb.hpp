// L-BFGS with box bounds l ≤ x ≤ u, by the projected (two-metric) method (Bertsekas 1982;
// Kim, Sra & Dhillon 2010): the variables at a bound whose gradient pushes outward are held
// there (the active set); the L-BFGS direction (lbfgs.hpp's pairs and two-loop recursion, on
// the gradient of the free variables) moves the rest, and a backtracking search along the
// projected path x(α) = P(x + αd) accepts the first α with
//   Q(x(α)) ≤ Q(x) + c1·∇Q(x)ᵀ(x(α) − x)   (Armijo along the path).
// It is not Byrd, Lu, Nocedal & Zhu's generalised Cauchy point and subspace minimisation (scipy's
// L-BFGS-B), but it stops on the same test: the projected gradient P(x − ∇Q) − x has ∞-norm
// ≤ gtol, or the relative decrease is ≤ ftol (scipy's defaults: m = 10, gtol 1e-5, ftol 2.2e-9).
// x0 outside the box is projected onto it first. Bounds have size 0 (none), 1 (the same for
// every coordinate) or n; ±inf entries leave a side open.
#pragma once

#include <Eigen/Core>

#include <string_view>

#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

struct LBFGSB {
  static constexpr std::string_view name = "lbfgsb";
  static constexpr Capabilities needs = Capability::Value | Capability::Gradient;
  Eigen::VectorXd lower = {};  // l: size 0, 1 or n
  Eigen::VectorXd upper = {};  // u: size 0, 1 or n
  int m = 10;                  // pairs kept
  double gtol = 1e-5;          // ‖P(x − ∇Q) − x‖∞ at which the run has converged
  double ftol = 2.220446049250313e-9;  // relative decrease at which it has converged (0: off)
  double c1 = 1e-4;                    // the path search's sufficient-decrease constant
  double shrink = 0.5;                 // its step factor
  int max_trials = 60;                 // its trials per iteration

  void solve(SolverRun& run) const;
};

}  // namespace nabla::optim
