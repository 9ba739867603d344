// The fuzzer's independent reference: forward-mode first and second derivatives of a Graph,
// carried per node as a value, a gradient and a Hessian with respect to every input, in long
// double. The local derivatives below are written from the mathematics (calculus, and at kinks
// the values of docs/subgradients.md); nothing here reads nabla's rule table.
//
// Node values are the fuzzer's own double evaluation (graph.hpp), which performs the same
// IEEE operations as the library, so the reference differentiates exactly the function the
// library computed and the only differences left are the rounding of the library's partials
// and of its sweeps. Those are bounded by a few ulps per record times the *absolute* path sum
// (|∂| instead of ∂ along every path, no cancellation), which the reference carries too as the
// scale of each derivative.
//
// A product 0 × (inf or NaN) has no defined value, and forward and reverse mode meet it at
// different places (reverse mode skips records whose adjoint is exactly 0, forward mode sees
// tangents that are exactly 0): the reference takes such a product as 0 and marks the result
// `ambiguous`, so that a caller can skip a disagreement about non-finite entries there.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "graph.hpp"

namespace fuzz {

using real = long double;
inline constexpr int max_inputs = 8;

struct Reference {
  double value = 0.0;
  std::array<real, max_inputs> g{};                          // ∇f
  std::array<std::array<real, max_inputs>, max_inputs> h{};  // ∇²f
  std::array<real, max_inputs> g_scale{};                    // Σ over paths of Π |∂|
  std::array<std::array<real, max_inputs>, max_inputs> h_scale{};
  std::uint16_t deps = 0;  // the inputs this node depends on (structurally)
};

// The local derivatives of one operation at (a, b): ∂a, ∂b, ∂aa, ∂ab, ∂bb.
struct Local {
  real fa = 0, fb = 0, faa = 0, fab = 0, fbb = 0;
  // The size of the terms a double evaluation of faa is made of, where it exceeds |faa|:
  // asin″(a) = a·(1 − a²)^(−3/2) is ~a near 0, but computed from terms of size
  // (1 − a²)^(−3/2) ≈ 1 that leave an absolute error of an ulp of 1 (1e-17 at a ≈ 0).
  real faa_terms = 0;
};

// a_const / b_const: the operand depends on no input, so the library records the constant form
// (max(x, c), pow(x, c), …), whose kink and edge values docs/subgradients.md gives separately.
inline Local local_derivatives(Code code, double ad, double bd, bool a_const, bool b_const) {
  const real a = ad, b = bd;
  const real nan = std::numeric_limits<real>::quiet_NaN();
  const real two_over_sqrt_pi = 2.0L / std::sqrt(std::numbers::pi_v<real>);
  Local d;
  switch (code) {
    case Code::Input:
    case Code::Const:
    case Code::Select: break;
    case Code::Neg: d.fa = -1; break;
    case Code::Exp: d.fa = d.faa = std::exp(a); break;
    case Code::Log:
      d.fa = 1 / (a + 0);  // +inf at −0 as at +0: the one-sided slope
      d.faa = -1 / (a * a);
      break;
    case Code::Log1p:
      d.fa = 1 / (1 + a);
      d.faa = -1 / ((1 + a) * (1 + a));
      break;
    case Code::Expm1: d.fa = d.faa = std::exp(a); break;
    case Code::Sqrt: {
      const real s = std::sqrt(a);
      d.fa = 1 / (2 * (s + 0));  // +inf at −0 as at +0
      d.faa = -1 / (4 * a * s);
      break;
    }
    case Code::Cbrt: {
      const real s = std::cbrt(a);
      d.fa = 1 / (3 * s * s);
      d.faa = -2 / (9 * a * s * s);
      break;
    }
    case Code::Sin:
      d.fa = std::cos(a);
      d.faa = -std::sin(a);
      break;
    case Code::Cos:
      d.fa = -std::sin(a);
      d.faa = -std::cos(a);
      break;
    case Code::Tan: {
      const real c = std::cos(a);
      d.fa = 1 / (c * c);
      d.faa = 2 * std::tan(a) * d.fa;
      break;
    }
    case Code::Asin:
    case Code::Acos: {
      const real s = (1 - a) * (1 + a);
      const real sign = code == Code::Asin ? 1 : -1;
      d.fa = sign / std::sqrt(s);
      d.faa = sign * a / (s * std::sqrt(s));
      d.faa_terms = 1 / (s * std::sqrt(s));
      break;
    }
    case Code::Atan:
      d.fa = 1 / (1 + a * a);
      d.faa = -2 * a * d.fa * d.fa;
      break;
    case Code::Sinh:
      d.fa = std::cosh(a);
      d.faa = std::sinh(a);
      break;
    case Code::Cosh:
      d.fa = std::sinh(a);
      d.faa = std::cosh(a);
      break;
    case Code::Tanh: {  // sech², −2 tanh sech², from the argument in long double
      const real ch = std::cosh(a);
      d.fa = 1 / (ch * ch);
      d.faa = -2 * std::tanh(a) * d.fa;
      break;
    }
    case Code::Sigmoid:
    case Code::Softplus: {
      // σ′ = e/(1 + e)², e = e^(−|a|); σ″ = σ′(1 − 2σ), 1 − 2σ = −sign(a)(1 − e)/(1 + e).
      const real e = std::exp(-std::abs(a));
      const real slope = e / ((1 + e) * (1 + e));
      const real sigma = a >= 0 ? 1 / (1 + e) : e / (1 + e);
      const real one_minus_2s = (a >= 0 ? -1 : 1) * (1 - e) / (1 + e);
      if (std::isnan(a)) {
        d.fa = d.faa = nan;
      } else if (code == Code::Sigmoid) {
        d.fa = slope;
        d.faa = slope * one_minus_2s;
      } else {
        d.fa = sigma;
        d.faa = slope;
      }
      break;
    }
    case Code::Abs:  // abs′(0) = 0 (the minimum-norm subgradient), NaN stays NaN
      d.fa = a > 0 ? 1 : (a < 0 ? -1 : (a == 0 ? 0 : nan));
      break;
    case Code::Relu:  // relu′(0) = 0
      d.fa = a > 0 ? 1 : (a <= 0 ? 0 : nan);
      break;
    case Code::Erf:
      d.fa = two_over_sqrt_pi * std::exp(-a * a);
      d.faa = -2 * a * d.fa;
      break;
    case Code::Square:
      d.fa = 2 * a;
      d.faa = 2;
      break;
    case Code::StopGradient: break;
    case Code::LogCosh: {
      const real ch = std::cosh(a);
      d.fa = std::tanh(a);
      d.faa = 1 / (ch * ch);
      break;
    }
    case Code::Add: d.fa = d.fb = 1; break;
    case Code::Sub:
      d.fa = 1;
      d.fb = -1;
      break;
    case Code::Mul:
      d.fa = b;
      d.fb = a;
      d.fab = 1;
      break;
    case Code::Div:
      d.fa = 1 / b;
      d.fb = -a / (b * b);
      d.fab = -1 / (b * b);
      d.fbb = 2 * a / (b * b * b);
      break;
    case Code::Pow: {
      // a^b: ∂a = b a^(b−1), ∂b = a^b ln a, ∂aa = b(b−1)a^(b−2), ∂ab = a^(b−1)(1 + b ln a),
      // ∂bb = a^b ln² a. A constant exponent c = 0 makes a^c constant (all 0); at a = 0 the
      // limits of docs/subgradients.md: ∂b = 0 for b > 0, ∂a = 0 when b = 0.
      if (b_const) {
        if (b != 0) {
          d.fa = b * std::pow(a, b - 1);
          // c = 1: x is linear, its second derivative 0 even at a = 0 (0 · 0^−1)
          if (b != 1) d.faa = b * (b - 1) * std::pow(a, b - 2);
        }
      } else if (a_const) {
        if (a != 0) {
          const real l = std::log(a);
          d.fb = std::pow(a, b) * l;
          d.fbb = d.fb * l;
        }
      } else {
        const real l = std::log(a);
        const real p = std::pow(a, b);
        d.fa = (a == 0 && b == 0) ? 0 : b * std::pow(a, b - 1);
        d.fb = (a == 0 && b > 0) ? 0 : p * l;
        d.faa = b * (b - 1) * std::pow(a, b - 2);
        d.fab = std::pow(a, b - 1) * (1 + b * l);
        d.fbb = p * l * l;
      }
      break;
    }
    case Code::Atan2: {  // atan2(a, b) = angle of (b, a)
      const real q = a * a + b * b;
      d.fa = b / q;
      d.fb = -a / q;
      d.faa = -2 * a * b / (q * q);
      d.fbb = 2 * a * b / (q * q);
      d.fab = (a * a - b * b) / (q * q);
      break;
    }
    case Code::Hypot: {  // at the origin the minimum-norm subgradient 0
      const real r = std::sqrt(a * a + b * b);
      if (r != 0) {
        d.fa = a / r;
        d.fb = b / r;
        d.faa = b * b / (r * r * r);
        d.fbb = a * a / (r * r * r);
        d.fab = -a * b / (r * r * r);
      }
      break;
    }
    case Code::Max:
    case Code::Min: {
      // The larger (smaller) operand gets 1; a tie of two variables splits ½/½, a tie with a
      // constant gives the variable 0; a NaN operand gives NaN.
      const bool first = code == Code::Max ? a > b : a < b;
      const bool second = code == Code::Max ? a < b : a > b;
      if (std::isnan(a) || std::isnan(b)) {
        d.fa = d.fb = nan;
      } else if (first) {
        d.fa = 1;
      } else if (second) {
        d.fb = 1;
      } else {
        d.fa = b_const ? 0 : 0.5L;
        d.fb = a_const ? 0 : 0.5L;
      }
      break;
    }
    case Code::MulSin:
      d.fa = b + std::cos(a);
      d.fb = a;
      d.faa = -std::sin(a);
      d.fab = 1;
      break;
  }
  return d;
}

// faa_terms enters the path sums of second derivatives weighted so that the caller's
// relative tolerance (1e-8, graph_fuzz_test.cpp) times it is a few ulps (2⁻⁵³ ≈ 1.1e-16) of
// the terms: 1e-7 · 1e-8 = 1e-15.
inline constexpr real faa_terms_weight = 1e-7L;

// Forward-mode second-order sweep over the graph at x.
class ReferenceSweep {
 public:
  bool ambiguous = false;  // a 0 × non-finite product or an inf − inf was met

