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
template <Op op>
inline Dual dual_apply(const Dual& a, const Dual& b = Dual(), double c = 0.0) {
  const double r = Rule<op>::value(a.v, b.v, c);
  double da = 0.0;
  double db = 0.0;
  Rule<op>::template partials<double>(a.v, b.v, c, r, da, db);
  const double t = (a.t == 0.0 ? 0.0 : da * a.t) + (b.t == 0.0 ? 0.0 : db * b.t);
  return {r, t};
}
}  // namespace detail

inline Dual operator-(const Dual& a) { return {-a.v, -a.t}; }
inline Dual operator+(const Dual& a, const Dual& b) { return {a.v + b.v, a.t + b.t}; }
inline Dual operator-(const Dual& a, const Dual& b) { return {a.v - b.v, a.t - b.t}; }
inline Dual operator*(const Dual& a, const Dual& b) { return {a.v * b.v, a.t * b.v + a.v * b.t}; }
inline Dual operator/(const Dual& a, const Dual& b) {
  const double r = a.v / b.v;
  return {r, (a.t - r * b.t) / b.v};
}
inline Dual operator+(const Dual& a, double c) { return {a.v + c, a.t}; }
inline Dual operator+(double c, const Dual& a) { return {c + a.v, a.t}; }
inline Dual operator-(const Dual& a, double c) { return {a.v - c, a.t}; }
inline Dual operator-(double c, const Dual& a) { return {c - a.v, -a.t}; }
inline Dual operator*(const Dual& a, double c) { return {a.v * c, a.t * c}; }
inline Dual operator*(double c, const Dual& a) { return {c * a.v, c * a.t}; }
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

#define NABLA_DUAL_UNARY(fn, Name) \
  inline Dual fn(const Dual& a) { return detail::dual_apply<Op::Name>(a); }
NABLA_DUAL_UNARY(exp, Exp)
NABLA_DUAL_UNARY(log, Log)
NABLA_DUAL_UNARY(log1p, Log1p)
NABLA_DUAL_UNARY(expm1, Expm1)
NABLA_DUAL_UNARY(sqrt, Sqrt)
NABLA_DUAL_UNARY(cbrt, Cbrt)
NABLA_DUAL_UNARY(sin, Sin)
NABLA_DUAL_UNARY(cos, Cos)
NABLA_DUAL_UNARY(tan, Tan)
NABLA_DUAL_UNARY(asin, Asin)
NABLA_DUAL_UNARY(acos, Acos)
NABLA_DUAL_UNARY(atan, Atan)
NABLA_DUAL_UNARY(sinh, Sinh)
NABLA_DUAL_UNARY(cosh, Cosh)
NABLA_DUAL_UNARY(tanh, Tanh)
NABLA_DUAL_UNARY(sigmoid, Sigmoid)
NABLA_DUAL_UNARY(softplus, Softplus)
NABLA_DUAL_UNARY(abs, Abs)
NABLA_DUAL_UNARY(relu, Relu)
NABLA_DUAL_UNARY(erf, Erf)
NABLA_DUAL_UNARY(square, Square)
#undef NABLA_DUAL_UNARY

inline Dual pow(const Dual& a, const Dual& b) { return detail::dual_apply<Op::Pow>(a, b); }
inline Dual pow(const Dual& a, double c) { return detail::dual_apply<Op::PowC>(a, Dual(), c); }
inline Dual pow(double c, const Dual& a) { return detail::dual_apply<Op::CPow>(a, Dual(), c); }
inline Dual atan2(const Dual& a, const Dual& b) { return detail::dual_apply<Op::Atan2>(a, b); }
inline Dual hypot(const Dual& a, const Dual& b) { return detail::dual_apply<Op::Hypot>(a, b); }
inline Dual max(const Dual& a, const Dual& b) { return detail::dual_apply<Op::Max>(a, b); }
inline Dual min(const Dual& a, const Dual& b) { return detail::dual_apply<Op::Min>(a, b); }

}  // namespace nabla
