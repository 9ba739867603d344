// nabla::Dual — a dual number v + t·ε (ε² = 0) for forward-mode sweeps. Its functions are
// built from the derivative table, so op_rules.hpp stays the only place a derivative is
// written: partials<Dual> of a rule is the rule differentiated once more (Hessian-vector
// products by forward-over-reverse).
#pragma once

#include <nabla/autodiff/core/op_rules.hpp>

namespace nabla {

struct Dual {
  double v = 0.0;  // value
  double t = 0.0;  // tangent
  constexpr Dual() noexcept = default;
  constexpr Dual(double value) noexcept : v(value) {}  // NOLINT(google-explicit-constructor)
  constexpr Dual(double value, double tangent) noexcept : v(value), t(tangent) {}
};

namespace detail {
// One term of the forward chain rule, local partial × operand tangent. Either factor exactly 0
// gives 0, also against ±inf or NaN — the mirror of the reverse sweep, which skips a zero
// adjoint: so sigmoid(exp(x)) at x = 800 has derivative 0 in forward mode (∞ × σ′(∞) = ∞ × 0)
// as in reverse mode, and a NaN still propagates through any non-zero partial.
constexpr double tangent_product(double partial, double tangent) noexcept {
  return partial == 0.0 || tangent == 0.0 ? 0.0 : partial * tangent;
}

template <Op op>
inline Dual dual_apply(const Dual& a, const Dual& b = Dual(), double c = 0.0) {
  const double r = Rule<op>::value(a.v, b.v, c);
  double da = 0.0;
  double db = 0.0;
  Rule<op>::template partials<double>(a.v, b.v, c, r, da, db);
  return {r, tangent_product(da, a.t) + tangent_product(db, b.t)};
}
}  // namespace detail

inline Dual operator-(const Dual& a) { return {-a.v, -a.t}; }
inline Dual operator+(const Dual& a, const Dual& b) { return {a.v + b.v, a.t + b.t}; }
inline Dual operator-(const Dual& a, const Dual& b) { return {a.v - b.v, a.t - b.t}; }
// The product and quotient rules with forward mode's zero rule (detail::tangent_product), and
// the quotient's tangent from the result r: (a.t − r·b.t)/b.v has no b.v², which overflows.
inline Dual operator*(const Dual& a, const Dual& b) {
  return {a.v * b.v, detail::tangent_product(a.t, b.v) + detail::tangent_product(a.v, b.t)};
}
inline Dual operator/(const Dual& a, const Dual& b) {
  const double r = a.v / b.v;
  return {r, (a.t - detail::tangent_product(r, b.t)) / b.v};
}
inline Dual operator+(const Dual& a, double c) { return {a.v + c, a.t}; }
inline Dual operator+(double c, const Dual& a) { return {c + a.v, a.t}; }
inline Dual operator-(const Dual& a, double c) { return {a.v - c, a.t}; }
inline Dual operator-(double c, const Dual& a) { return {c - a.v, -a.t}; }
inline Dual operator*(const Dual& a, double c) {
  return {a.v * c, detail::tangent_product(c, a.t)};
}
inline Dual operator*(double c, const Dual& a) {
  return {c * a.v, detail::tangent_product(c, a.t)};
}
inline Dual operator/(const Dual& a, double c) { return {a.v / c, a.t / c}; }
inline Dual operator/(double c, const Dual& a) {
  return detail::dual_apply<Op::CDiv>(a, Dual(), c);
}
inline Dual& operator+=(Dual& a, const Dual& b) { return a = a + b; }
inline Dual& operator-=(Dual& a, const Dual& b) { return a = a - b; }
inline Dual& operator*=(Dual& a, const Dual& b) { return a = a * b; }

// Comparisons look at values only: kinks are decided by the point, not the direction.
inline bool operator<(const Dual& a, const Dual& b) { return a.v < b.v; }
inline bool operator>(const Dual& a, const Dual& b) { return a.v > b.v; }
inline bool operator<=(const Dual& a, const Dual& b) { return a.v <= b.v; }
inline bool operator>=(const Dual& a, const Dual& b) { return a.v >= b.v; }
inline bool operator==(const Dual& a, const Dual& b) { return a.v == b.v; }

// Generated from the operation table (core/op.hpp); the operators above are the table's one
// hand-written case.
#define NABLA_DUAL_FN1(Name, f) \
  inline Dual f(const Dual& a) { return detail::dual_apply<Op::Name>(a); }
#define NABLA_DUAL_FN(Name, ...) NABLA_OP_EACH_NAME(NABLA_DUAL_FN1, Name, __VA_ARGS__)
#define NABLA_DUAL_FN_AB(Name, f, WhenBConstant, WhenAConstant) \
  inline Dual f(const Dual& a, const Dual& b) { return detail::dual_apply<Op::Name>(a, b); }
#define NABLA_DUAL_FN_AC(Name, f) \
  inline Dual f(const Dual& a, double c) { return detail::dual_apply<Op::Name>(a, Dual(), c); }
#define NABLA_DUAL_FN_CA(Name, f) \
  inline Dual f(double c, const Dual& a) { return detail::dual_apply<Op::Name>(a, Dual(), c); }
#define NABLA_DUAL_FN_AC_CA(Name, f) NABLA_DUAL_FN_AC(Name, f) NABLA_DUAL_FN_CA(Name, f)
#define NABLA_DUAL_OP_A(Name, op)
#define NABLA_DUAL_OP_AB(Name, op)
#define NABLA_DUAL_OP_AC(Name, op)
#define NABLA_DUAL_OP_CA(Name, op)
#define NABLA_DUAL_OP_AC_CA(Name, op)
#define NABLA_X(P, Name, kind, text, kink, inf, mat, form, ...) NABLA_DUAL_##form(Name, __VA_ARGS__)
NABLA_OP_TABLE(NABLA_X, )
#undef NABLA_X
#undef NABLA_DUAL_OP_AC_CA
#undef NABLA_DUAL_OP_CA
#undef NABLA_DUAL_OP_AC
#undef NABLA_DUAL_OP_AB
#undef NABLA_DUAL_OP_A
#undef NABLA_DUAL_FN_AC_CA
#undef NABLA_DUAL_FN_CA
#undef NABLA_DUAL_FN_AC
#undef NABLA_DUAL_FN_AB
#undef NABLA_DUAL_FN
#undef NABLA_DUAL_FN1

}  // namespace nabla