  std::vector<Reference> run(const Graph& g, const std::vector<double>& values) {
    std::vector<Reference> out(g.nodes.size());
    const int n = g.inputs;
    for (std::size_t k = 0; k < g.nodes.size(); ++k) {
      const Node& nd = g.nodes[k];
      Reference& r = out[k];
      r.value = values[k];
      if (nd.code == Code::Input) {
        r.deps = static_cast<std::uint16_t>(1u << nd.a);
        r.g[static_cast<std::size_t>(nd.a)] = 1;
        r.g_scale[static_cast<std::size_t>(nd.a)] = 1;
        continue;
      }
      if (nd.code == Code::Const) continue;
      if (nd.code == Code::Select) {
        const bool less =
            values[static_cast<std::size_t>(nd.a)] < values[static_cast<std::size_t>(nd.b)];
        const double v = r.value;
        r = out[static_cast<std::size_t>(less ? nd.t : nd.e)];
        r.value = v;
        continue;
      }
      const Reference& A = out[static_cast<std::size_t>(nd.a)];
      static const Reference zero{};
      const bool binary = is_binary(nd.code);
      const Reference& B = binary ? out[static_cast<std::size_t>(nd.b)] : zero;
      r.deps = A.deps | B.deps;
      const Local d =
          local_derivatives(nd.code, A.value, binary ? B.value : 0.0, A.deps == 0, B.deps == 0);
      for (int i = 0; i < n; ++i) {
        if (!(r.deps >> i & 1u)) continue;
        const auto I = static_cast<std::size_t>(i);
        r.g[I] = add(mul(d.fa, A.g[I]), mul(d.fb, B.g[I]));
        r.g_scale[I] = scale(d.fa, A.g_scale[I]) + scale(d.fb, B.g_scale[I]);
        for (int j = 0; j < n; ++j) {
          if (!(r.deps >> j & 1u)) continue;
          const auto J = static_cast<std::size_t>(j);
          real s = add(mul(d.fa, A.h[I][J]), mul(d.fb, B.h[I][J]));
          s = add(s, mul(d.faa, mul(A.g[I], A.g[J])));
          s = add(s, mul(d.fab, add(mul(A.g[I], B.g[J]), mul(B.g[I], A.g[J]))));
          s = add(s, mul(d.fbb, mul(B.g[I], B.g[J])));
          r.h[I][J] = s;
          r.h_scale[I][J] =
              scale(d.fa, A.h_scale[I][J]) + scale(d.fb, B.h_scale[I][J]) +
              scale(std::max(std::abs(d.faa), d.faa_terms * faa_terms_weight),
                    scale(A.g_scale[I], A.g_scale[J])) +
              scale(d.fab, scale(A.g_scale[I], B.g_scale[J]) + scale(B.g_scale[I], A.g_scale[J])) +
              scale(d.fbb, scale(B.g_scale[I], B.g_scale[J]));
        }
      }
      if (nd.code == Code::StopGradient) {
        r.g = {};
        r.h = {};
        r.g_scale = {};
        r.h_scale = {};
      }
    }
    return out;
  }

