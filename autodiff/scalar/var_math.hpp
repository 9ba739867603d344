// Arithmetic and elementary functions of Var. Each one computes its value with the rule of
// op_rules.hpp and appends one record to the active tape; on constants it records nothing.
// Found by argument-dependent lookup: `exp(x)` for a Var x calls nabla::exp.
#pragma once

#include <nabla/autodiff/core/op_rules.hpp>
#include <nabla/autodiff/core/tape.hpp>
#include <nabla/autodiff/core/var.hpp>

namespace nabla {

namespace detail {

// Fast path first: operands recorded on the active tape (the common case in a loss) take one
// comparison each (constants carry stamp 0, never the active stamp); constants and misuse go
// to the slower general path.
template <Op op>
inline Var unary(const Var& a) {
  const double r = Rule<op>::value(a.value(), 0.0, 0.0);
  const std::uint32_t s = active_stamp;
  if (a.stamp() == s) [[likely]]
    return active_tape->push(op, a.index(), 0, r);
  if (a.is_constant()) return Var(r);
  return Tape::active_for(op, a).push(op, a.index(), 0, r);  // throws: not on the active tape
}

// a op c with a constant c.
template <Op op>
inline Var with_constant(const Var& a, double c) {
  const double r = Rule<op>::value(a.value(), 0.0, c);
  const std::uint32_t s = active_stamp;
  if (a.stamp() == s) [[likely]]
    return active_tape->push_with_constant(op, a.index(), c, r);
  if (a.is_constant()) return Var(r);
  return Tape::active_for(op, a).push_with_constant(op, a.index(), c, r);  // throws
}

// Two Vars, either of which may be a constant: `when_b_constant` is a op c, `when_a_constant`
// is c op b (the node in slot 0, the constant in the pool).
template <Op both, Op when_b_constant, Op when_a_constant>
inline Var binary(const Var& a, const Var& b) {
  const std::uint32_t s = active_stamp;
  if (((a.stamp() ^ s) | (b.stamp() ^ s)) == 0) [[likely]]
    return active_tape->push(both, a.index(), b.index(),
                             Rule<both>::value(a.value(), b.value(), 0.0));
  if (!a.is_constant() && !b.is_constant()) {
    const double r = Rule<both>::value(a.value(), b.value(), 0.0);
    return Tape::active_for(both, a, b).push(both, a.index(), b.index(), r);  // throws
  }
  if (b.is_constant()) return with_constant<when_b_constant>(a, b.value());
  return with_constant<when_a_constant>(b, a.value());
}

}  // namespace detail

// --- arithmetic ---------------------------------------------------------------------------
inline Var operator+(const Var& a) { return a; }
inline Var operator-(const Var& a) { return detail::unary<Op::Neg>(a); }

inline Var operator+(const Var& a, const Var& b) {
  return detail::binary<Op::Add, Op::AddC, Op::AddC>(a, b);
}
inline Var operator-(const Var& a, const Var& b) {
  return detail::binary<Op::Sub, Op::SubC, Op::CSub>(a, b);
}
inline Var operator*(const Var& a, const Var& b) {
  return detail::binary<Op::Mul, Op::MulC, Op::MulC>(a, b);
}
inline Var operator/(const Var& a, const Var& b) {
  return detail::binary<Op::Div, Op::DivC, Op::CDiv>(a, b);
}
inline Var operator+(const Var& a, double c) { return detail::with_constant<Op::AddC>(a, c); }
inline Var operator+(double c, const Var& a) { return detail::with_constant<Op::AddC>(a, c); }
inline Var operator-(const Var& a, double c) { return detail::with_constant<Op::SubC>(a, c); }
inline Var operator-(double c, const Var& a) { return detail::with_constant<Op::CSub>(a, c); }
inline Var operator*(const Var& a, double c) { return detail::with_constant<Op::MulC>(a, c); }
inline Var operator*(double c, const Var& a) { return detail::with_constant<Op::MulC>(a, c); }
inline Var operator/(const Var& a, double c) { return detail::with_constant<Op::DivC>(a, c); }
inline Var operator/(double c, const Var& a) { return detail::with_constant<Op::CDiv>(a, c); }

inline Var& operator+=(Var& a, const Var& b) { return a = a + b; }
inline Var& operator-=(Var& a, const Var& b) { return a = a - b; }
inline Var& operator*=(Var& a, const Var& b) { return a = a * b; }
inline Var& operator/=(Var& a, const Var& b) { return a = a / b; }
inline Var& operator+=(Var& a, double c) { return a = a + c; }
inline Var& operator-=(Var& a, double c) { return a = a - c; }
inline Var& operator*=(Var& a, double c) { return a = a * c; }
inline Var& operator/=(Var& a, double c) { return a = a / c; }

// --- elementary functions -----------------------------------------------------------------
#define NABLA_VAR_UNARY(fn, Name) \
  inline Var fn(const Var& a) { return detail::unary<Op::Name>(a); }
NABLA_VAR_UNARY(exp, Exp)
NABLA_VAR_UNARY(log, Log)
NABLA_VAR_UNARY(log1p, Log1p)
NABLA_VAR_UNARY(expm1, Expm1)
NABLA_VAR_UNARY(sqrt, Sqrt)
NABLA_VAR_UNARY(cbrt, Cbrt)
NABLA_VAR_UNARY(sin, Sin)
NABLA_VAR_UNARY(cos, Cos)
NABLA_VAR_UNARY(tan, Tan)
NABLA_VAR_UNARY(asin, Asin)
NABLA_VAR_UNARY(acos, Acos)
NABLA_VAR_UNARY(atan, Atan)
NABLA_VAR_UNARY(sinh, Sinh)
NABLA_VAR_UNARY(cosh, Cosh)
NABLA_VAR_UNARY(tanh, Tanh)
NABLA_VAR_UNARY(sigmoid, Sigmoid)
NABLA_VAR_UNARY(softplus, Softplus)
NABLA_VAR_UNARY(abs, Abs)
NABLA_VAR_UNARY(fabs, Abs)
NABLA_VAR_UNARY(relu, Relu)
NABLA_VAR_UNARY(erf, Erf)
NABLA_VAR_UNARY(square, Square)
#undef NABLA_VAR_UNARY

// A constant with v's value: derivatives do not flow through it (but replay recomputes it).
inline Var stop_gradient(const Var& v) { return detail::unary<Op::StopGradient>(v); }

inline Var pow(const Var& a, const Var& b) {
  return detail::binary<Op::Pow, Op::PowC, Op::CPow>(a, b);
}
inline Var pow(const Var& a, double c) { return detail::with_constant<Op::PowC>(a, c); }
inline Var pow(double c, const Var& a) { return detail::with_constant<Op::CPow>(a, c); }

inline Var atan2(const Var& a, const Var& b) {
  return detail::binary<Op::Atan2, Op::Atan2C, Op::CAtan2>(a, b);
}
inline Var atan2(const Var& a, double c) { return detail::with_constant<Op::Atan2C>(a, c); }
inline Var atan2(double c, const Var& a) { return detail::with_constant<Op::CAtan2>(a, c); }

inline Var hypot(const Var& a, const Var& b) {
  return detail::binary<Op::Hypot, Op::HypotC, Op::HypotC>(a, b);
}
inline Var hypot(const Var& a, double c) { return detail::with_constant<Op::HypotC>(a, c); }
inline Var hypot(double c, const Var& a) { return detail::with_constant<Op::HypotC>(a, c); }

// At a tie of two variables max and min split the derivative ½/½; against a constant the
// variable gets 0 (docs/subgradients.md).
inline Var max(const Var& a, const Var& b) {
  return detail::binary<Op::Max, Op::MaxC, Op::MaxC>(a, b);
}
inline Var max(const Var& a, double c) { return detail::with_constant<Op::MaxC>(a, c); }
inline Var max(double c, const Var& a) { return detail::with_constant<Op::MaxC>(a, c); }
inline Var min(const Var& a, const Var& b) {
  return detail::binary<Op::Min, Op::MinC, Op::MinC>(a, b);
}
inline Var min(const Var& a, double c) { return detail::with_constant<Op::MinC>(a, c); }
inline Var min(double c, const Var& a) { return detail::with_constant<Op::MinC>(a, c); }

// Classification, on the value (Eigen's reductions call these).
inline bool isfinite(const Var& a) noexcept { return std::isfinite(a.value()); }
inline bool isnan(const Var& a) noexcept { return std::isnan(a.value()); }
inline bool isinf(const Var& a) noexcept { return std::isinf(a.value()); }

}  // namespace nabla
