// Random matrix graphs for the fuzzer: one matrix variable X (r×c, at most max_inputs entries),
// a chain of nabla::Mat operations — the element-wise functions of the op table's mat column,
// pow/max/min with a constant, +, −, ⊙, ÷ between matrices, constants and recorded scalars
// (sum of another node) broadcast over a matrix, matmul, transpose, row and column sums and
// means — and a final reduction to a Var (sum or mean of the last node plus the sums of the
// nodes nothing uses).
//
// Every matrix operation is also written entry by entry as nodes of a scalar Graph (graph.hpp):
// `expanded`, the same function of vec(X) (column-major) on the scalar path. The fuzzer checks
// the expanded graph as any scalar graph (reference, finite differences, replay) and the matrix
// path's value, gradient, jvp, hvp and hessian against the expanded graph's reference and
// against the scalar path's gradient (where 0 × inf has to give 0 on both, defect 4).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix.hpp>

#include "generator.hpp"
#include "graph.hpp"
#include "reference.hpp"

namespace fuzz {

enum class MCode : std::uint8_t {
  Input,      // X
  Unary,      // f(A), f = `f` (a Code with a Mat form)
  WithConst,  // f(A, c): pow, max, min, +, * and /, or c − A (f = Sub, constant first)
  Binary,     // A f B element-wise, same shape: +, −, ⊙ (Mul), ÷ (Div)
  Broadcast,  // A f sum(B): the recorded scalar broadcast, f = Add or Mul
  MatMul,     // A·B
  Transpose,
  RowSums,
  ColSums,
  RowMeans,
  ColMeans,
};

struct MNode {
  MCode code = MCode::Input;
  Code f = Code::Add;
  int a = 0, b = 0;
  double c = 0.0;
  Eigen::Index rows = 0, cols = 0;
  std::vector<int> entries;  // the expanded node of each entry, column-major
};

struct MatSample {
  std::vector<MNode> nodes;
  std::vector<int> sinks;  // nodes nothing uses but the output (their sums are added)
  bool mean = false;       // the output reduces the last node by mean (else sum)
  Eigen::MatrixXd x;
  Sample expanded;  // the same function entry by entry (graph inputs: vec(X))
};

// The matrix path: the function of the Mat variable X.
inline nabla::Var evaluate(const MatSample& s, const nabla::Mat& X) {
  std::vector<nabla::Mat> m;
  std::vector<std::optional<nabla::Var>> sums(s.nodes.size());
  auto sum_of = [&](int k) -> const nabla::Var& {
    auto& v = sums[static_cast<std::size_t>(k)];
    if (!v) v = nabla::sum(m[static_cast<std::size_t>(k)]);
    return *v;
  };
  for (const MNode& n : s.nodes) {
    const auto A = [&]() -> const nabla::Mat& { return m[static_cast<std::size_t>(n.a)]; };
    const auto B = [&]() -> const nabla::Mat& { return m[static_cast<std::size_t>(n.b)]; };
    switch (n.code) {
      case MCode::Input: m.push_back(X); break;
      case MCode::Unary:
        switch (n.f) {
          case Code::Neg: m.push_back(-A()); break;
          case Code::Exp: m.push_back(nabla::exp(A())); break;
          case Code::Log: m.push_back(nabla::log(A())); break;
          case Code::Log1p: m.push_back(nabla::log1p(A())); break;
          case Code::Expm1: m.push_back(nabla::expm1(A())); break;
          case Code::Sqrt: m.push_back(nabla::sqrt(A())); break;
          case Code::Sin: m.push_back(nabla::sin(A())); break;
          case Code::Cos: m.push_back(nabla::cos(A())); break;
          case Code::Tanh: m.push_back(nabla::tanh(A())); break;
          case Code::Sigmoid: m.push_back(nabla::sigmoid(A())); break;
          case Code::Softplus: m.push_back(nabla::softplus(A())); break;
          case Code::Abs: m.push_back(nabla::abs(A())); break;
          case Code::Relu: m.push_back(nabla::relu(A())); break;
          default: m.push_back(nabla::square(A())); break;
        }
        break;
      case MCode::WithConst:
        switch (n.f) {
          case Code::Pow: m.push_back(nabla::pow(A(), n.c)); break;
          case Code::Max: m.push_back(nabla::max(A(), n.c)); break;
          case Code::Min: m.push_back(nabla::min(A(), n.c)); break;
          case Code::Add: m.push_back(A() + n.c); break;
          case Code::Sub: m.push_back(n.c - A()); break;
          case Code::Mul: m.push_back(A() * n.c); break;
          default: m.push_back(A() / n.c); break;
        }
        break;
      case MCode::Binary:
        switch (n.f) {
          case Code::Add: m.push_back(A() + B()); break;
          case Code::Sub: m.push_back(A() - B()); break;
          case Code::Mul: m.push_back(nabla::cwise_product(A(), B())); break;
          default: m.push_back(nabla::cwise_quotient(A(), B())); break;
        }
        break;
      case MCode::Broadcast:
        m.push_back(n.f == Code::Add ? A() + sum_of(n.b) : A() * sum_of(n.b));
        break;
      case MCode::MatMul: m.push_back(nabla::matmul(A(), B())); break;
      case MCode::Transpose: m.push_back(nabla::transpose(A())); break;
      case MCode::RowSums: m.push_back(nabla::row_sums(A())); break;
      case MCode::ColSums: m.push_back(nabla::col_sums(A())); break;
      case MCode::RowMeans: m.push_back(nabla::row_means(A())); break;
      case MCode::ColMeans: m.push_back(nabla::col_means(A())); break;
    }
  }
  nabla::Var y = s.mean ? nabla::mean(m.back()) : nabla::sum(m.back());
  for (const int k : s.sinks) y = y + nabla::sum(m[static_cast<std::size_t>(k)]);
  return y;
}

// The matrix graph as the body of a C++ lambda `[](const nabla::Mat& x) { … }`, and X.
inline std::string to_cpp(const MatSample& s) {
  std::string out = fmt::format("// X ({}×{}, column-major) = (", s.x.rows(), s.x.cols());
  for (Eigen::Index i = 0; i < s.x.size(); ++i) out += (i ? ", " : "") + number(s.x.reshaped()[i]);
  out += ")\n[](const nabla::Mat& x) {\n";
  for (std::size_t k = 0; k < s.nodes.size(); ++k) {
    const MNode& n = s.nodes[k];
    const std::string a = fmt::format("m{}", n.a), b = fmt::format("m{}", n.b);
    std::string e;
    switch (n.code) {
      case MCode::Input: e = "x"; break;
      case MCode::Unary:
        e = n.f == Code::Neg ? "-" + a : fmt::format("nabla::{}({})", name(n.f), a);
        break;
      case MCode::WithConst:
        if (n.f == Code::Pow || n.f == Code::Max || n.f == Code::Min)
          e = fmt::format("nabla::{}({}, {})", name(n.f), a, number(n.c));
        else if (n.f == Code::Sub)
          e = fmt::format("{} - {}", number(n.c), a);
        else
          e = fmt::format("{} {} {}", a, name(n.f), number(n.c));
        break;
      case MCode::Binary:
        e = n.f == Code::Mul   ? fmt::format("nabla::cwise_product({}, {})", a, b)
            : n.f == Code::Div ? fmt::format("nabla::cwise_quotient({}, {})", a, b)
                               : fmt::format("{} {} {}", a, name(n.f), b);
        break;
      case MCode::Broadcast: e = fmt::format("{} {} nabla::sum({})", a, name(n.f), b); break;
      case MCode::MatMul: e = fmt::format("nabla::matmul({}, {})", a, b); break;
      case MCode::Transpose: e = fmt::format("nabla::transpose({})", a); break;
      case MCode::RowSums: e = fmt::format("nabla::row_sums({})", a); break;
      case MCode::ColSums: e = fmt::format("nabla::col_sums({})", a); break;
      case MCode::RowMeans: e = fmt::format("nabla::row_means({})", a); break;
      case MCode::ColMeans: e = fmt::format("nabla::col_means({})", a); break;
    }
    out += fmt::format("  const nabla::Mat m{} = {};  // {}×{}\n", k, e, n.rows, n.cols);
  }
  out += fmt::format("  nabla::Var y = nabla::{}(m{});\n", s.mean ? "mean" : "sum",
                     s.nodes.size() - 1);
  for (const int k : s.sinks) out += fmt::format("  y = y + nabla::sum(m{});\n", k);
  out += "  return y;\n}\n";
  return out;
}

class MatrixGenerator {
 public:
  explicit MatrixGenerator(std::uint64_t seed) : rng_(seed) {}