 private:
  // |p|·t for the path sums, with an exact 0 winning as in mul.
  static real scale(real p, real t) { return p == 0 || t == 0 ? 0 : std::abs(p) * t; }
  real mul(real p, real t) {
    if (p == 0 || t == 0) {
      if (!std::isfinite(p) || !std::isfinite(t)) ambiguous = true;
      return 0;
    }
    return p * t;
  }
  real add(real x, real y) {
    const real s = x + y;
    if (std::isnan(s) && !std::isnan(x) && !std::isnan(y)) ambiguous = true;
    return s;
  }
};

// A long-double reverse sweep from node `output` through the local derivatives above: calls
// visit(k, w) for every node k that passes a nonzero adjoint w on, and add(c) for every
// contribution c = w·∂ it passes (add returning false ends the sweep). Returns false when
// add ended it.
template <class Visit, class Add>
bool reverse_walk(const Graph& g, const std::vector<double>& values, std::size_t output,
                  Visit visit, Add add) {
  std::vector<real> adj(output + 1, 0);
  adj[output] = 1;
  auto pass = [&](int to, real c) {
    if (!add(c)) return false;
    adj[static_cast<std::size_t>(to)] += c;
    return true;
  };
  for (std::size_t k = output + 1; k-- > 0;) {
    const Node& nd = g.nodes[k];
    const real w = adj[k];
    if (w == 0 || nd.code == Code::Input || nd.code == Code::Const || nd.code == Code::StopGradient)
      continue;
    visit(k, w);
    if (nd.code == Code::Select) {
      const bool less =
          values[static_cast<std::size_t>(nd.a)] < values[static_cast<std::size_t>(nd.b)];
      if (!pass(less ? nd.t : nd.e, w)) return false;
      continue;
    }
    const bool binary = is_binary(nd.code);
    const double a = values[static_cast<std::size_t>(nd.a)];
    const double b = binary ? values[static_cast<std::size_t>(nd.b)] : 0.0;
    const Local d = local_derivatives(nd.code, a, b, false, false);
    if (!pass(nd.a, d.fa == 0 ? 0 : w * d.fa)) return false;
    if (binary && !pass(nd.b, d.fb == 0 ? 0 : w * d.fb)) return false;
  }
  return true;
}

// The rounding scale of the graph's double evaluation at x: Σ |vₖ|·|∂f/∂vₖ| over the rounded
// nodes (a reverse first-order sweep of the same local derivatives). Each node's rounding,
// at most an ulp of |vₖ|, reaches the output times its adjoint, so f itself is known to a few
// ulps of this sum, not of the largest intermediate (which may lead nowhere: a dead branch, a
// stop_gradient, a tiny factor). NaN or inf when an adjoint is not finite (the caller then
// falls back to the largest intermediate).
inline real rounding_scale(const Graph& g, const std::vector<double>& values) {
  real sum = 0;
  reverse_walk(
      g, values, g.nodes.size() - 1,
      [&](std::size_t k, real w) { sum += std::abs(w) * std::abs(static_cast<real>(values[k])); },
      [](real) { return true; });
  return sum;
}

// Whether the reverse sweep from node `output` leaves the double range on the way: some
// adjoint contribution w·∂ (in long double, from the same local derivatives) that is nonzero
// but below the smallest normal double, above the largest, or not finite. The double sweep
// then underflows to 0 (1e-250 · 5e-126 before · 1e250) or meets inf − inf where forward mode,
// multiplying in the other order, has an exact 0 or a finite value: both are IEEE answers,
// and neither says anything about nabla's rules.
inline bool reverse_leaves_range(const Graph& g, const std::vector<double>& values,
                                 std::size_t output) {
  constexpr real lo = std::numeric_limits<double>::min();
  constexpr real hi = std::numeric_limits<double>::max();
  return !reverse_walk(
      g, values, output, [](std::size_t, real) {},
      [&](real c) { return c == 0 || (std::abs(c) >= lo && std::abs(c) <= hi); });
}

}  // namespace fuzz
