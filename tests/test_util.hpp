// Helpers shared by the autodiff test suites: reference derivatives by finite differences
// (computed on plain doubles, independent of the tape) and one-shot tape derivatives.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <nabla/autodiff/scalar.hpp>
#include <utility>

namespace nabla_test {

// Central difference with one Richardson step: error O(h⁴), so h ≈ 1e-3 (relative to the
// distance to the nearest singularity) gives ~1e-10 relative accuracy on smooth functions.
// The divisor is the difference of the rounded abscissae, not 2h: near x = 0.999999 a step of
// 1e-9 is rounded by 1e-16, which would otherwise be a 1e-7 relative error.
template <class F>
double central_difference(F&& f, double x, double h) {
  auto symmetric = [&](double step) {
    const double up = x + step;
    const double down = x - step;
    return (f(up) - f(down)) / (up - down);
  };
  return (4.0 * symmetric(h / 2.0) - symmetric(h)) / 3.0;
}

// The default step: 1e-3 scaled with |x|.
inline double default_step(double x) { return 1e-3 * std::max(1.0, std::abs(x)); }

// |a − b| ≤ rtol·max(|a|, |b|) + atol, the comparison the suites use for derivatives.
inline bool near(double a, double b, double rtol, double atol = 0.0) {
  if (a == b) return true;  // also equal infinities
  return std::abs(a - b) <= rtol * std::max(std::abs(a), std::abs(b)) + atol;
}

// f'(x) by recording f on a fresh tape of our own and sweeping it in reverse.
template <class F>
double tape_derivative(F&& f, double x) {
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  const nabla::Var v = tape.variable(x);
  const nabla::Var y = f(v);
  tape.reverse(y);
  return tape.adjoint(v);
}

// (∂f/∂a, ∂f/∂b) of f(a, b) by one reverse sweep.
template <class F>
std::pair<double, double> tape_partials(F&& f, double a, double b) {
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  const nabla::Var va = tape.variable(a);
  const nabla::Var vb = tape.variable(b);
  const nabla::Var y = f(va, vb);
  tape.reverse(y);
  return {tape.adjoint(va), tape.adjoint(vb)};
}

// The value f produces on a recorded variable (not on a constant).
template <class F>
double tape_value(F&& f, double x) {
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  return f(tape.variable(x)).value();
}

}  // namespace nabla_test
