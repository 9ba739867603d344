// The derivative table: for every elementary operation, its value and its local partial
// derivatives. This is the only place a derivative formula is written; the reverse sweep, the
// forward (tangent) sweep, replay and the second-order sweep all read it.
//
// `value` works on doubles. `partials` is generic in T so that the same formula differentiates
// itself: T = double for gradients, T = Dual for Hessian-vector products. Kinks take the
// minimum-norm element of the subdifferential (docs/subgradients.md).
#pragma once

#include <cmath>
#include <limits>
#include <numbers>
#include <type_traits>

#include <nabla/autodiff/core/op.hpp>

namespace nabla {

// Plain-double versions of the functions the C standard library lacks; Var and Dual overloads
// of the same names live beside their types and are found by argument-dependent lookup.
namespace math {
inline double sigmoid(double a) noexcept {
  // Two branches so that exp never overflows.
  if (a >= 0.0) return 1.0 / (1.0 + std::exp(-a));
  const double e = std::exp(a);
  return e / (1.0 + e);
}
inline double softplus(double a) noexcept {
  return (a > 0.0 ? a : 0.0) + std::log1p(std::exp(-std::abs(a)));
}
// A NaN operand gives NaN (the last branch), never a silent 0.
inline double relu(double a) noexcept { return a > 0.0 ? a : (a <= 0.0 ? 0.0 : a); }
inline double square(double a) noexcept { return a * a; }
inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Derivatives written from the argument, not from the result r: once tanh(a) or σ(a) rounds
// to ±1 (|a| > 19, a > 37) the textbook 1 − r² and r(1 − r) are exactly 0, losing every digit
// of the true ~1e-17. Generic in T so that Dual differentiates them again.
// sech²(a) = 4t/(1 + t)², t = e^(−2|a|)
template <class T>
T sech_squared(const T& a) {
  using std::abs;
  using std::exp;
  const T t = exp(-2.0 * abs(a));
  return 4.0 * t / ((1.0 + t) * (1.0 + t));
}
// σ′(a) = σ(a)·σ(−a) = e/(1 + e)², e = e^(−|a|)
template <class T>
T sigmoid_slope(const T& a) {
  using std::abs;
  using std::exp;
  const T e = exp(-abs(a));
  return e / ((1.0 + e) * (1.0 + e));
}
// ∂hypot(a, b)/∂a = a/r (0 at the origin, the minimum-norm subgradient). Differentiated again
// (T = Dual) a/r cancels when one operand dominates — d/da a/r = (r² − a²)/r³ lost every digit
// of b²/r³ — so there it goes through t, the smaller operand over the larger one.
template <class T, class U>
T hypot_slope(const T& a, const U& b, const T& r) {
  if constexpr (std::is_same_v<T, double>) {
    return r == 0.0 ? 0.0 : a / r;
  } else {
    using std::abs;
    using std::sqrt;
    if (r == 0.0) return T(0.0);
    if (abs(a) >= abs(b)) {
      const T t = b / a;
      return (a > 0.0 ? 1.0 : -1.0) / sqrt(1.0 + t * t);
    }
    const T t = a / b;
    return (b > 0.0 ? t : -t) / sqrt(1.0 + t * t);
  }
}
// atan2's partials n/(a² + b²), n = b or −a, as (n/h)/h with h = hypot(a, b): a² + b²
// overflows for |a| or |b| > 1e154 (the partial would be 0 instead of ~1/b, and NaN in its
// derivative).
template <class T, class U>
T atan2_slope(const T& n, const T& a, const U& b) {
  using std::hypot;
  const T h = hypot(a, b);
  return n / h / h;
}
}  // namespace math

template <Op op>
struct Rule;

// Brings the double overloads into scope; ADL adds the Dual/Var ones.
#define NABLA_USING_MATH \
  using std::exp;        \
  using std::log;        \
  using std::sqrt;       \
  using std::sin;        \
  using std::cos;        \
  using std::cosh;       \
  using std::sinh;       \
  using std::pow;        \
  using std::abs;        \
  using math::sigmoid

// A unary rule: value(a) and da in terms of a and the result r.
#define NABLA_UNARY_RULE(Name, VALUE, DA)                               \
  template <>                                                           \
  struct Rule<Op::Name> {                                               \
    static double value(double a, double, double) noexcept {            \
      NABLA_USING_MATH;                                                 \
      return VALUE;                                                     \
    }                                                                   \
    template <class T>                                                  \
    static void partials([[maybe_unused]] const T& a, const T&, double, \
                         [[maybe_unused]] const T& r, T& da, T&) {      \
      NABLA_USING_MATH;                                                 \
      da = DA;                                                          \
    }                                                                   \
  };

NABLA_UNARY_RULE(Neg, -a, T(-1.0))
NABLA_UNARY_RULE(Exp, std::exp(a), r)
// At a = −0, where log is −inf and sqrt is −0 as at +0, the one-sided slope is +inf: the
// + 0.0 turns −0 into +0 (a sum of −0 products, as a matrix product may give, is −0).
NABLA_UNARY_RULE(Log, std::log(a), 1.0 / (a + 0.0))
NABLA_UNARY_RULE(Log1p, std::log1p(a), 1.0 / (1.0 + a))
NABLA_UNARY_RULE(Expm1, std::expm1(a), exp(a))         // not r + 1: it cancels for a ≪ 0
NABLA_UNARY_RULE(Sqrt, std::sqrt(a), 0.5 / (r + 0.0))  // +inf at ±0, never a silent 0
NABLA_UNARY_RULE(Cbrt, std::cbrt(a), 1.0 / (3.0 * r * r))
NABLA_UNARY_RULE(Sin, std::sin(a), cos(a))
NABLA_UNARY_RULE(Cos, std::cos(a), -sin(a))
NABLA_UNARY_RULE(Tan, std::tan(a), 1.0 + r * r)
// (1 − a)(1 + a), not 1 − a²: near a = ±1 the latter cancels (5e-12 relative error at 1 − 1e-6).
NABLA_UNARY_RULE(Asin, std::asin(a), 1.0 / sqrt((1.0 - a) * (1.0 + a)))
NABLA_UNARY_RULE(Acos, std::acos(a), -1.0 / sqrt((1.0 - a) * (1.0 + a)))
NABLA_UNARY_RULE(Atan, std::atan(a), 1.0 / (1.0 + a * a))
NABLA_UNARY_RULE(Sinh, std::sinh(a), cosh(a))
NABLA_UNARY_RULE(Cosh, std::cosh(a), sinh(a))
// From the result where that is accurate (no exp): (1 − r)(1 + r) loses at most
// ulp/(1 − |r|) ≤ 5e-16 relative for |a| < 1, r(1 − r) as little for every a < 1.
NABLA_UNARY_RULE(Tanh, std::tanh(a), abs(a) < 1.0 ? (1.0 - r) * (1.0 + r) : math::sech_squared(a))
NABLA_UNARY_RULE(Sigmoid, math::sigmoid(a), a < 1.0 ? r * (1.0 - r) : math::sigmoid_slope(a))
NABLA_UNARY_RULE(Softplus, math::softplus(a), sigmoid(a))
NABLA_UNARY_RULE(Abs, std::abs(a),
                 T(a > 0.0 ? 1.0 : (a < 0.0 ? -1.0 : (a == 0.0 ? 0.0 : math::nan))))
NABLA_UNARY_RULE(Relu, math::relu(a), T(a > 0.0 ? 1.0 : (a <= 0.0 ? 0.0 : math::nan)))
NABLA_UNARY_RULE(Erf, std::erf(a), (2.0 / std::sqrt(std::numbers::pi)) * exp(-(a * a)))
NABLA_UNARY_RULE(Square, a* a, 2.0 * a)
NABLA_UNARY_RULE(StopGradient, a, T(0.0))
#undef NABLA_UNARY_RULE

// A rule with two operands: for Binary both are nodes (a, b); for BinaryConst and ConstBinary
// the node is a and the constant is c.
#define NABLA_BINARY_RULE(Name, VALUE, DA, DB)                                          \
  template <>                                                                           \
  struct Rule<Op::Name> {                                                               \
    static double value([[maybe_unused]] double a, [[maybe_unused]] double b,           \
                        [[maybe_unused]] double c) noexcept {                           \
      NABLA_USING_MATH;                                                                 \
      return VALUE;                                                                     \
    }                                                                                   \
    template <class T>                                                                  \
    static void partials([[maybe_unused]] const T& a, [[maybe_unused]] const T& b,      \
                         [[maybe_unused]] double c, [[maybe_unused]] const T& r, T& da, \
                         [[maybe_unused]] T& db) {                                      \
      NABLA_USING_MATH;                                                                 \
      da = DA;                                                                          \
      db = DB;                                                                          \
    }                                                                                   \
  };

NABLA_BINARY_RULE(Add, a + b, T(1.0), T(1.0))
NABLA_BINARY_RULE(Sub, a - b, T(1.0), T(-1.0))
NABLA_BINARY_RULE(Mul, a* b, b, a)
NABLA_BINARY_RULE(Div, a / b, 1.0 / b, -r / b)
// d/db a^b = a^b log a, whose limit at a = 0 (b > 0) is 0; elsewhere log(a < 0) is NaN.
// At a = 0 with b = 0, b·a^(b−1) would be 0·inf: d/da is 0 there (a^0 is constant in a). Only
// that point is special: elsewhere at b = 0 the formula gives 0 and keeps its derivative in b,
// the mixed partial a^(b−1)(1 + b log a) of the second-order sweep.
NABLA_BINARY_RULE(Pow, std::pow(a, b), (b == 0.0 && a == 0.0) ? T(0.0) : T(b* pow(a, b - 1.0)),
                  (a == 0.0 && b > 0.0) ? T(0.0) : T(log(a) * r))
NABLA_BINARY_RULE(Atan2, std::atan2(a, b), math::atan2_slope(b, a, b), -math::atan2_slope(a, a, b))
// The Euclidean norm's minimum-norm subgradient at the origin is 0.
NABLA_BINARY_RULE(Hypot, std::hypot(a, b), math::hypot_slope(a, b, r), math::hypot_slope(b, a, r))
// max, min: a tie splits ½/½; a NaN operand (every comparison false) gives NaN, never the other
// operand: a + b is NaN then.
NABLA_BINARY_RULE(Max, a > b ? a : (a <= b ? b : a + b),
                  T(a > b ? 1.0 : (a < b ? 0.0 : (a == b ? 0.5 : math::nan))),
                  T(a > b ? 0.0 : (a < b ? 1.0 : (a == b ? 0.5 : math::nan))))
NABLA_BINARY_RULE(Min, a < b ? a : (a >= b ? b : a + b),
                  T(a < b ? 1.0 : (a > b ? 0.0 : (a == b ? 0.5 : math::nan))),
                  T(a < b ? 0.0 : (a > b ? 1.0 : (a == b ? 0.5 : math::nan))))
NABLA_BINARY_RULE(AddC, a + c, T(1.0), T(0.0))
NABLA_BINARY_RULE(SubC, a - c, T(1.0), T(0.0))
NABLA_BINARY_RULE(MulC, a* c, T(c), T(0.0))
NABLA_BINARY_RULE(DivC, a / c, T(1.0 / c), T(0.0))
// c = 0 makes a^c constant: its derivative is 0 even at a = 0, where c·a^(c−1) would be 0·inf.
NABLA_BINARY_RULE(PowC, std::pow(a, c), c == 0.0 ? T(0.0) : T(c * pow(a, c - 1.0)), T(0.0))
NABLA_BINARY_RULE(Atan2C, std::atan2(a, c), math::atan2_slope(T(c), a, c), T(0.0))
NABLA_BINARY_RULE(HypotC, std::hypot(a, c), math::hypot_slope(a, c, r), T(0.0))
// Against a constant the subdifferential at a tie is [0, 1]: its minimum-norm element is 0.
NABLA_BINARY_RULE(MaxC, a > c ? a : (a <= c ? c : a + c),
                  T(a > c ? 1.0 : (a <= c ? 0.0 : math::nan)), T(0.0))
NABLA_BINARY_RULE(MinC, a < c ? a : (a >= c ? c : a + c),
                  T(a < c ? 1.0 : (a >= c ? 0.0 : math::nan)), T(0.0))
NABLA_BINARY_RULE(CSub, c - a, T(-1.0), T(0.0))
NABLA_BINARY_RULE(CDiv, c / a, -r / a, T(0.0))
NABLA_BINARY_RULE(CPow, std::pow(c, a), c == 0.0 ? T(0.0) : T(std::log(c) * r), T(0.0))
NABLA_BINARY_RULE(CAtan2, std::atan2(c, a), -math::atan2_slope(T(c), a, c), T(0.0))
#undef NABLA_BINARY_RULE
#undef NABLA_USING_MATH

// The value of any elementary operation, dispatched at run time (replay, explain).
inline double op_value(Op op, double a, double b, double c) noexcept {
  switch (op) {
#define NABLA_X(name, kind, text) \
  case Op::name: return Rule<Op::name>::value(a, b, c);
    NABLA_ELEMENTARY_OPS(NABLA_X)
#undef NABLA_X
    default: return a;
  }
}

// The local partials of any elementary operation, dispatched at run time.
template <class T>
void op_partials(Op op, const T& a, const T& b, double c, const T& r, T& da, T& db) {
  switch (op) {
#define NABLA_X(name, kind, text) \
  case Op::name: Rule<Op::name>::partials(a, b, c, r, da, db); return;
    NABLA_ELEMENTARY_OPS(NABLA_X)
#undef NABLA_X
    default:
      da = T(0.0);
      db = T(0.0);
      return;
  }
}

}  // namespace nabla
