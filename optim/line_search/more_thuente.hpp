// The strong Wolfe line search of Moré and Thuente ("Line search algorithms with guaranteed
// sufficient decrease", ACM TOMS 20(3), 1994), the search of MINPACK-2, scipy's BFGS and
// L-BFGS-B. It finds α with
//   φ(α) ≤ φ(0) + c1·α·φ′(0)     (sufficient decrease)  and
//   |φ′(α)| ≤ c2·|φ′(0)|         (curvature, strong form),
// keeping an interval of uncertainty [stx, sty] that it extrapolates (×1.1 … ×4) until the
// minimum is bracketed and then shrinks by safeguarded cubic, quadratic and secant steps
// (bisection when an interval has not shrunk by a third in two steps). Each trial costs one
// value and one gradient. A non-finite trial counts as +inf: it bounds the interval and the next
// trial bisects towards the best point. When the search cannot reach both conditions (rounding
// errors, the interval below xtol, the trial budget, a step at max_step) it accepts the best
// point found if that point decreases Q sufficiently, and otherwise fails with the reason.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/line_search/line_function.hpp>

namespace nabla::optim {

struct MoreThuente {
  double c1 = 1e-4;          // sufficient decrease, in (0, c2)
  double c2 = 0.9;           // curvature, in (c1, 1); 0.1 for nonlinear conjugate gradients
  double xtol = 1e-14;       // relative width of the interval at which the search gives up
  double max_step = 1e10;    // largest α
  int max_evaluations = 40;  // trials per search

  void validate() const {
    if (!(c1 > 0.0 && c1 < c2 && c2 < 1.0))
      throw Error(fmt::format("nabla::optim::MoreThuente: c1 = {} and c2 = {} need 0 < c1 < c2 < 1",
                              c1, c2));
    if (!(xtol >= 0.0) || !(max_step > 0.0))
      throw Error(
          fmt::format("nabla::optim::MoreThuente: xtol = {} must be >= 0 and max_step = {} > 0",
                      xtol, max_step));
    if (max_evaluations < 1)
      throw Error(fmt::format("nabla::optim::MoreThuente: max_evaluations = {} must be >= 1",
                              max_evaluations));
  }