  MatSample graph() {
    MatSample s;
    const double u = uniform(0.0, 1.0);
    mode_ = u < 0.6 ? Mode::Normal : u < 0.75 ? Mode::Special : Mode::Saturation;
    const Eigen::Index r = 1 + pick(4);
    const Eigen::Index c = 1 + pick(static_cast<int>(std::min<Eigen::Index>(4, max_inputs / r)));
    s.x.resize(r, c);
    for (Eigen::Index i = 0; i < s.x.size(); ++i) {
      double v = uniform(-2.0, 2.0);
      if (mode_ == Mode::Special && chance(0.5)) v = special(pick(8));
      if (mode_ == Mode::Saturation && chance(0.5)) v = saturation(pick(11));
      s.x.reshaped()[i] = v;
    }
    s_ = &s;
    g_ = &s.expanded.graph;
    s.expanded.mode = mode_;
    g_->inputs = static_cast<int>(s.x.size());
    for (Eigen::Index i = 0; i < s.x.size(); ++i) {
      s.expanded.x.push_back(s.x.reshaped()[i]);
      g_->nodes.push_back({Code::Input, static_cast<int>(i)});
      values_.push_back(s.x.reshaped()[i]);
    }
    MNode in;
    in.rows = r;
    in.cols = c;
    for (int i = 0; i < g_->inputs; ++i) in.entries.push_back(i);
    s.nodes.push_back(in);
    used_.push_back(false);
    // Saturation: often sigmoid(exp(X)) (or tanh(expm1(X))) first, the case of defect 4.
    if (mode_ == Mode::Saturation && chance(0.5))
      try_unary(chance(0.5) ? Code::Exp : Code::Expm1, 0);
    const int size = 2 + pick(11);
    for (int attempt = 0; static_cast<int>(s.nodes.size()) < size && attempt < 200; ++attempt)
      grow();
    // The output: sum or mean of the last node, plus the sum of every unused node.
    s.mean = chance(0.3);
    reduce(last(), s.mean);
    for (std::size_t k = 0; k + 1 < s.nodes.size(); ++k)
      if (!used_[k]) {
        s.sinks.push_back(static_cast<int>(k));
        const int acc = static_cast<int>(g_->nodes.size()) - 1;
        reduce(static_cast<int>(k), false);
        push({Code::Add, acc, static_cast<int>(g_->nodes.size()) - 1});
      }
    g_->second = pick(static_cast<int>(g_->nodes.size()));
    return s;
  }

