// The fuzzer's expression graph: a list of nodes, each an elementary operation of earlier nodes,
// evaluated by one template on plain doubles (the fuzzer's own evaluator, used for values and
// finite differences) or on nabla::Var (the library under test), and printed as C++ text (the
// reproducer of a failure). The operation codes are the fuzzer's own, not nabla::Op.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <nabla/autodiff.hpp>

namespace fuzz {

enum class Code : std::uint8_t {
  // leaves
  Input,  // x[k], k in `a`
  Const,  // the double `c`
  // unary f(a)
  Neg,
  Exp,
  Log,
  Log1p,
  Expm1,
  Sqrt,
  Cbrt,
  Sin,
  Cos,
  Tan,
  Asin,
  Acos,
  Atan,
  Sinh,
  Cosh,
  Tanh,
  Sigmoid,
  Softplus,
  Abs,
  Relu,
  Erf,
  Square,
  StopGradient,
  LogCosh,  // a custom scalar function of one input (nabla::scalar_function<1>)
  // binary f(a, b); b may be a Const node (the library then records its constant form)
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  Atan2,
  Hypot,
  Max,
  Min,
  MulSin,  // a custom scalar function of two inputs: a·b + sin(a)
  // a recorded comparison: a < b ? t : e (t and e in `t`, `e`)
  Select,
};

inline constexpr int first_unary = static_cast<int>(Code::Neg);
inline constexpr int last_unary = static_cast<int>(Code::LogCosh);
inline constexpr int first_binary = static_cast<int>(Code::Add);
inline constexpr int last_binary = static_cast<int>(Code::MulSin);

inline bool is_unary(Code c) {
  return static_cast<int>(c) >= first_unary && static_cast<int>(c) <= last_unary;
}
inline bool is_binary(Code c) {
  return static_cast<int>(c) >= first_binary && static_cast<int>(c) <= last_binary;
}
inline bool is_custom(Code c) { return c == Code::LogCosh || c == Code::MulSin; }

inline const char* name(Code c) {
  switch (c) {
    case Code::Input: return "input";
    case Code::Const: return "const";
    case Code::Neg: return "-";
    case Code::Exp: return "exp";
    case Code::Log: return "log";
    case Code::Log1p: return "log1p";
    case Code::Expm1: return "expm1";
    case Code::Sqrt: return "sqrt";
    case Code::Cbrt: return "cbrt";
    case Code::Sin: return "sin";
    case Code::Cos: return "cos";
    case Code::Tan: return "tan";
    case Code::Asin: return "asin";
    case Code::Acos: return "acos";
    case Code::Atan: return "atan";
    case Code::Sinh: return "sinh";
    case Code::Cosh: return "cosh";
    case Code::Tanh: return "tanh";
    case Code::Sigmoid: return "sigmoid";
    case Code::Softplus: return "softplus";
    case Code::Abs: return "abs";
    case Code::Relu: return "relu";
    case Code::Erf: return "erf";
    case Code::Square: return "square";
    case Code::StopGradient: return "stop_gradient";
    case Code::LogCosh: return "log_cosh";
    case Code::Add: return "+";
    case Code::Sub: return "-";
    case Code::Mul: return "*";
    case Code::Div: return "/";
    case Code::Pow: return "pow";
    case Code::Atan2: return "atan2";
    case Code::Hypot: return "hypot";
    case Code::Max: return "max";
    case Code::Min: return "min";
    case Code::MulSin: return "mul_sin";
    case Code::Select: return "select";
  }
  return "?";
}

struct Node {
  Code code = Code::Const;
  int a = 0, b = 0, t = 0, e = 0;  // operand node indices (a: the input number for Input)
  double c = 0.0;                  // Const's value
};

// The function x ↦ value of the last node (and of `second`, the extra output of jacobian).
struct Graph {
  int inputs = 0;
  std::vector<Node> nodes;
  int second = 0;
};

// --- the fuzzer's own double arithmetic (a NaN operand gives NaN, as docs/subgradients.md) ----
inline double d_sigmoid(double a) {
  if (a >= 0.0) return 1.0 / (1.0 + std::exp(-a));
  const double e = std::exp(a);
  return e / (1.0 + e);
}
inline double d_softplus(double a) {
  return (a > 0.0 ? a : 0.0) + std::log1p(std::exp(-std::abs(a)));
}
inline double d_relu(double a) { return std::isnan(a) ? a : (a > 0.0 ? a : 0.0); }
inline double d_max(double a, double b) {
  return std::isnan(a) || std::isnan(b) ? a + b : (a > b ? a : b);
}
inline double d_min(double a, double b) {
  return std::isnan(a) || std::isnan(b) ? a + b : (a < b ? a : b);
}
// log cosh x without overflow: |x| + log1p(e^(−2|x|)) − log 2.
inline double log_cosh(double x) {
  const double ax = std::abs(x);
  return ax + std::log1p(std::exp(-2.0 * ax)) - std::numbers::ln2;
}
inline double mul_sin(double a, double b) { return a * b + std::sin(a); }

// The custom scalar functions, as the library records them (partials given by the "user").
inline const nabla::ScalarFunction<1>& custom_log_cosh() {
  static const auto f = nabla::scalar_function<1>(
      "log_cosh", [](double x) { return log_cosh(x); }, [](double x) { return std::tanh(x); });
  return f;
}
inline const nabla::ScalarFunction<2>& custom_mul_sin() {
  static const auto f = nabla::scalar_function<2>(
      "mul_sin", [](double a, double b) { return mul_sin(a, b); },
      [](double a, double b) {
        return std::array<double, 2>{b + std::cos(a), a};
      });
  return f;
}

// What a node's branch was at an evaluation: the sign of the kink argument or the comparison
// outcome, so that finite differences can tell whether a stencil crossed a kink.
inline std::int8_t side_of(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return 3;
  return a > b ? 1 : (a < b ? -1 : 0);
}

// Evaluates every node; T = double or nabla::Var. `sides`, if given, receives one branch code
// per node (0 for smooth nodes, 4 for a non-finite value). `frozen`, if given (doubles only),
// holds the values stop_gradient nodes keep: finite differences of the function nabla
// differentiates, in which stop_gradient(v) is a constant.
template <class T>
std::vector<T> evaluate(const Graph& g, const std::vector<T>& x,
                        std::vector<std::int8_t>* sides = nullptr,
                        const std::vector<double>* frozen = nullptr) {
  constexpr bool is_double = std::is_same_v<T, double>;
  std::vector<T> v;
  v.reserve(g.nodes.size());
  if (sides) sides->assign(g.nodes.size(), 0);
  for (std::size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& n = g.nodes[k];
    auto A = [&]() -> const T& { return v[static_cast<std::size_t>(n.a)]; };
    auto B = [&]() -> const T& { return v[static_cast<std::size_t>(n.b)]; };
    auto val = [](const T& y) {
      if constexpr (is_double)
        return y;
      else
        return y.value();
    };
    std::int8_t side = 0;
    T r{};
    using std::abs, std::acos, std::asin, std::atan, std::atan2, std::cbrt, std::cos, std::cosh,
        std::erf, std::exp, std::expm1, std::hypot, std::log, std::log1p, std::pow, std::sin,
        std::sinh, std::sqrt, std::tan, std::tanh;
    switch (n.code) {
      case Code::Input: r = x[static_cast<std::size_t>(n.a)]; break;
      case Code::Const: r = T(n.c); break;
      case Code::Neg: r = -A(); break;
      case Code::Exp: r = exp(A()); break;
      case Code::Log: r = log(A()); break;
      case Code::Log1p: r = log1p(A()); break;
      case Code::Expm1: r = expm1(A()); break;
      case Code::Sqrt: r = sqrt(A()); break;
      case Code::Cbrt: r = cbrt(A()); break;
      case Code::Sin: r = sin(A()); break;
      case Code::Cos: r = cos(A()); break;
      case Code::Tan:
        r = tan(A());
        // the poles are domain edges: a stencil that crosses some (tan(sinh(·)) sweeps several
        // at h = 1e-3) can still look converged, so the branch is the period, modulo 60
        if (std::isfinite(val(A())))
          side = static_cast<std::int8_t>(
              61 + std::fmod(std::floor(val(A()) / std::numbers::pi + 0.5), 60.0));
        break;
      case Code::Asin: r = asin(A()); break;
      case Code::Acos: r = acos(A()); break;
      case Code::Atan: r = atan(A()); break;
      case Code::Sinh: r = sinh(A()); break;
      case Code::Cosh: r = cosh(A()); break;
      case Code::Tanh: r = tanh(A()); break;
      case Code::Erf: r = erf(A()); break;
      case Code::Sigmoid:
        if constexpr (is_double)
          r = d_sigmoid(A());
        else
          r = nabla::sigmoid(A());
        break;
      case Code::Softplus:
        if constexpr (is_double)
          r = d_softplus(A());
        else
          r = nabla::softplus(A());
        break;
      case Code::Abs:
        r = abs(A());
        side = side_of(val(A()), 0.0);
        break;
      case Code::Relu:
        if constexpr (is_double)
          r = d_relu(A());
        else
          r = nabla::relu(A());
        side = side_of(val(A()), 0.0);
        break;
      case Code::Square:
        if constexpr (is_double)
          r = A() * A();
        else
          r = nabla::square(A());
        break;
      case Code::StopGradient:
        if constexpr (is_double)
          r = frozen != nullptr ? (*frozen)[k] : A();
        else
          r = nabla::stop_gradient(A());
        break;
      case Code::LogCosh:
        if constexpr (is_double)
          r = log_cosh(A());
        else
          r = custom_log_cosh()(A());
        break;
      case Code::Add: r = A() + B(); break;
      case Code::Sub: r = A() - B(); break;
      case Code::Mul: r = A() * B(); break;
      case Code::Div: r = A() / B(); break;
      case Code::Pow: r = pow(A(), B()); break;
      case Code::Atan2:
        r = atan2(A(), B());
        // the branch cut (a = ±0, b < 0: ±π) is a kink for finite differences
        if (val(B()) < 0.0) side = side_of(val(A()), 0.0);
        break;
      case Code::Hypot:
        r = hypot(A(), B());
        // the kink is the origin: a stencil through it changes the sign of both operands
        side = static_cast<std::int8_t>(3 * side_of(val(A()), 0.0) + side_of(val(B()), 0.0));
        break;
      case Code::Max:
        if constexpr (is_double)
          r = d_max(A(), B());
        else
          r = nabla::max(A(), B());
        side = side_of(val(A()), val(B()));
        break;
      case Code::Min:
        if constexpr (is_double)
          r = d_min(A(), B());
        else
          r = nabla::min(A(), B());
        side = side_of(val(A()), val(B()));
        break;
      case Code::MulSin:
        if constexpr (is_double)
          r = mul_sin(A(), B());
        else
          r = custom_mul_sin()(A(), B());
        break;
      case Code::Select: {
        const bool less = A() < B();  // recorded on the tape for a Var
        r = v[static_cast<std::size_t>(less ? n.t : n.e)];
        side = less ? 1 : -1;
        break;
      }
    }
    if (sides) {
      (*sides)[k] = side;
      if (!std::isfinite(val(r)) && side == 0) (*sides)[k] = 4;
    }
    v.push_back(r);
  }
  return v;
}

// Whether every node's value at x is where its op is defined, as the generator keeps it
// (generator.hpp): the shrinker must not hand out a reproducer that leaves a domain (log of a
// negative number, asin of 2, atan2 on its branch cut, a new NaN or overflow).
inline bool in_domain(const Graph& g, const std::vector<double>& v, bool nonfinite_ok) {
  for (std::size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& n = g.nodes[k];
    if (n.code == Code::Input || n.code == Code::Const || n.code == Code::Select) continue;
    const double a = v[static_cast<std::size_t>(n.a)];
    const double b = is_binary(n.code) ? v[static_cast<std::size_t>(n.b)] : 0.0;
    if (!nonfinite_ok && !std::isfinite(v[k])) return false;
    if (std::isnan(a) || std::isnan(b)) continue;
    switch (n.code) {
      case Code::Log:
      case Code::Sqrt:
        if (!(a > 0.0) && !(n.code == Code::Sqrt && a == 0.0)) return false;
        break;
      case Code::Log1p:
        if (!(a > -1.0)) return false;
        break;
      case Code::Cbrt:
        if (a == 0.0) return false;
        break;
      case Code::Asin:
      case Code::Acos:
        if (!(std::abs(a) < 1.0)) return false;
        break;
      case Code::Tan:
        if (!(std::abs(std::cos(a)) > 1e-2)) return false;
        break;
      case Code::Div:
        if (b == 0.0) return false;
        break;
      case Code::Pow:
        if (!(a > 0.0) && !(b == std::round(b) && b >= 0.0)) return false;
        break;
      case Code::Atan2:
        if ((a == 0.0 && b <= 0.0) || (a == 0.0 && b == 0.0)) return false;
        break;
      default: break;
    }
  }
  return true;
}

inline std::string number(double c) {
  if (std::isnan(c)) return "NAN";
  if (std::isinf(c)) return c > 0 ? "INFINITY" : "-INFINITY";
  return fmt::format("{:.17g}", c);
}

// The graph as the body of a C++ lambda `[](const nabla::VectorXv& x) { … }`, and the point.
inline std::string to_cpp(const Graph& g, const std::vector<double>& x) {
  std::string s = "// x = (";
  for (std::size_t i = 0; i < x.size(); ++i) s += (i ? ", " : "") + number(x[i]);
  s += ")\n[](const nabla::VectorXv& x) {\n";
  for (std::size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& n = g.nodes[k];
    const std::string a = fmt::format("v{}", n.a), b = fmt::format("v{}", n.b);
    std::string e;
    switch (n.code) {
      case Code::Input: e = fmt::format("x[{}]", n.a); break;
      case Code::Const: e = fmt::format("nabla::Var({})", number(n.c)); break;
      case Code::Neg: e = "-" + a; break;
      case Code::Add:
      case Code::Sub:
      case Code::Mul:
      case Code::Div: e = fmt::format("{} {} {}", a, name(n.code), b); break;
      case Code::Select: e = fmt::format("{} < {} ? v{} : v{}", a, b, n.t, n.e); break;
      default:
        if (is_binary(n.code))
          e = fmt::format("{}({}, {})", name(n.code), a, b);
        else
          e = fmt::format("{}({})", name(n.code), a);
    }
    s += fmt::format("  const nabla::Var v{} = {};\n", k, e);
  }
  s += fmt::format("  return v{};\n}}\n", g.nodes.size() - 1);
  return s;
}

}  // namespace fuzz