  LineSearchOutcome search(LineFunction& phi, double alpha0) const;
};

namespace detail {

// One end of the interval of uncertainty: a step, φ there and φ′ there.
struct LinePoint {
  double a = 0.0;
  double f = 0.0;
  double g = 0.0;
};

// The minimiser of the cubic through (u.a, u.f, u.g) and (v.a, v.f, v.g), written from v's side:
// v.a + r·(u.a − v.a). `clamp_root`: the discriminant is clamped at 0 (the cubic may have no
// minimum between the points) and a non-negative root is reported as NaN.
inline double cubic_minimizer(const LinePoint& u, const LinePoint& v, bool clamp_root) {
  const double theta = 3.0 * (u.f - v.f) / (v.a - u.a) + u.g + v.g;
  const double s = std::max({std::abs(theta), std::abs(u.g), std::abs(v.g)});
  double disc = (theta / s) * (theta / s) - (u.g / s) * (v.g / s);
  if (clamp_root) disc = std::max(0.0, disc);
  double gamma = s * std::sqrt(disc);
  if (v.a > u.a) gamma = -gamma;
  const double p = (gamma - v.g) + theta;
  const double q = ((gamma - v.g) + gamma) + u.g;
  const double r = p / q;
  if (clamp_root && !(r < 0.0 && gamma != 0.0)) return std::numeric_limits<double>::quiet_NaN();
  return v.a + r * (u.a - v.a);
}

// Moré and Thuente's trial step: the next α from the best point x, the other end y and the
// current trial t, and the updated interval (their four cases).
inline double next_trial(LinePoint& x, LinePoint& y, const LinePoint& t, bool& bracketed, double lo,
                         double hi) {
  const bool opposite = t.g * (x.g / std::abs(x.g)) < 0.0;
  double next = 0.0;
  if (t.f > x.f) {
    // Case 1: a higher value. The minimum is bracketed; cubic, or halfway to the quadratic.
    const double cubic = cubic_minimizer(t, x, false);
    const double quad = x.a + ((x.g / ((x.f - t.f) / (t.a - x.a) + x.g)) / 2.0) * (t.a - x.a);
    next = std::abs(cubic - x.a) < std::abs(quad - x.a) ? cubic : cubic + (quad - cubic) / 2.0;
    bracketed = true;
  } else if (opposite) {
    // Case 2: a lower value, the slope changed sign: bracketed; cubic or secant, the farther.
    const double cubic = cubic_minimizer(x, t, false);
    const double secant = t.a + (t.g / (t.g - x.g)) * (x.a - t.a);
    next = std::abs(cubic - t.a) > std::abs(secant - t.a) ? cubic : secant;
    bracketed = true;
  } else if (std::abs(t.g) < std::abs(x.g)) {
    // Case 3: lower value, same sign, smaller slope: the cubic may step past t.
    double cubic = cubic_minimizer(x, t, true);
    if (std::isnan(cubic)) cubic = t.a > x.a ? hi : lo;
    const double secant = t.a + (t.g / (t.g - x.g)) * (x.a - t.a);
    if (bracketed) {
      next = std::abs(cubic - t.a) < std::abs(secant - t.a) ? cubic : secant;
      next = t.a > x.a ? std::min(t.a + 0.66 * (y.a - t.a), next)
                       : std::max(t.a + 0.66 * (y.a - t.a), next);
    } else {
      next = std::abs(cubic - t.a) > std::abs(secant - t.a) ? cubic : secant;
      next = std::clamp(next, lo, hi);
    }
  } else {
    // Case 4: lower value, same sign, the slope did not decrease: extrapolate, or the cubic
    // through t and the far end y.
    next = bracketed ? cubic_minimizer(y, t, false) : (t.a > x.a ? hi : lo);
  }
  if (t.f > x.f) {
    y = t;
  } else {
    if (opposite) y = x;
    x = t;
  }
  return next;
}

}  // namespace detail

inline LineSearchOutcome MoreThuente::search(LineFunction& phi, double alpha0) const {
  using detail::LinePoint;
  LineSearchOutcome out;
  const double f0 = phi.phi0();
  const double g0 = phi.slope0();
  if (!(g0 < 0.0)) {
    out.failure = fmt::format(
        "the direction is not a descent direction (∇Q·d = {:g}); Q cannot decrease along it", g0);
    return out;
  }
  const double gtest = c1 * g0;
  const double inf = std::numeric_limits<double>::infinity();
  LinePoint x{0.0, f0, g0};  // the best point (lowest value of the test function so far)
  LinePoint y{0.0, f0, g0};  // the other end of the interval
  bool bracketed = false;
  bool stage1 = true;  // on the modified function ψ(α) = φ(α) − c1·α·φ′(0) until ψ ≤ 0, φ′ ≥ 0
  double width = max_step;
  double width1 = 2.0 * width;
  double lo = 0.0;
  double hi = alpha0 + 4.0 * alpha0;
  double a = std::min(alpha0, max_step);
  // Accepts the best point when the search has to stop short of the strong Wolfe conditions.
  auto settle = [&](const std::string& why) {
    if (x.a > 0.0 && x.f <= f0 + x.a * gtest) {
      out.success = true;
      out.alpha = x.a;
      out.value = x.f;
    } else {
      out.failure = why;
    }
    return out;
  };
  for (out.trials = 1;; ++out.trials) {
    double slope = 0.0;
    const double f = phi.value_slope(a, slope);
    if (!phi.trial_moved())
      return settle(fmt::format(
          "the step α = {:g} no longer changes x (after {} trials); x is a minimum to the "
          "precision of Q, or the gradient is wrong",
          a, out.trials - 1));
    const double ftest = f0 + a * gtest;
    if (!std::isfinite(f) || !std::isfinite(slope)) {
      // +inf: a bound of the interval; bisect towards the best point.
      y = {a, inf, 0.0};
      bracketed = true;
      lo = std::min(x.a, a);
      hi = std::max(x.a, a);
      width1 = width;
      width = hi - lo;
      if (out.trials >= max_evaluations)
        return settle(fmt::format("{} trials, the last with a non-finite Q", out.trials));
      a = x.a + 0.5 * (a - x.a);
      continue;
    }
    if (f <= ftest && std::abs(slope) <= -c2 * g0) {
      out.success = true;
      out.alpha = a;
      out.value = f;
      return out;
    }
    if (stage1 && f <= ftest && slope >= 0.0) stage1 = false;
    if (bracketed && (a <= lo || a >= hi))
      return settle(fmt::format("rounding errors prevent progress at α = {:g}", a));
    if (bracketed && hi - lo <= xtol * hi)
      return settle(fmt::format("the interval of uncertainty is below xtol = {:g}", xtol));
    if (a == max_step && f <= ftest && slope <= gtest)
      return settle(fmt::format("the step reached max_step = {:g}", max_step));
    if (out.trials >= max_evaluations)
      return settle(fmt::format(
          "{} trials without a step satisfying the strong Wolfe conditions (c1 = {:g}, c2 = {:g})",
          out.trials, c1, c2));
    const LinePoint t{a, f, slope};
    double next = 0.0;
    if (stage1 && f <= x.f && f > ftest) {
      // On ψ: the same step rule with the sufficient-decrease line subtracted.
      auto shifted = [&](const LinePoint& p) {
        return LinePoint{p.a, p.f - p.a * gtest, p.g - gtest};
      };
      LinePoint xm = shifted(x);
      LinePoint ym = shifted(y);
      next = detail::next_trial(xm, ym, shifted(t), bracketed, lo, hi);
      x = {xm.a, xm.f + xm.a * gtest, xm.g + gtest};
      y = {ym.a, ym.f + ym.a * gtest, ym.g + gtest};
    } else {
      next = detail::next_trial(x, y, t, bracketed, lo, hi);
    }
    if (bracketed) {
      if (std::abs(y.a - x.a) >= 0.66 * width1) next = x.a + 0.5 * (y.a - x.a);
      width1 = width;
      width = std::abs(y.a - x.a);
      lo = std::min(x.a, y.a);
      hi = std::max(x.a, y.a);
    } else {
      lo = next + 1.1 * (next - x.a);
      hi = next + 4.0 * (next - x.a);
    }
    if (!std::isfinite(next)) next = bracketed ? x.a + 0.5 * (y.a - x.a) : hi;
    next = std::clamp(next, 0.0, max_step);
    if ((bracketed && (next <= lo || next >= hi)) || (bracketed && hi - lo <= xtol * hi))
      next = x.a;
    if (next == x.a && x.a == 0.0) next = 0.5 * a;  // never retry α = 0
    a = next;
  }
}

}  // namespace nabla::optim
