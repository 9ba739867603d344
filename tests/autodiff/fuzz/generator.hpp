// Random expression graphs for the fuzzer: 1–8 inputs, 5–200 nodes of every elementary op,
// shared subexpressions, constants (the library's constant forms), recorded comparisons and
// custom scalar functions. Each graph comes with its point x; operands are chosen so that every
// intermediate value is in the op's domain at x (log of a positive number, asin of |a| < 1, …),
// except for the edges a graph is meant to visit: exact special inputs (0, ½, 1, 2: kinks, ties,
// pow at exponent 0), saturation (|x| up to 800, exp overflowing into sigmoid or tanh) and NaN.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "graph.hpp"

namespace fuzz {

enum class Mode : std::uint8_t { Normal, Special, Saturation, NotANumber };

struct Sample {
  Graph graph;
  std::vector<double> x;
  Mode mode = Mode::Normal;
  bool custom = false;  // has custom functions (no second derivatives in nabla)
};

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}

  double uniform(double lo, double hi) { return std::uniform_real_distribution<>(lo, hi)(rng_); }
  int pick(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
  bool chance(double p) { return uniform(0.0, 1.0) < p; }

  double special_value() {
    static constexpr double values[] = {0.0, 1.0, 2.0, 0.5, -1.0, -0.5, -2.0, 3.0};
    return values[pick(8)];
  }
  double saturation_value() {
    static constexpr double values[] = {20.0,   -20.0, 40.0,  -40.0, 700.0, 800.0,
                                        -800.0, 37.5,  -37.5, 19.5,  -700.0};
    return values[pick(11)];
  }

  Sample scalar_graph() {
    Sample s;
    const double m = uniform(0.0, 1.0);
    s.mode = m < 0.76    ? Mode::Normal
             : m < 0.90  ? Mode::Special
             : m < 0.985 ? Mode::Saturation
                         : Mode::NotANumber;
    s.custom = chance(0.15);
    mode_ = s.mode;
    const int n = 1 + pick(8);
    s.graph.inputs = n;
    for (int i = 0; i < n; ++i) {
      double v = uniform(-2.0, 2.0);
      if (mode_ == Mode::Special && chance(0.5)) v = special_value();
      if (mode_ == Mode::Saturation && chance(0.5)) v = saturation_value();
      s.x.push_back(v);
    }
    if (mode_ == Mode::NotANumber) s.x[static_cast<std::size_t>(pick(n))] = std::nan("");
    g_ = &s.graph;
    x_ = &s.x;
    values_.clear();
    used_.clear();
    varying_.clear();
    for (int i = 0; i < n; ++i) push({Code::Input, i});
    const int size = 5 + pick(196);
    while (static_cast<int>(g_->nodes.size()) < size) grow(s.custom);
    // The output sums every node nothing else uses, so that all of the graph matters.
    std::vector<int> sinks;
    for (std::size_t k = 0; k + 1 < g_->nodes.size(); ++k)
      if (!used_[k] && g_->nodes[k].code != Code::Const) sinks.push_back(static_cast<int>(k));
    int out = static_cast<int>(g_->nodes.size()) - 1;
    for (const int k : sinks) {
      const Code c = chance(0.8) ? Code::Add : Code::Sub;
      if (!try_push({c, out, k})) continue;
      out = static_cast<int>(g_->nodes.size()) - 1;
    }
    s.graph.second = pick(static_cast<int>(s.graph.nodes.size()));
    // With a NaN input most of the graph is NaN; the jacobian's second row watches the first
    // kink that meets it, where a NaN must stay NaN in value and derivative.
    if (mode_ == Mode::NotANumber)
      for (std::size_t k = 0; k < s.graph.nodes.size(); ++k) {
        const Code c = s.graph.nodes[k].code;
        if ((c == Code::Max || c == Code::Min || c == Code::Relu || c == Code::Abs) &&
            std::isnan(values_[k])) {
          s.graph.second = static_cast<int>(k);
          break;
        }
      }
    return s;
  }

 private:
  int operand() {
    const int size = static_cast<int>(g_->nodes.size());
    if (chance(0.5)) return size - 1 - pick(std::min(size, 6));
    return pick(size);
  }
  double constant() {
    if (chance(0.5)) return special_value();
    // + 0.0: never −0, whose sign a tie of min/max may pass on either way (atan2 sees it)
    return std::round(uniform(-3.0, 3.0) * 8.0) / 8.0 + 0.0;
  }
  int push_const(double c) {
    push({Code::Const, 0, 0, 0, 0, c});
    return static_cast<int>(g_->nodes.size()) - 1;
  }
  void push(const Node& n) {
    g_->nodes.push_back(n);
    std::vector<double> v = evaluate_last();
    values_.push_back(v.back());
    used_.push_back(false);
    bool varying = n.code == Code::Input;
    if (n.code != Code::Input && n.code != Code::Const) {
      varying = varying_[static_cast<std::size_t>(n.a)];
      if (is_binary(n.code)) varying = varying || varying_[static_cast<std::size_t>(n.b)];
      // a comparison passes on one branch, which may be a constant at another point
      if (n.code == Code::Select)
        varying =
            varying_[static_cast<std::size_t>(n.t)] && varying_[static_cast<std::size_t>(n.e)];
    }
    varying_.push_back(varying);
    if (n.code == Code::Input || n.code == Code::Const) return;
    used_[static_cast<std::size_t>(n.a)] = true;
    if (is_binary(n.code) || n.code == Code::Select) used_[static_cast<std::size_t>(n.b)] = true;
    if (n.code == Code::Select)
      for (const int k : {n.t, n.e}) used_[static_cast<std::size_t>(k)] = true;
  }
  std::vector<double> evaluate_last() {
    // One node's value from the values before it (the graph evaluator on a two-node view
    // would be wasteful; evaluate a copy of just this node against the known values).
    Graph one;
    one.inputs = 0;
    const Node& n = g_->nodes.back();
    std::vector<double> in;
    Node m = n;
    if (n.code == Code::Input) return {(*x_)[static_cast<std::size_t>(n.a)]};
    if (n.code == Code::Const) return {n.c};
    for (const int k : {n.a, n.b, n.t, n.e}) {
      one.nodes.push_back({Code::Input, static_cast<int>(in.size())});
      in.push_back(values_[static_cast<std::size_t>(k)]);
    }
    m.a = 0;
    m.b = 1;
    m.t = 2;
    m.e = 3;
    one.nodes.push_back(m);
    one.inputs = 4;
    return evaluate(one, in);
  }
  double value(int k) const { return values_[static_cast<std::size_t>(k)]; }

  // Whether op(a, b) at the current values stays where the op is defined and well scaled.
  bool acceptable(const Node& n, double r) const {
    const double a = value(n.a);
    const double b = is_binary(n.code) ? value(n.b) : 0.0;
    const bool operands_nan = std::isnan(a) || std::isnan(b);
    // nabla::Function cannot replay a custom record with a constant argument (it says so).
    if (n.code == Code::MulSin &&
        !(varying_[static_cast<std::size_t>(n.a)] && varying_[static_cast<std::size_t>(n.b)]))
      return false;
    if (operands_nan) return mode_ == Mode::NotANumber;
    switch (n.code) {
      case Code::Log: return a > 1e-6;
      case Code::Log1p: return a > -1.0 + 1e-6;
      case Code::Sqrt: return a > 1e-8 || (a == 0.0 && mode_ == Mode::Special);
      case Code::Cbrt: return std::abs(a) > 1e-6;
      // Periodic functions of huge arguments are noise at any finite-difference step.
      case Code::Sin:
      case Code::Cos:
      case Code::MulSin: return std::abs(a) < 1e3 && std::isfinite(r) && std::abs(r) < 1e6;
      case Code::Tan: return std::abs(a) < 1e3 && std::abs(std::cos(a)) > 1e-2;
      case Code::Asin:
      case Code::Acos: return std::abs(a) < 1.0 - 1e-6;
      case Code::Pow:
        if (g_->nodes[static_cast<std::size_t>(n.b)].code == Code::Const) {
          const double c = b;
          if (!(a > 1e-6 || (c == std::round(c) && c >= 0.0))) return false;
        } else if (g_->nodes[static_cast<std::size_t>(n.a)].code == Code::Const) {
          if (!(a > 0.0)) return false;
        } else if (!(a > 1e-3) || std::abs(b * std::log(a)) > 30.0) {
          return false;
        }
        break;
      // never on the branch cut: a computed ±0 with b < 0 gives ±π (a jump of 2π)
      case Code::Atan2: return a * a + b * b > 1e-12 && std::isfinite(r) && !(a == 0.0 && b < 0.0);
      case Code::Div: return std::abs(b) > 1e-3 && std::isfinite(r) && std::abs(r) < 1e6;
      default: break;
    }
    if (std::isfinite(r)) return std::abs(r) < (mode_ == Mode::Saturation ? 1e300 : 1e6);
    // Overflow only where the saturation cases live, and only from finite operands.
    if (mode_ != Mode::Saturation || !std::isfinite(a) || !std::isfinite(b)) return false;
    return n.code == Code::Exp || n.code == Code::Expm1 || n.code == Code::Sinh ||
           n.code == Code::Cosh || n.code == Code::Square || n.code == Code::Mul;
  }

  bool try_push(const Node& n) {
    g_->nodes.push_back(n);
    const double r = evaluate_last().back();
    g_->nodes.pop_back();
    if (!acceptable(n, r)) return false;
    push(n);
    if (!std::isfinite(r) && !std::isnan(r)) {
      // An overflowed value goes straight into a saturating function (sigmoid(exp(800))).
      static constexpr Code tame[] = {Code::Sigmoid, Code::Tanh, Code::Atan, Code::Erf};
      push({tame[pick(4)], static_cast<int>(g_->nodes.size()) - 1});
    }
    return true;
  }

  void grow(bool custom) {
    for (int attempt = 0; attempt < 20; ++attempt) {
      Node n;
      const double u = uniform(0.0, 1.0);
      if (u < 0.03) {
        n.code = Code::Select;
        n.a = operand();
        n.b = operand();
        n.t = operand();
        n.e = operand();
      } else if (u < 0.48) {
        n.code = static_cast<Code>(first_unary + pick(last_unary - first_unary + 1));
        if (n.code == Code::LogCosh && !custom) continue;
        n.a = operand();
      } else {
        n.code = static_cast<Code>(first_binary + pick(last_binary - first_binary + 1));
        if (n.code == Code::MulSin && !custom) continue;
        n.a = operand();
        n.b = operand();
        if (chance(0.3)) {
          const int before = static_cast<int>(g_->nodes.size());
          const int c = push_const(constant());
          if (!try_binary_with_const(n, c)) {
            g_->nodes.resize(static_cast<std::size_t>(before));
            values_.resize(static_cast<std::size_t>(before));
            used_.resize(static_cast<std::size_t>(before));
            varying_.resize(static_cast<std::size_t>(before));
            continue;
          }
          return;
        }
      }
      if (try_push(n)) return;
    }
    push({Code::Sin, operand()});
  }
  bool try_binary_with_const(Node n, int c) {
    // f(a, c) usually; c − a, c / a, pow(c, a), atan2(c, a) for the constant-first forms.
    if (chance(0.3))
      n.a = c;
    else
      n.b = c;
    return try_push(n);
  }

  std::mt19937_64 rng_;
  Mode mode_ = Mode::Normal;
  Graph* g_ = nullptr;
  std::vector<double>* x_ = nullptr;
  std::vector<double> values_;
  std::vector<bool> used_;
  std::vector<bool> varying_;  // depends on an input (a recorded variable in nabla)
};

}  // namespace fuzz
