// Golden-section search for a minimum of a function of one variable on [lower, upper] (Kiefer
// 1953): two interior points at the golden ratio; each evaluation keeps the part of the interval
// that holds the smaller value and shrinks it by 0.618, so the minimiser of a unimodal f is
// located to `xtol` in about log(width/xtol)/log(1.618) + 2 evaluations. No derivatives, no
// tape. `golden_section(f, a, b, xtol)` is the function form; the solver `GoldenSection` runs in
// `minimize` on a one-variable objective, bracketing from x₀ (bracket.hpp) when no interval is
// given. A NaN value counts as +∞.
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/search/bracket.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

struct ScalarMinimum {
  double x = 0.0;
  double value = 0.0;
  int evaluations = 0;
  int iterations = 0;
  double lower = 0.0, upper = 0.0;  // the final interval
  bool converged = false;
  std::string message;
};

// Called with (lower, upper, best x, best f) after every shrink; return true to stop.
template <class F, class Report>
ScalarMinimum golden_section(F&& f, double lower, double upper, double xtol, Report&& report,
                             int max_evaluations = 500) {
  if (!(lower < upper) || !std::isfinite(lower) || !std::isfinite(upper) || !(xtol > 0.0))
    throw Error(fmt::format(
        "nabla::optim::golden_section: need finite lower = {} < upper = {} and xtol = {} > 0",
        lower, upper, xtol));
  constexpr double r = 0.3819660112501051;  // 2 − golden ratio
  ScalarMinimum out;
  double a = lower, b = upper;
  double x1 = a + r * (b - a), x2 = b - r * (b - a);
  double f1 = detail::finite_or_inf(f, x1), f2 = detail::finite_or_inf(f, x2);
  out.evaluations = 2;
  while (b - a > xtol && out.evaluations < max_evaluations) {
    if (f1 < f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = a + r * (b - a);
      f1 = detail::finite_or_inf(f, x1);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = b - r * (b - a);
      f2 = detail::finite_or_inf(f, x2);
    }
    ++out.evaluations;
    ++out.iterations;
    const bool first = f1 < f2;
    if (report(a, b, first ? x1 : x2, first ? f1 : f2)) break;
  }
  out.lower = a;
  out.upper = b;
  out.x = f1 < f2 ? x1 : x2;
  out.value = f1 < f2 ? f1 : f2;
  out.converged = b - a <= xtol;
  out.message =
      out.converged
          ? fmt::format("the interval [{:.10g}, {:.10g}] is narrower than xtol = {:g}", a, b, xtol)
          : fmt::format(
                "stopped with the interval [{:.10g}, {:.10g}] after {} "
                "evaluations",
                a, b, out.evaluations);
  return out;
}

template <class F>
ScalarMinimum golden_section(F&& f, double lower, double upper, double xtol = 1e-8) {
  return golden_section(f, lower, upper, xtol,
                        [](double, double, double, double) { return false; });
}

// minimize's form, for an objective of one variable.
struct GoldenSection {
  static constexpr std::string_view name = "golden_section";
  static constexpr Capabilities needs = Capability::Value;
  static constexpr bool descent = false;
  std::optional<double> lower = {};  // the interval; without it, a bracket from x₀
  std::optional<double> upper = {};
  double xtol = 1e-8;  // the width of the final interval
  double step = 1.0;   // the bracket's first step from x₀

  void solve(SolverRun& run) const;
};

}  // namespace nabla::optim
