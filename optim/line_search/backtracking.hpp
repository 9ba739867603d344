// Backtracking line search with the Armijo (sufficient decrease) condition
//   φ(α) ≤ φ(0) + c1·α·φ′(0),
// trying α0, ρα0, ρ²α0, … (Nocedal & Wright, Algorithm 3.1). Value evaluations only; a
// non-finite trial counts as +inf and is shrunk past. It fails, with a reason, when d is not a
// descent direction (φ′(0) ≥ 0), when the step no longer changes x (below its resolution), or
// when max_trials steps were all rejected.
#pragma once

#include <fmt/format.h>

#include <cmath>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/line_search/line_function.hpp>

namespace nabla::optim {

struct Backtracking {
  double c1 = 1e-4;     // sufficient-decrease constant, in (0, 1)
  double shrink = 0.5;  // ρ, in (0, 1)
  int max_trials = 60;  // 0.5⁶⁰ ≈ 1e-18: below every useful step
  // Evaluate the gradient with the first trial: Newton's first trial, α = 1, is usually
  // accepted, and the solver then needs no second evaluation at the new point.
  bool gradient_first = false;

  void validate() const {
    if (!(c1 > 0.0 && c1 < 1.0))
      throw Error(fmt::format("nabla::optim::Backtracking.c1 = {} must be in (0, 1)", c1));
    if (!(shrink > 0.0 && shrink < 1.0))
      throw Error(fmt::format("nabla::optim::Backtracking.shrink = {} must be in (0, 1)", shrink));
    if (max_trials < 1)
      throw Error(
          fmt::format("nabla::optim::Backtracking.max_trials = {} must be >= 1", max_trials));
  }

  LineSearchOutcome search(LineFunction& phi, double alpha0) const {
    LineSearchOutcome out;
    const double slope = phi.slope0();
    if (!(slope < 0.0)) {
      out.failure = fmt::format(
          "the direction is not a descent direction (∇Q·d = {:g}); Q cannot decrease along it",
          slope);
      return out;
    }
    double alpha = alpha0;
    for (out.trials = 1; out.trials <= max_trials; ++out.trials, alpha *= shrink) {
      double slope_at_alpha = 0.0;
      const double q = gradient_first && out.trials == 1 ? phi.value_slope(alpha, slope_at_alpha)
                                                         : phi.value(alpha);
      if (!phi.trial_moved()) {
        out.failure = fmt::format(
            "backtracking reached a step (α = {:g}) that no longer changes x, after {} trials "
            "that did not decrease Q enough (Armijo, c1 = {:g}); the gradient may be wrong, or "
            "x is already a minimum to the precision of Q",
            alpha, out.trials - 1, c1);
        return out;
      }
      if (q <= phi.phi0() + c1 * alpha * slope) {
        out.success = true;
        out.alpha = alpha;
        out.value = q;
        return out;
      }
    }
    out.trials = max_trials;
    out.failure = fmt::format(
        "backtracking tried {} steps down to {:g} and none decreased Q enough (Armijo, c1 = "
        "{:g}); the gradient may be wrong or Q not smooth here",
        max_trials, alpha / shrink, c1);
    return out;
  }
};

}  // namespace nabla::optim
