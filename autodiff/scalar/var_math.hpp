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
// Generated from the operation table (core/op.hpp); each expands to the same one-line inline
// function as if written by hand. stop_gradient(v) is a constant with v's value: derivatives
// do not flow through it (but replay recomputes it). At a tie of two variables max and min
// split the derivative ½/½; against a constant the variable gets 0 (docs/subgradients.md).
#define NABLA_VAR_FN1(Name, f) \
  inline Var f(const Var& a) { return detail::unary<Op::Name>(a); }
#define NABLA_VAR_FN(Name, ...) NABLA_OP_EACH_NAME(NABLA_VAR_FN1, Name, __VA_ARGS__)
#define NABLA_VAR_FN_AB(Name, f, WhenBConstant, WhenAConstant)                   \
  inline Var f(const Var& a, const Var& b) {                                     \
    return detail::binary<Op::Name, Op::WhenBConstant, Op::WhenAConstant>(a, b); \
  }
#define NABLA_VAR_FN_AC(Name, f) \
  inline Var f(const Var& a, double c) { return detail::with_constant<Op::Name>(a, c); }
#define NABLA_VAR_FN_CA(Name, f) \
  inline Var f(double c, const Var& a) { return detail::with_constant<Op::Name>(a, c); }
#define NABLA_VAR_FN_AC_CA(Name, f) NABLA_VAR_FN_AC(Name, f) NABLA_VAR_FN_CA(Name, f)
// Operators are written out above.
#define NABLA_VAR_OP_A(Name, op)
#define NABLA_VAR_OP_AB(Name, op)
#define NABLA_VAR_OP_AC(Name, op)
#define NABLA_VAR_OP_CA(Name, op)
#define NABLA_VAR_OP_AC_CA(Name, op)
#define NABLA_X(P, Name, kind, text, kink, inf, mat, form, ...) NABLA_VAR_##form(Name, __VA_ARGS__)
NABLA_OP_TABLE(NABLA_X, )
#undef NABLA_X
#undef NABLA_VAR_OP_AC_CA
#undef NABLA_VAR_OP_CA
#undef NABLA_VAR_OP_AC
#undef NABLA_VAR_OP_AB
#undef NABLA_VAR_OP_A
#undef NABLA_VAR_FN_AC_CA
#undef NABLA_VAR_FN_CA
#undef NABLA_VAR_FN_AC
#undef NABLA_VAR_FN_AB
#undef NABLA_VAR_FN
#undef NABLA_VAR_FN1

// Classification, on the value (Eigen's reductions call these).
inline bool isfinite(const Var& a) noexcept { return std::isfinite(a.value()); }
inline bool isnan(const Var& a) noexcept { return std::isnan(a.value()); }
inline bool isinf(const Var& a) noexcept { return std::isinf(a.value()); }

}  // namespace nabla