 private:
  double uniform(double lo, double hi) { return std::uniform_real_distribution<>(lo, hi)(rng_); }
  int pick(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
  bool chance(double p) { return uniform(0.0, 1.0) < p; }
  static double special(int k) {
    static constexpr double values[] = {0.0, 1.0, 2.0, 0.5, -1.0, -0.5, -2.0, 3.0};
    return values[k];
  }
  static double saturation(int k) {
    static constexpr double values[] = {20.0,   -20.0, 40.0,  -40.0, 700.0, 800.0,
                                        -800.0, 37.5,  -37.5, 19.5,  -700.0};
    return values[k];
  }
  double constant() {
    if (chance(0.5)) return special(pick(8));
    return std::round(uniform(-3.0, 3.0) * 8.0) / 8.0 + 0.0;
  }

  // One expanded node, evaluated from the values before it.
  int push(const Node& n) {
    g_->nodes.push_back(n);
    Graph one;
    std::vector<double> in;
    Node m = n;
    if (n.code == Code::Const) {
      values_.push_back(n.c);
    } else {
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
      values_.push_back(fuzz::evaluate(one, in).back());
    }
    return static_cast<int>(g_->nodes.size()) - 1;
  }
  int push_const(double c) { return push({Code::Const, 0, 0, 0, 0, c}); }
  // Σ of node k's entries (left to right), or their mean (the sum ÷ the count).
  void reduce(int k, bool mean) {
    const MNode& n = s_->nodes[static_cast<std::size_t>(k)];
    int acc = n.entries[0];
    for (std::size_t i = 1; i < n.entries.size(); ++i) acc = push({Code::Add, acc, n.entries[i]});
    if (mean) push({Code::Div, acc, push_const(static_cast<double>(n.entries.size()))});
    if (acc == n.entries[0] && !mean) push({Code::Add, acc, push_const(0.0)});
  }

  // Whether entry value r of op f(a, b) stays in the domain and well scaled (cf. generator.hpp).
  bool acceptable(Code f, double a, double b, double r, bool b_const) const {
    switch (f) {
      case Code::Log: return a > 1e-6;
      case Code::Log1p: return a > -1.0 + 1e-6;
      case Code::Sqrt: return a > 1e-8 || (a == 0.0 && mode_ == Mode::Special);
      case Code::Sin:
      case Code::Cos: return std::abs(a) < 1e3;
      case Code::Pow:
        if (b_const && !(a > 1e-6 || (b == std::round(b) && b >= 0.0))) return false;
        break;
      case Code::Div: return std::abs(b) > 1e-3 && std::isfinite(r) && std::abs(r) < 1e6;
      default: break;
    }
    if (std::isfinite(r)) return std::abs(r) < (mode_ == Mode::Saturation ? 1e300 : 1e6);
    if (mode_ != Mode::Saturation || !std::isfinite(a) || !std::isfinite(b)) return false;
    return f == Code::Exp || f == Code::Expm1 || f == Code::Square;
  }

  // Appends a matrix node whose entries are made by `entry(i)` (expanded node indices), or
  // rolls back if an entry leaves its domain; an overflowed entry goes straight into sigmoid
  // or tanh (the saturation case: inf only ever meets a saturating function).
  template <class Entry>
  bool add(MNode n, Entry entry, bool check = true) {
    const std::size_t before = g_->nodes.size();
    bool ok = true, overflow = false;
    for (Eigen::Index i = 0; i < n.rows * n.cols && ok; ++i) {
      const auto [k, f, a, b, b_const] = entry(i);
      n.entries.push_back(k);
      const double r = values_[static_cast<std::size_t>(k)];
      if (std::isinf(r)) overflow = true;
      if (check && !acceptable(f, a, b, r, b_const)) ok = false;
    }
    if (!ok) {
      g_->nodes.resize(before);
      values_.resize(before);
      return false;
    }
    for (const int k : {n.a, n.b})
      if (k >= 0) used_[static_cast<std::size_t>(k)] = true;
    s_->nodes.push_back(std::move(n));
    used_.push_back(false);
    if (overflow) try_unary(chance(0.5) ? Code::Sigmoid : Code::Tanh, last());
    return true;
  }
  int last() const { return static_cast<int>(s_->nodes.size()) - 1; }
  const MNode& node(int k) const { return s_->nodes[static_cast<std::size_t>(k)]; }
  double value(int k) const { return values_[static_cast<std::size_t>(k)]; }
  struct EntryInfo {
    int k;
    Code f;
    double a, b;
    bool b_const;
  };

  bool try_unary(Code f, int a) {
    MNode n;
    n.code = MCode::Unary;
    n.f = f;
    n.a = a;
    n.b = -1;
    n.rows = node(a).rows;
    n.cols = node(a).cols;
    return add(n, [&](Eigen::Index i) {
      const int e = node(a).entries[static_cast<std::size_t>(i)];
      return EntryInfo{push({f, e}), f, value(e), 0.0, false};
    });
  }

  int operand() {
    const int size = static_cast<int>(s_->nodes.size());
    if (chance(0.6)) return size - 1 - pick(std::min(size, 3));
    return pick(size);
  }

  void grow() {
    static constexpr Code unary[] = {Code::Neg,   Code::Exp,     Code::Log,      Code::Log1p,
                                     Code::Expm1, Code::Sqrt,    Code::Sin,      Code::Cos,
                                     Code::Tanh,  Code::Sigmoid, Code::Softplus, Code::Abs,
                                     Code::Relu,  Code::Square};
    const int a = operand();
    const MNode A{MCode::Input, Code::Add, 0, 0, 0.0, node(a).rows, node(a).cols, {}};  // shape
    const double u = uniform(0.0, 1.0);
    if (u < 0.35) {
      (void)try_unary(unary[pick(14)], a);
    } else if (u < 0.5) {
      static constexpr Code fs[] = {Code::Pow, Code::Max, Code::Min, Code::Add,
                                    Code::Sub, Code::Mul, Code::Div};
      const Code f = fs[pick(7)];
      double c = constant();
      if (f == Code::Div && c == 0.0) c = 2.0;
      if (f == Code::Pow) c = std::array<double, 6>{2.0, 3.0, 0.5, -1.0, 1.0, 1.5}[pick(6)];
      MNode n;
      n.code = MCode::WithConst;
      n.f = f;
      n.a = a;
      n.b = -1;
      n.c = c;
      n.rows = A.rows;
      n.cols = A.cols;
      (void)add(n, [&](Eigen::Index i) {
        const int e = node(a).entries[static_cast<std::size_t>(i)];
        const int k = push_const(c);
        const int r = push(f == Code::Sub ? Node{Code::Sub, k, e} : Node{f, e, k});
        return EntryInfo{r, f, value(e), c, true};
      });
    } else if (u < 0.7) {
      // element-wise with a node of the same shape (or A itself)
      std::vector<int> same;
      for (int k = 0; k <= last(); ++k)
        if (node(k).rows == A.rows && node(k).cols == A.cols) same.push_back(k);
      const int b = same[static_cast<std::size_t>(pick(static_cast<int>(same.size())))];
      static constexpr Code fs[] = {Code::Add, Code::Sub, Code::Mul, Code::Div};
      const Code f = fs[pick(4)];
      MNode n;
      n.code = MCode::Binary;
      n.f = f;
      n.a = a;
      n.b = b;
      n.rows = A.rows;
      n.cols = A.cols;
      (void)add(n, [&](Eigen::Index i) {
        const int ea = node(a).entries[static_cast<std::size_t>(i)];
        const int eb = node(b).entries[static_cast<std::size_t>(i)];
        return EntryInfo{push({f, ea, eb}), f, value(ea), value(eb), false};
      });
    } else if (u < 0.78) {
      const int b = operand();
      const Code f = chance(0.5) ? Code::Add : Code::Mul;
      MNode n;
      n.code = MCode::Broadcast;
      n.f = f;
      n.a = a;
      n.b = b;
      n.rows = A.rows;
      n.cols = A.cols;
      const std::size_t before = g_->nodes.size();
      const MNode& B = node(b);
      int s = B.entries[0];
      for (std::size_t i = 1; i < B.entries.size(); ++i) s = push({Code::Add, s, B.entries[i]});
      if (!(std::abs(value(s)) < 1e6) || (f == Code::Mul && std::abs(value(s)) > 1e3)) {
        g_->nodes.resize(before);
        values_.resize(before);
        return;
      }
      const bool ok = add(n, [&](Eigen::Index i) {
        const int e = node(a).entries[static_cast<std::size_t>(i)];
        return EntryInfo{push({f, e, s}), f, value(e), value(s), false};
      });
      if (!ok) {
        g_->nodes.resize(before);
        values_.resize(before);
      }
    } else if (u < 0.9) {
      // A·B with B (cols(A) rows) from the graph, or Aᵀ
      std::vector<int> fit;
      for (int k = 0; k <= last(); ++k)
        if (node(k).rows == A.cols && A.rows * node(k).cols <= 16) fit.push_back(k);
      const bool t = fit.empty() || chance(0.25);
      if (t && A.rows * A.rows > 16) return;
      int b = t ? -1 : fit[static_cast<std::size_t>(pick(static_cast<int>(fit.size())))];
      if (t) {
        if (!add_transpose(a)) return;
        b = last();
      }
      const MNode& B = node(b);
      MNode n;
      n.code = MCode::MatMul;
      n.a = a;
      n.b = b;
      n.rows = A.rows;
      n.cols = B.cols;
      const Eigen::Index inner = A.cols;
      (void)add(
          n,
          [&](Eigen::Index e) {
            const Eigen::Index i = e % node(a).rows, j = e / node(a).rows;
            auto at = [&](int m, Eigen::Index r, Eigen::Index c) {
              return node(m).entries[static_cast<std::size_t>(r + c * node(m).rows)];
            };
            int acc = push({Code::Mul, at(a, i, 0), at(b, 0, j)});
            for (Eigen::Index k = 1; k < inner; ++k)
              acc = push({Code::Add, acc, push({Code::Mul, at(a, i, k), at(b, k, j)})});
            return EntryInfo{acc, Code::Mul, 0.0, 0.0, false};
          },
          true);
    } else if (u < 0.94) {
      (void)add_transpose(a);
    } else {
      const int which = pick(4);  // row sums, col sums, row means, col means
      MNode n;
      n.code = static_cast<MCode>(static_cast<int>(MCode::RowSums) + which);
      n.a = a;
      n.b = -1;
      const bool rows = which % 2 == 0;
      n.rows = rows ? A.rows : 1;
      n.cols = rows ? 1 : A.cols;
      (void)add(n, [&](Eigen::Index e) {
        const Eigen::Index len = rows ? node(a).cols : node(a).rows;
        auto at = [&](Eigen::Index k) {
          const Eigen::Index r = rows ? e : k, c = rows ? k : e;
          return node(a).entries[static_cast<std::size_t>(r + c * node(a).rows)];
        };
        int acc = at(0);
        for (Eigen::Index k = 1; k < len; ++k) acc = push({Code::Add, acc, at(k)});
        if (which >= 2)
          acc = push({Code::Div, acc, push_const(static_cast<double>(len))});
        else if (len == 1)
          acc = push({Code::Add, acc, push_const(0.0)});
        return EntryInfo{acc, Code::Add, 0.0, 0.0, false};
      });
    }
  }
  bool add_transpose(int a) {
    MNode n;
    n.code = MCode::Transpose;
    n.a = a;
    n.b = -1;
    n.rows = node(a).cols;
    n.cols = node(a).rows;
    // a copy of each entry (+ 0 keeps one expanded node per matrix entry; exact)
    return add(
        n,
        [&](Eigen::Index e) {
          const Eigen::Index i = e % n.rows, j = e / n.rows;
          const int src = node(a).entries[static_cast<std::size_t>(j + i * node(a).rows)];
          return EntryInfo{src, Code::Add, 0.0, 0.0, false};
        },
        false);
  }

  std::mt19937_64 rng_;
  Mode mode_ = Mode::Normal;
  MatSample* s_ = nullptr;
  Graph* g_ = nullptr;
  std::vector<double> values_;
  std::vector<bool> used_;
};

}  // namespace fuzz
