// A bracket of a minimum of a function of one variable from a start point: a < b < c with
// f(b) ≤ f(a) and f(b) ≤ f(c), found by stepping downhill from x₀ with steps growing by the
// golden ratio (Numerical Recipes' mnbrak without its parabolic extrapolation). A NaN value
// counts as +∞. `found` is false when `max_evaluations` were spent still going downhill (f may
// be unbounded below along that side).
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

struct ScalarBracket {
  double a = 0.0, b = 0.0, c = 0.0;     // a < b < c
  double fa = 0.0, fb = 0.0, fc = 0.0;  // f(b) ≤ f(a), f(c) when found
  int evaluations = 0;
  bool found = false;
  std::string message;
};

namespace detail {
inline constexpr double golden_ratio = 1.618033988749895;  // (1 + √5) / 2
template <class F>
double finite_or_inf(F& f, double x) {
  const double v = f(x);
  return std::isnan(v) ? std::numeric_limits<double>::infinity() : v;
}
}  // namespace detail

template <class F>
ScalarBracket bracket_minimum(F&& f, double x0, double step = 1.0, int max_evaluations = 100) {
  if (!std::isfinite(x0) || !(step > 0.0) || !std::isfinite(step) || max_evaluations < 3)
    throw Error(
        fmt::format("nabla::optim::bracket_minimum: x0 = {} must be finite, step = {} > 0 and "
                    "max_evaluations = {} >= 3",
                    x0, step, max_evaluations));
  ScalarBracket r;
  double a = x0, b = x0 + step;
  double fa = detail::finite_or_inf(f, a), fb = detail::finite_or_inf(f, b);
  r.evaluations = 2;
  if (fb > fa) {  // downhill is the other way
    std::swap(a, b);
    std::swap(fa, fb);
  }
  double c = b + detail::golden_ratio * (b - a);
  double fc = detail::finite_or_inf(f, c);
  ++r.evaluations;
  while (fc < fb && r.evaluations < max_evaluations) {
    a = b;
    fa = fb;
    b = c;
    fb = fc;
    c = b + detail::golden_ratio * (b - a);
    fc = detail::finite_or_inf(f, c);
    ++r.evaluations;
  }
  r.found = fc >= fb;
  if (a > c) {
    std::swap(a, c);
    std::swap(fa, fc);
  }
  r.a = a;
  r.b = b;
  r.c = c;
  r.fa = fa;
  r.fb = fb;
  r.fc = fc;
  r.message = r.found ? fmt::format("bracketed in [{:g}, {:g}] around {:g}", a, c, b)
                      : fmt::format(
                            "{} evaluations still going downhill (at {:g}, f = {:g}): f "
                            "may be unbounded below",
                            r.evaluations, b, fb);
  return r;
}

}  // namespace nabla::optim
