// Brent's method for a minimum of a function of one variable (Brent 1973, ch. 5), as scipy
// 1.10's minimize_scalar(method='brent'): golden-section steps safeguard parabolic
// interpolation through the three best points; converged when |x − m| ≤ 2·tol − (b − a)/2 with
// tol = xtol·|x| + 10⁻¹¹ and m the middle of [a, b]. `brent(f, a, b, xtol)` searches the interval
// [a, b] from its golden point a + 0.382·(b − a); the solver `Brent` runs in `minimize` on a
// one-variable objective, from a bracket found from x₀ (bracket.hpp) when no interval is given.
// The iterates are scipy's for the same bracket. A NaN value counts as +∞.
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <string_view>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/search/bracket.hpp>
#include <nabla/optim/search/golden_section.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

namespace detail {
// The core: a < x < b with f(x) = fx known (the middle point of a bracket). Report is called
// with (a, b, best x, best f) after each iteration; true stops.
template <class F, class Report>
ScalarMinimum brent_core(F& f, double a, double x, double b, double fx, double xtol,
                         int max_iterations, Report& report) {
  constexpr double cg = 0.3819660;  // scipy's 2 − golden ratio, to its digits
  constexpr double mintol = 1e-11;
  ScalarMinimum out;
  double w = x, v = x, fw = fx, fv = fx;
  double deltax = 0.0, rat = 0.0;
  bool converged = false;
  while (out.iterations < max_iterations) {
    const double tol1 = xtol * std::abs(x) + mintol, tol2 = 2.0 * tol1;
    const double xmid = 0.5 * (a + b);
    if (std::abs(x - xmid) < tol2 - 0.5 * (b - a)) {
      converged = true;
      break;
    }
    if (std::abs(deltax) <= tol1) {  // a golden-section step
      deltax = x >= xmid ? a - x : b - x;
      rat = cg * deltax;
    } else {  // try a parabola through x, w, v
      const double t1 = (x - w) * (fx - fv);
      double t2 = (x - v) * (fx - fw);
      double p = (x - v) * t2 - (x - w) * t1;
      t2 = 2.0 * (t2 - t1);
      if (t2 > 0.0) p = -p;
      t2 = std::abs(t2);
      const double dx_temp = deltax;
      deltax = rat;
      if (p > t2 * (a - x) && p < t2 * (b - x) && std::abs(p) < std::abs(0.5 * t2 * dx_temp)) {
        rat = p / t2;
        const double u = x + rat;
        if (u - a < tol2 || b - u < tol2) rat = xmid - x >= 0.0 ? tol1 : -tol1;
      } else {
        deltax = x >= xmid ? a - x : b - x;
        rat = cg * deltax;
      }
    }
    const double u = std::abs(rat) < tol1 ? (rat >= 0.0 ? x + tol1 : x - tol1) : x + rat;
    const double fu = finite_or_inf(f, u);
    ++out.evaluations;
    if (fu > fx) {
      if (u < x)
        a = u;
      else
        b = u;
      if (fu <= fw || w == x) {
        v = w;
        w = u;
        fv = fw;
        fw = fu;
      } else if (fu <= fv || v == x || v == w) {
        v = u;
        fv = fu;
      }
    } else {
      if (u >= x)
        a = x;
      else
        b = x;
      v = w;
      w = x;
      x = u;
      fv = fw;
      fw = fx;
      fx = fu;
    }
    ++out.iterations;
    if (report(a, b, x, fx)) break;
  }
  out.x = x;
  out.value = fx;
  out.lower = a;
  out.upper = b;
  out.converged = converged;
  out.message = converged ? fmt::format(
                                "Brent: x = {:.12g} located to xtol = {:g} (relative) in "
                                "[{:.12g}, {:.12g}]",
                                x, xtol, a, b)
                          : fmt::format("Brent: stopped after {} iterations in [{:.12g}, {:.12g}]",
                                        out.iterations, a, b);
  return out;
}
}  // namespace detail

// The interval form: [lower, upper] from its golden point (one evaluation before the first
// iteration). Report: (lower, upper, best x, best f) after each iteration; return true to stop.
template <class F, class Report>
ScalarMinimum brent(F&& f, double lower, double upper, double xtol, Report&& report,
                    int max_iterations = 500) {
  if (!(lower < upper) || !std::isfinite(lower) || !std::isfinite(upper) || !(xtol > 0.0) ||
      max_iterations <= 0)
    throw Error(
        fmt::format("nabla::optim::brent: need finite lower = {} < upper = {}, xtol = {} > 0 and "
                    "max_iterations = {} > 0",
                    lower, upper, xtol, max_iterations));
  const double x = lower + 0.3819660 * (upper - lower);
  const double fx = detail::finite_or_inf(f, x);
  ScalarMinimum m = detail::brent_core(f, lower, x, upper, fx, xtol, max_iterations, report);
  ++m.evaluations;
  return m;
}

template <class F>
ScalarMinimum brent(F&& f, double lower, double upper, double xtol = 1.48e-8) {
  return brent(f, lower, upper, xtol, [](double, double, double, double) { return false; });
}

// minimize's form, for an objective of one variable.
struct Brent {
  static constexpr std::string_view name = "brent";
  static constexpr Capabilities needs = Capability::Value;
  static constexpr bool descent = false;
  std::optional<double> lower = {};  // the interval; without it, a bracket from x₀
  std::optional<double> upper = {};
  double xtol = 1.48e-8;     // relative tolerance in x (scipy's)
  int max_iterations = 500;  // scipy's maxiter
  double step = 1.0;         // the bracket's first step from x₀

  void solve(SolverRun& run) const;
};

}  // namespace nabla::optim
