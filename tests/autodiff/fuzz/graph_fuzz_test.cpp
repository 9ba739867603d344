// The graph fuzzer (issue 16, "Reliability"): random scalar and matrix expression graphs, each
// derivative nabla offers — gradient, hessian, hvp, jvp, jacobian (reverse and forward), replay
// through nabla::Function, the matrix path — against the fuzzer's own long-double forward-mode
// reference (reference.hpp), converged finite differences and each other.
//
// How many graphs: NABLA_FUZZ_GRAPHS (default 10000, 1000 under the sanitizers); the first seed:
// NABLA_FUZZ_SEED. Graph k uses seed NABLA_FUZZ_SEED + k, so a failure names the one seed that
// reproduces it (NABLA_FUZZ_SEED=<seed> NABLA_FUZZ_GRAPHS=1). A failure prints the graph, shrunk
// while it still fails the same way, as C++ text with its point.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/hvp.hpp>
#include <nabla/autodiff/functional/jvp.hpp>
#include <nabla/autodiff/functional/replay.hpp>
#include <nabla/autodiff/matrix.hpp>

#include "generator.hpp"
#include "matrix_graph.hpp"
#include "reference.hpp"

using fuzz::real;
using nabla::Var;
using nabla::VectorXv;

namespace {

// An unoptimised build (CI's Clang build at -O0) runs the default suite 5–10× slower: it
// defaults to 10³ graphs as the sanitizer build does.
#ifdef __OPTIMIZE__
constexpr bool unoptimised = false;
#else
constexpr bool unoptimised = true;
#endif

#if defined(__SANITIZE_ADDRESS__)
constexpr bool sanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif
#else
constexpr bool sanitized = false;
#endif

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* s = std::getenv(name);
  return s != nullptr && *s != '\0' ? std::strtoull(s, nullptr, 10) : fallback;
}

// Tolerances, relative to the absolute path sum S of a derivative (reference.hpp): each
// library partial is within a few ulps of the exact one and each sweep step adds one rounding,
// so along a chain of at most ~400 records the error is below 400 · 8 · 2⁻⁵³ · S ≈ 4e-13 · S.
// Second derivatives run the same formulas through Dual: twice the records, the same bound.
constexpr real rtol_gradient = 1e-12L;
constexpr real rtol_second = 1e-8L;
// The matrix path sums in Eigen's order (vectorised reductions, products): more roundings per
// entry than the scalar path, so a looser first-order tolerance (seen: 1.3e-12).
constexpr real rtol_matrix = 1e-11L;

// Second order through a value whose square overflows (|v| > 1e150): the terms that cancel
// there are ~1e300 apart from the result (−0.89 lost beside ±5e234), so neither nabla's IEEE
// answer nor the reference's is meaningful. A mismatch counts as skipped.
constexpr double near_overflow = 1e150;

struct Tally {
  std::uint64_t made = 0, skipped = 0;
};

struct Stats {
  std::map<std::string, Tally> by_kind;
  bool reported_known = false;
  // Comparisons that failed on the known forward-mode defect (A) and were not failed (not
  // counted as made or skipped either): per kind.
  std::map<std::string, std::uint64_t> known;
  void made(const std::string& kind) { ++by_kind[kind].made; }
  void skipped(const std::string& kind) { ++by_kind[kind].skipped; }
  [[nodiscard]] Tally total() const {
    Tally t;
    for (const auto& [k, v] : by_kind) {
      t.made += v.made;
      t.skipped += v.skipped;
    }
    return t;
  }
};

// One comparison: made, skipped, or failed with a message.
enum class Verdict : std::uint8_t { Ok, Skip, Fail };

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// lib against the exact want, with scale S. Non-finite entries must agree exactly, unless the
// reference met an undefined 0 × inf (then the entry is skipped).
Verdict entry(double lib, real want, real scale, real rtol, bool ambiguous, real floor) {
  const double w = static_cast<double>(want);
  if (!std::isfinite(lib) || !std::isfinite(w)) {
    if (same(lib, w)) return Verdict::Ok;
    return ambiguous ? Verdict::Skip : Verdict::Fail;
  }
  const real err = std::abs(static_cast<real>(lib) - want);
  // A NaN path sum (a NaN partial on a path whose tangent is 0) says nothing: use |want|.
  const real s = std::isnan(scale) ? std::abs(want) : std::max(scale, std::abs(want));
  return err <= rtol * s + floor ? Verdict::Ok : Verdict::Fail;
}

// The direction of jvp and hvp: entries O(1), not exact special values.
Eigen::VectorXd direction(int n) {
  Eigen::VectorXd v(n);
  for (int i = 0; i < n; ++i) v[i] = 0.25 + 0.125 * ((i * 7 + n) % 9);
  return v;
}

// Entry (k / n, k % n) of an n×n table kept as rows: the k-th entry of the flattened matrix.
template <class Table>
real entry_of(const Table& t, Eigen::Index k, Eigen::Index n) {
  return t[static_cast<std::size_t>(k / n)][static_cast<std::size_t>(k % n)];
}

// The reference's J·v and (row i) H·v with their scales; a zero partial contributes nothing,
// also against an infinite direction product (the 0·inf = 0 rule).
real reference_jv(const fuzz::Reference& ref, const Eigen::VectorXd& v) {
  real sum = 0;
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    const real gi = ref.g[static_cast<std::size_t>(i)];
    sum += gi == 0 ? 0 : gi * v[i];
  }
  return sum;
}
real reference_jv_scale(const fuzz::Reference& ref, const Eigen::VectorXd& v) {
  real sum = 0;
  for (Eigen::Index i = 0; i < v.size(); ++i)
    sum += ref.g_scale[static_cast<std::size_t>(i)] * std::abs(v[i]);
  return sum;
}
real reference_hv(const fuzz::Reference& ref, const Eigen::VectorXd& v, Eigen::Index i) {
  real sum = 0;
  for (Eigen::Index j = 0; j < v.size(); ++j) {
    const real hij = ref.h[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
    sum += hij == 0 ? 0 : hij * v[j];
  }
  return sum;
}
real reference_hv_scale(const fuzz::Reference& ref, const Eigen::VectorXd& v, Eigen::Index i) {
  real sum = 0;
  for (Eigen::Index j = 0; j < v.size(); ++j)
    sum += ref.h_scale[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] * std::abs(v[j]);
  return sum;
}

struct Outcome {
  Verdict verdict = Verdict::Ok;
  std::string detail;
};

Outcome lenient(Outcome o) {
  if (o.verdict == Verdict::Fail) o.verdict = Verdict::Skip;
  return o;
}

template <class Lib, class Want, class Scale>
Outcome entries(Eigen::Index size, const Lib& lib, const Want& want, const Scale& scale, real rtol,
                bool ambiguous) {
  Outcome o;
  // Second order: an entry whose paths all vanish (scale 0) can still carry the rounding
  // residue of the others (1e-17 beside O(1) entries), so below rtol/100 of the largest scale
  // only absolute agreement is asked. First order keeps the plain floor: saturated partials
  // (tanh′(20) = 1.7e-17 beside O(1) entries) must stay exact.
  real max_scale = 0;
  if (rtol >= rtol_second)
    for (Eigen::Index i = 0; i < size; ++i)
      if (const real sc = scale(i); std::isfinite(sc)) max_scale = std::max(max_scale, sc);
  for (Eigen::Index i = 0; i < size; ++i) {
    // Partials below the double range (σ′(−800) = e^−800) are 0 in nabla but not in the
    // long-double reference, and a huge factor downstream can lift their product back into
    // range; second derivatives pass through products of first ones (sech² · sech²) that
    // leave the range earlier still. So below 1e-150 only absolute agreement is asked.
    const Verdict v = entry(lib(i), want(i), scale(i), rtol, ambiguous,
                            std::max(1e-150L, rtol / 100 * max_scale));
    if (v == Verdict::Fail) {
      o.verdict = Verdict::Fail;
      o.detail +=
          fmt::format("  [{}] nabla {} reference {} (scale {:.3g})\n", i, fuzz::number(lib(i)),
                      fuzz::number(static_cast<double>(want(i))), static_cast<double>(scale(i)));
    } else if (v == Verdict::Skip && o.verdict == Verdict::Ok) {
      o.verdict = Verdict::Skip;
    }
  }
  return o;
}

// Bit-for-bit agreement of two library results (NaN equal to NaN).
Outcome identical(const Eigen::VectorXd& a, const Eigen::VectorXd& b, double va, double vb) {
  Outcome o;
  if (!same(va, vb)) o.detail += fmt::format("  value {} vs {}\n", va, vb);
  if (a.size() != b.size()) {
    o.detail += "  sizes differ\n";
  } else {
    for (Eigen::Index i = 0; i < a.size(); ++i)
      if (!same(a[i], b[i]))
        o.detail += fmt::format("  [{}] {} vs {}\n", i, fuzz::number(a[i]), fuzz::number(b[i]));
  }
  if (!o.detail.empty()) o.verdict = Verdict::Fail;
  return o;
}

struct Failure {
  std::string kind;
  std::string detail;
};

class Checker {
 public:
  explicit Checker(Stats* stats) : stats_(stats) {}

  // Runs every comparison on one scalar sample; the first failure, if any.
  std::optional<Failure> scalar(const fuzz::Sample& s) {
    const fuzz::Graph& g = s.graph;
    const int n = g.inputs;
    Eigen::VectorXd x(n);
    for (int i = 0; i < n; ++i) x[i] = s.x[static_cast<std::size_t>(i)];
    std::vector<std::int8_t> sides;
    const std::vector<double> values = fuzz::evaluate(g, s.x, &sides);
    fuzz::ReferenceSweep sweep;
    const std::vector<fuzz::Reference> refs = sweep.run(g, values);
    const fuzz::Reference& ref = refs.back();
    const bool amb = sweep.ambiguous;
    current_ = &s;
    saturated_ = s.mode == fuzz::Mode::Saturation;
    has_inf_ = std::any_of(values.begin(), values.end(), [](double y) { return std::isinf(y); });
    huge_ = std::any_of(values.begin(), values.end(),
                        [](double y) { return std::abs(y) > near_overflow; });
    auto f = [&g](const VectorXv& xv) {
      return fuzz::evaluate(g, std::vector<Var>(xv.begin(), xv.end())).back();
    };

    // every node's value (a wrong value, max(NaN, 1) = 1, may not reach the output), then
    // the value and gradient
    std::vector<double> node_values;
    (void)nabla::value_and_gradient(
        [&](const VectorXv& xv) {
          const std::vector<Var> all = fuzz::evaluate(g, std::vector<Var>(xv.begin(), xv.end()));
          node_values.clear();
          for (const Var& y : all) node_values.push_back(y.value());
          return all.back();
        },
        x);
    {
      Outcome o;
      for (std::size_t k = 0; k < values.size(); ++k)
        if (!same(node_values[k], values[k])) {
          o.verdict = Verdict::Fail;
          o.detail += fmt::format("  node v{}: nabla {} fuzzer {}\n", k,
                                  fuzz::number(node_values[k]), fuzz::number(values[k]));
        }
      if (!record("node values", o)) return failure_;
    }
    // (no structured binding: Clang before 16 cannot capture one in the lambdas below)
    const std::pair<double, Eigen::VectorXd> value_grad = nabla::value_and_gradient(f, x);
    const double value = value_grad.first;
    const Eigen::VectorXd& grad = value_grad.second;
    if (!record("value", same(value, values.back())
                             ? Outcome{}
                             : Outcome{Verdict::Fail,
                                       fmt::format("  nabla {} fuzzer {}\n", fuzz::number(value),
                                                   fuzz::number(values.back()))}))
      return failure_;
    auto ref_g = [&](Eigen::Index i) { return ref.g[static_cast<std::size_t>(i)]; };
    auto ref_gs = [&](Eigen::Index i) { return ref.g_scale[static_cast<std::size_t>(i)]; };
    // Reverse mode's products leave the double range where forward mode's stay inside
    // (reference.hpp): a mismatch of the reverse-mode results then counts as skipped.
    const bool range_out = fuzz::reverse_leaves_range(g, values, values.size() - 1);
    const bool range_second =
        fuzz::reverse_leaves_range(g, values, static_cast<std::size_t>(g.second));
    auto range_lenient = [](Outcome o, bool out) { return out ? lenient(std::move(o)) : o; };
    if (!record("gradient", range_lenient(entries(
                                              n, [&](Eigen::Index i) { return grad[i]; }, ref_g,
                                              ref_gs, rtol_gradient, amb),
                                          range_out)))
      return failure_;

    // jvp and hvp along a fixed direction
    const Eigen::VectorXd v = direction(n);
    const real jv = reference_jv(ref, v), jv_scale = reference_jv_scale(ref, v);
    const Eigen::VectorXd jvp = nabla::jvp(f, x, v);
    if (!record("jvp",
                entries(
                    1, [&](Eigen::Index) { return jvp[0]; }, [&](Eigen::Index) { return jv; },
                    [&](Eigen::Index) { return jv_scale; }, rtol_gradient, amb)))
      return failure_;

    // jacobian of (output, another node), reverse and forward mode
    auto f2 = [&g](const VectorXv& xv) {
      const std::vector<Var> all = fuzz::evaluate(g, std::vector<Var>(xv.begin(), xv.end()));
      VectorXv out(2);
      out[0] = all.back();
      out[1] = all[static_cast<std::size_t>(g.second)];
      return out;
    };
    const fuzz::Reference& ref2 = refs[static_cast<std::size_t>(g.second)];
    for (const auto mode : {nabla::Mode::Reverse, nabla::Mode::Forward}) {
      const Eigen::MatrixXd jac = nabla::jacobian(f2, x, mode);
      const char* kind = mode == nabla::Mode::Reverse ? "jacobian" : "jacobian (forward)";
      auto want = [&](Eigen::Index k) {
        const auto& r = k < n ? ref : ref2;
        return r.g[static_cast<std::size_t>(k % n)];
      };
      auto scale = [&](Eigen::Index k) {
        const auto& r = k < n ? ref : ref2;
        return r.g_scale[static_cast<std::size_t>(k % n)];
      };
      const bool reverse = mode == nabla::Mode::Reverse;
      if (!record(kind, range_lenient(entries(
                                          2 * n, [&](Eigen::Index k) { return jac(k / n, k % n); },
                                          want, scale, rtol_gradient, amb),
                                      reverse && (range_out || range_second))))
        return failure_;
    }

    // Custom records have no second derivatives in nabla: hessian says so (an error) when
    // one is recorded; otherwise the Hessian is compared.
    std::optional<Eigen::MatrixXd> hess;
    try {
      hess = nabla::hessian(f, x);
    } catch (const nabla::Error&) {
      const bool has_custom = std::any_of(g.nodes.begin(), g.nodes.end(),
                                          [](const fuzz::Node& nd) { return is_custom(nd.code); });
      if (!record("custom second order throws",
                  has_custom ? Outcome{} : Outcome{Verdict::Fail, "  hessian threw\n"}))
        return failure_;
    }
    // Second order through an overflowed value (a record that is ±inf): products and
    // differences of infinite first derivatives (inf − inf) have no defined IEEE answer, and
    // nabla and the reference may each say NaN, ±inf or — by the 0·inf = 0 rule — 0 there. A
    // non-finite disagreement then counts as skipped; finite entries are still compared.
    const bool amb2 = amb || has_inf_ || range_out;
    if (hess) {
      const Eigen::MatrixXd& h = *hess;
      if (!record("hessian", second_order_outcome(entries(
                                 n * n, [&](Eigen::Index k) { return h(k / n, k % n); },
                                 [&](Eigen::Index k) { return entry_of(ref.h, k, n); },
                                 [&](Eigen::Index k) { return entry_of(ref.h_scale, k, n); },
                                 rtol_second, amb2))))
        return failure_;
      const Eigen::VectorXd hv = nabla::hvp(f, x, v);
      auto want = [&](Eigen::Index i) { return reference_hv(ref, v, i); };
      auto scale = [&](Eigen::Index i) { return reference_hv_scale(ref, v, i); };
      if (!record("hvp",
                  second_order_outcome(entries(
                      n, [&](Eigen::Index i) { return hv[i]; }, want, scale, rtol_second, amb2))))
        return failure_;
    }

    if (!replay(s, f, x, values, sides)) return failure_;
    if (!finite_differences(s, values, sides, ref, amb)) return failure_;
    return std::nullopt;
  }

  // A matrix graph: its expanded scalar graph as any scalar graph, then the matrix path —
  // value, gradient, jvp, hessian and hvp — against the expanded graph's reference, and the
  // matrix gradient against the scalar path's, non-finite entries included (defect 4: a zero
  // adjoint times an infinite partial is 0 on both paths, not NaN on one).
  std::optional<Failure> matrix(const fuzz::MatSample& s) {
    if (auto f = scalar(s.expanded)) return f;
    const fuzz::Graph& g = s.expanded.graph;
    const int n = g.inputs;
    const Eigen::VectorXd x = s.x.reshaped();
    const std::vector<double> values = fuzz::evaluate(g, s.expanded.x);
    fuzz::ReferenceSweep sweep;
    const std::vector<fuzz::Reference> refs = sweep.run(g, values);
    const fuzz::Reference& ref = refs.back();
    const bool amb = sweep.ambiguous;
    auto fm = [&s](const nabla::Mat& X) { return fuzz::evaluate(s, X); };
    auto fs = [&g](const VectorXv& xv) {
      return fuzz::evaluate(g, std::vector<Var>(xv.begin(), xv.end())).back();
    };
    // The matrix path sums in its own order (Eigen's reductions and products): the value
    // agrees to the rounding scale Σ |vₖ|·|∂f/∂vₖ| (reference.hpp) where it is finite; that is
    // the condition of f, larger than the largest intermediate after a cancellation that an
    // exp amplifies (exp(x·(0.2 + 700 + 0.1 − 700)), seed 20784739: 1.7e-11 relative). Else
    // the largest intermediate.
    double f_max = 0.0;
    for (const double y : values)
      if (std::isfinite(y)) f_max = std::max(f_max, std::abs(y));
    if (const auto rs = static_cast<double>(fuzz::rounding_scale(g, values)); std::isfinite(rs))
      f_max = std::max(f_max, rs);
    const auto [value, grad_m] = nabla::value_and_gradient(fm, s.x);
    const Eigen::VectorXd grad = grad_m.reshaped();
    const bool value_ok = std::isfinite(value)
                              ? std::abs(value - values.back()) <= 1e-12 * f_max + 1e-300
                              : same(value, values.back());
    // The intermediate values themselves differ by their summation order; where f is that
    // ill-conditioned (the value off by more than rtol_matrix), its derivatives are off by as
    // much: the tolerance of the comparisons below follows the value's observed deviation.
    const double deviation = std::isfinite(value) && value != 0.0
                                 ? std::abs(value - values.back()) / std::abs(value)
                                 : 0.0;
    const real rtol_m = std::max(rtol_matrix, 10 * static_cast<real>(deviation));
    if (!record("matrix value",
                value_ok ? Outcome{}
                         : Outcome{Verdict::Fail,
                                   fmt::format("  nabla {} fuzzer {}\n", fuzz::number(value),
                                               fuzz::number(values.back()))}))
      return failure_;
    auto ref_g = [&](Eigen::Index i) { return ref.g[static_cast<std::size_t>(i)]; };
    auto ref_gs = [&](Eigen::Index i) { return ref.g_scale[static_cast<std::size_t>(i)]; };
    // as in scalar(): reverse products outside the double range make reverse results moot
    const bool range_out = fuzz::reverse_leaves_range(g, values, values.size() - 1);
    auto range_lenient = [range_out](Outcome o) { return range_out ? lenient(std::move(o)) : o; };
    if (!record("matrix gradient",
                range_lenient(entries(
                    n, [&](Eigen::Index i) { return grad[i]; }, ref_g, ref_gs, rtol_m, amb))))
      return failure_;
    const Eigen::VectorXd grad_s = nabla::gradient(fs, x);
    if (!record("matrix gradient = scalar path",
                range_lenient(entries(
                    n, [&](Eigen::Index i) { return grad[i]; },
                    [&](Eigen::Index i) { return static_cast<real>(grad_s[i]); }, ref_gs, rtol_m,
                    false))))
      return failure_;

    const Eigen::VectorXd v = direction(n);
    const real jv = reference_jv(ref, v), jv_scale = reference_jv_scale(ref, v);
    const Eigen::VectorXd jvp = nabla::jvp(fm, s.x, v);
    if (!record("matrix jvp",
                entries(
                    1, [&](Eigen::Index) { return jvp[0]; }, [&](Eigen::Index) { return jv; },
                    [&](Eigen::Index) { return jv_scale; }, rtol_m, amb)))
      return failure_;
    const Eigen::MatrixXd h = nabla::hessian(fm, s.x);
    auto ref_h = [&](Eigen::Index k) { return entry_of(ref.h, k, n); };
    auto ref_hs = [&](Eigen::Index k) { return entry_of(ref.h_scale, k, n); };
    if (!record("matrix hessian", second_order_outcome(entries(
                                      n * n, [&](Eigen::Index k) { return h(k / n, k % n); }, ref_h,
                                      ref_hs, rtol_second, amb || has_inf_))))
      return failure_;
    const Eigen::VectorXd hv = nabla::hvp(fm, s.x, v);
    auto want = [&](Eigen::Index i) { return reference_hv(ref, v, i); };
    auto scale = [&](Eigen::Index i) { return reference_hv_scale(ref, v, i); };
    if (!record("matrix hvp", second_order_outcome(entries(
                                  n, [&](Eigen::Index i) { return hv[i]; }, want, scale,
                                  rtol_second, amb || has_inf_))))
      return failure_;
    return std::nullopt;
  }

  std::optional<Failure> failure_;

 private:
  // Counts the outcome; false (and failure_ set) on a failure.
  bool record(const std::string& kind, const Outcome& o) {
    if (o.verdict == Verdict::Fail && forward_nan_defect(kind, o)) {
      if (stats_ != nullptr) ++stats_->known[kind];
      if (stats_ != nullptr && !stats_->reported_known) {
        stats_->reported_known = true;
        std::fputs(
            fmt::format("graph fuzzer: KNOWN DEFECT (A) (forward mode, 0 x inf = NaN), "
                        "first case:\n{}{}",
                        o.detail,
                        current_ ? fuzz::to_cpp(current_->graph, current_->x) : std::string())
                .c_str(),
            stdout);
      }
      return true;
    }
    if (o.verdict == Verdict::Fail) {
      failure_ = Failure{kind, o.detail};
      return false;
    }
    if (stats_ != nullptr) {
      if (o.verdict == Verdict::Skip)
        stats_->skipped(kind);
      else
        stats_->made(kind);
    }
    return true;
  }

  // Replay (nabla::Function) against a fresh recording at the same point, bit for bit: at x₀,
  // and at a moved point x₁ — where a recorded comparison that flipped must be reported (and
  // rerecord() then gives the fresh result) and a kink that changed side must be reported.
  template <class F>
  bool replay(const fuzz::Sample& s, F& f, const Eigen::VectorXd& x,
              const std::vector<double>& values, const std::vector<std::int8_t>& sides) {
    (void)values;
    nabla::Function fn(f, x);
    {
      const auto [v0, g0] = fn.value_and_gradient(x);
      const auto [v1, g1] = nabla::value_and_gradient(f, x);
      if (!record("replay at x0", identical(g0, g1, v0, v1))) return false;
    }
    const int n = s.graph.inputs;
    Eigen::VectorXd x1 = x;
    std::vector<double> x1s = s.x;
    const bool big = (s.graph.nodes.size() + static_cast<std::size_t>(n)) % 2 == 0;
    for (int i = 0; i < n; ++i) {
      const double step = (big ? 0.1 : 1e-7) * (1.0 + 0.3 * ((i * 5 + 3) % 7 - 3));
      x1[i] = x[i] + step * std::max(1.0, std::abs(x[i]));
      x1s[static_cast<std::size_t>(i)] = x1[i];
    }
    std::vector<std::int8_t> sides1;
    (void)fuzz::evaluate(s.graph, x1s, &sides1);
    bool comparison_flipped = false, kink_flipped = false, kink_moved = false;
    // A kink whose value is not finite on one side (min(inf, inf) at x1, a tie, after
    // min(v − 1, v) at x0) has no side the fuzzer can tell: nabla may report it or not.
    bool kink_unknown = false;
    for (std::size_t k = 0; k < sides.size(); ++k) {
      const fuzz::Code c = s.graph.nodes[k].code;
      const bool kink = c == fuzz::Code::Abs || c == fuzz::Code::Relu || c == fuzz::Code::Max ||
                        c == fuzz::Code::Min;
      if (sides[k] == sides1[k]) continue;
      if (sides[k] == 4 || sides1[k] == 4) {
        kink_unknown = kink_unknown || kink;
        continue;
      }
      if (c == fuzz::Code::Select) comparison_flipped = true;
      if (kink) {
        kink_moved = true;
        if (sides[k] * sides1[k] == -1) kink_flipped = true;
      }
    }
    const auto [v0, g0] = fn.value_and_gradient(x1);
    const nabla::ReplayStatus st = fn.status();
    if (!record(
            "replay reports flips",
            (st.flipped_comparisons > 0) == comparison_flipped &&
                    // after a flipped comparison the replay follows the recorded branch,
                    // so kinks downstream of it see other values than the fuzzer's
                    (comparison_flipped || ((!kink_flipped || st.flipped_kinks > 0) &&
                                            (kink_moved || kink_unknown || st.flipped_kinks == 0)))
                ? Outcome{}
                : Outcome{Verdict::Fail,
                          fmt::format("  at x1: nabla reports {} comparisons, {} kinks "
                                      "flipped; the fuzzer sees comparison {}, kink {} "
                                      "(moved {})\n",
                                      st.flipped_comparisons, st.flipped_kinks, comparison_flipped,
                                      kink_flipped, kink_moved)}))
      return false;
    const auto [v1, g1] = nabla::value_and_gradient(f, x1);
    if (!comparison_flipped) return record("replay at x1", identical(g0, g1, v0, v1));
    fn.rerecord(x1);
    const auto [v2, g2] = fn.value_and_gradient(x1);
    return record("replay after rerecord", identical(g2, g1, v2, v1));
  }

  // Central differences at steps h, h/2, h/4, h/8 extrapolated (Richardson) to R₁, R₂, R₃;
  // the error of R₂ is estimated by max |R₁ − R₂|, |R₂ − R₃| (truncation and rounding alike).
  // Skipped: a stencil point on another side of a kink or comparison or outside a domain
  // (non-finite), a non-finite reference, or an estimate not converged (above 1e-6 relative).
  bool finite_differences(const fuzz::Sample& s, const std::vector<double>& values,
                          const std::vector<std::int8_t>& sides, const fuzz::Reference& ref,
                          bool amb) {
    const int n = s.graph.inputs;
    const real fd_rtol = s.mode == fuzz::Mode::Saturation ? 1e-5L : 1e-6L;
    for (int i = 0; i < n; ++i) {
      const auto I = static_cast<std::size_t>(i);
      if (!(ref.deps >> i & 1u)) continue;
      const real want = ref.g[I];
      if (!std::isfinite(values.back()) || !std::isfinite(static_cast<double>(want)) || amb) {
        if (stats_ != nullptr) stats_->skipped("finite differences (non-finite)");
        continue;
      }
      // The rounding noise of f grows with the largest intermediate, not with |f|:
      // (x + sinh(−40)) + |sinh(−40)| is small but rounded at 1e17.
      double f_max0 = 0.0;
      for (const double y : values)
        if (std::isfinite(y)) f_max0 = std::max(f_max0, std::abs(y));
      // Better: the rounding scale Σ |vₖ|·|∂f/∂vₖ| (reference.hpp), where it is finite.
      const auto rs = static_cast<double>(fuzz::rounding_scale(s.graph, values));
      if (std::isfinite(rs)) f_max0 = std::min(f_max0, 4 * rs);
      const real scale = std::max(ref.g_scale[I], std::abs(want));
      // Step families, tried in turn until one converges: h₀ = 10⁻³ of the input's scale, then
      // larger (rounding-bound cases: big intermediates), smaller (curvature-bound cases: a
      // fast feature near x), and absolute 10⁻³ for a large |x| (saturation inputs, where the
      // function's features have unit scale whatever |x| is).
      const double xs = std::max(1.0, std::abs(s.x[I]));
      const double families[] = {1e-3 * xs, 1e-2 * xs, 1e-4 * xs, 1e-5 * xs, 1e-3};
      enum class Fd : std::uint8_t { Converged, Crossed, NotConverged };
      double r2 = 0.0, est = 0.0;
      auto attempt = [&](double h) {
        double d[4];
        double f_max = f_max0;
        for (int k = 0; k < 4; ++k, h /= 2) {
          std::vector<double> xp = s.x, xm = s.x;
          xp[I] += h;
          xm[I] -= h;
          std::vector<std::int8_t> sp, sm;
          const double fp = fuzz::evaluate(s.graph, xp, &sp, &values).back();
          const double fm = fuzz::evaluate(s.graph, xm, &sm, &values).back();
          if (sp != sides || sm != sides) return Fd::Crossed;
          f_max = std::max({f_max, std::abs(fp), std::abs(fm)});
          d[k] = (fp - fm) / (xp[I] - xm[I]);
        }
        const double r1 = (4 * d[1] - d[0]) / 3, r3 = (4 * d[3] - d[2]) / 3;
        r2 = (4 * d[2] - d[1]) / 3;
        // f's rounding (a few ulps of the largest |f|, more after cancellation inside the
        // graph: the spread |R₁ − R₂|, |R₂ − R₃| shows that part) over the smallest step h₀/8.
        const double noise =
            64 * std::numeric_limits<double>::epsilon() * f_max / (2 * h);  // h is h₀/16 here
        est = std::max(std::abs(r1 - r2), std::abs(r2 - r3)) + noise;
        // In the asymptotic range each halving divides the difference of successive central
        // differences by 4 (error c·h²); a ratio far from 4 (above the noise) means the steps
        // are too large for the function's features (sin(sinh(x)) at x = 37), whatever est
        // says.
        for (int k = 0; k + 2 < 4; ++k) {
          const double num = std::abs(d[k] - d[k + 1]), den = std::abs(d[k + 1] - d[k + 2]);
          if (std::max(num, den) > 10 * noise && !(num >= 1.5 * den && num <= 12 * den))
            return Fd::NotConverged;
        }
        if ((!(est <= 1e-6L * scale) && !(est <= 1e-12)) || !(est <= 1e-6 * std::abs(r2) + 1e-12))
          return Fd::NotConverged;
        return Fd::Converged;
      };
      Fd result = Fd::Crossed;
      for (const double h0 : families) {
        const Fd r = attempt(h0);
        if (r == Fd::Converged) {
          result = r;
          // A stencil spanning many periods of a fast feature (sin(v¹⁰) whose phase moves
          // 1.6e4 per unit: period 4e-4 against h₀ = 1.4e-3) can still look converged: it
          // sees the smooth part alone. Steps 10, 100 and 1000 times smaller decide where they
          // converge: the first that does replaces the estimate.
          const double r2_first = r2, est_first = est;
          bool confirmed = false;
          for (const double shrink_by : {10.0, 100.0, 1000.0})
            if (attempt(h0 / shrink_by) == Fd::Converged) {
              confirmed = true;
              break;
            }
          if (!confirmed) {
            r2 = r2_first;
            est = est_first;
          }
          break;
        }
        if (r == Fd::NotConverged) result = r;
      }
      if (result == Fd::Crossed) {
        if (stats_ != nullptr) stats_->skipped("finite differences (kink, edge)");
        continue;
      }
      if (result == Fd::NotConverged) {
        if (stats_ != nullptr) stats_->skipped("finite differences (not converged)");
        continue;
      }
      const real err = std::abs(static_cast<real>(r2) - want);
      if (!record(
              "finite differences",
              // A converged estimate may still be off by 1e-6 relative (the convergence test's
              // own bound), 1e-5 at saturation inputs (|x| up to 800, derivatives of 1e9 whose
              // third derivatives the step sizes cannot resolve): FD is the independent
              // cross-check, the reference the exact one.
              err <= 4 * est + 1e-9L * scale + fd_rtol * std::abs(want) + 1e-12
                  ? Outcome{}
                  : Outcome{Verdict::Fail, fmt::format("  [{}] reference {} finite differences {} "
                                                       "(error estimate {:.3g})\n",
                                                       i, fuzz::number(static_cast<double>(want)),
                                                       fuzz::number(r2), est)}))
        return false;
    }
    return true;
  }

  // Defect A, found by this fuzzer and fixed (detail::tangent_product): the tangent sweep
  // multiplied a zero partial by an infinite tangent where the reverse sweep skips the zero
  // adjoint (sigmoid(cosh(x)) at x = −800 had jvp NaN, gradient 0). Every comparison fails on it
  // now; NABLA_FUZZ_STRICT=0 tallies such cases apart instead, to bisect old versions.
  bool forward_nan_defect(const std::string& kind, const Outcome& o) const {
    if (env_or("NABLA_FUZZ_STRICT", 1) != 0) return false;
    if (!has_inf_ && !(saturated_ && (kind.ends_with("hessian") || kind.ends_with("hvp"))))
      return false;
    if (kind != "jvp" && kind != "jacobian (forward)" && kind != "hessian" && kind != "hvp" &&
        kind != "matrix jvp" && kind != "matrix hessian" && kind != "matrix hvp")
      return false;
    std::size_t lines = 0, nan_lines = 0;
    for (std::size_t p = 0; (p = o.detail.find("nabla ", p)) != std::string::npos; ++p) {
      ++lines;
      if (o.detail.compare(p, 9, "nabla NAN") == 0) ++nan_lines;
    }
    return lines > 0 && lines == nan_lines;
  }

  Stats* stats_;
  // A second-order outcome through a value near overflow counts a mismatch as skipped.
  [[nodiscard]] Outcome second_order_outcome(Outcome o) const {
    return huge_ ? lenient(std::move(o)) : o;
  }

  bool has_inf_ = false;
  bool huge_ = false;
  bool saturated_ = false;
  const fuzz::Sample* current_ = nullptr;
};

// Redirects every use of node k to node to, then drops the nodes the output does not reach.
fuzz::Graph bypass(const fuzz::Graph& g, int k, int to) {
  fuzz::Graph h = g;
  auto& nodes = h.nodes;
  for (std::size_t j = static_cast<std::size_t>(k) + 1; j < nodes.size(); ++j) {
    fuzz::Node& nd = nodes[j];
    if (nd.code == fuzz::Code::Input || nd.code == fuzz::Code::Const) continue;
    for (int* p : {&nd.a, &nd.b, &nd.t, &nd.e})
      if (*p == k) *p = to;
  }
  if (h.second == k) h.second = to;
  // keep: inputs, the output, `second`, and what they reach
  const int last = static_cast<int>(nodes.size()) - 1;
  std::vector<bool> live(nodes.size(), false);
  live[static_cast<std::size_t>(last)] = live[static_cast<std::size_t>(h.second)] = true;
  if (k == last) {
    live[static_cast<std::size_t>(last)] = false;
    live[static_cast<std::size_t>(to)] = true;
  }
  for (int j = last; j >= 0; --j) {
    const fuzz::Node& nd = nodes[static_cast<std::size_t>(j)];
    if (nd.code == fuzz::Code::Input) live[static_cast<std::size_t>(j)] = true;
    if (!live[static_cast<std::size_t>(j)] || nd.code == fuzz::Code::Input ||
        nd.code == fuzz::Code::Const)
      continue;
    live[static_cast<std::size_t>(nd.a)] = true;
    if (is_binary(nd.code) || nd.code == fuzz::Code::Select)
      live[static_cast<std::size_t>(nd.b)] = true;
    if (nd.code == fuzz::Code::Select)
      live[static_cast<std::size_t>(nd.t)] = live[static_cast<std::size_t>(nd.e)] = true;
  }
  // The output must stay last: if it was bypassed, `to` becomes the output.
  const int out = k == last ? to : last;
  std::vector<int> index(nodes.size(), -1);
  fuzz::Graph r;
  r.inputs = h.inputs;
  for (std::size_t j = 0; j < nodes.size(); ++j) {
    if (!live[j] || static_cast<int>(j) == out) continue;
    index[j] = static_cast<int>(r.nodes.size());
    r.nodes.push_back(nodes[j]);
  }
  index[static_cast<std::size_t>(out)] = static_cast<int>(r.nodes.size());
  r.nodes.push_back(nodes[static_cast<std::size_t>(out)]);
  for (fuzz::Node& nd : r.nodes) {
    if (nd.code == fuzz::Code::Input || nd.code == fuzz::Code::Const) continue;
    nd.a = index[static_cast<std::size_t>(nd.a)];
    if (is_binary(nd.code) || nd.code == fuzz::Code::Select)
      nd.b = index[static_cast<std::size_t>(nd.b)];
    if (nd.code == fuzz::Code::Select) {
      nd.t = index[static_cast<std::size_t>(nd.t)];
      nd.e = index[static_cast<std::size_t>(nd.e)];
    }
  }
  r.second = index[static_cast<std::size_t>(h.second)] < 0
                 ? static_cast<int>(r.nodes.size()) - 1
                 : index[static_cast<std::size_t>(h.second)];
  // An output placed after its users would be invalid: only accept a topological result.
  for (std::size_t j = 0; j < r.nodes.size(); ++j) {
    const fuzz::Node& nd = r.nodes[j];
    if (nd.code == fuzz::Code::Input || nd.code == fuzz::Code::Const) continue;
    for (const int p : {nd.a, nd.b, nd.t, nd.e})
      if (p < 0 || p >= static_cast<int>(j)) return g;
  }
  return r;
}

// Drops nodes (each replaced by one of its operands) while the same kind of failure remains.
fuzz::Sample shrink(fuzz::Sample s, const std::string& kind) {
  int budget = 2000;
  // the reproducer stays in every op's domain, and finite if the original was
  const std::vector<double> v0 = fuzz::evaluate(s.graph, s.x);
  const bool nonfinite_ok =
      std::any_of(v0.begin(), v0.end(), [](double y) { return !std::isfinite(y); });
  for (bool progress = true; progress && budget > 0;) {
    progress = false;
    for (int k = static_cast<int>(s.graph.nodes.size()) - 1; k >= s.graph.inputs && budget > 0;
         --k) {
      const fuzz::Node nd = s.graph.nodes[static_cast<std::size_t>(k)];
      std::vector<int> targets;
      if (nd.code != fuzz::Code::Const) {
        targets.push_back(nd.a);
        if (is_binary(nd.code) || nd.code == fuzz::Code::Select) targets.push_back(nd.b);
        if (nd.code == fuzz::Code::Select) {
          targets.push_back(nd.t);
          targets.push_back(nd.e);
        }
      }
      for (const int to : targets) {
        --budget;
        fuzz::Sample t = s;
        t.graph = bypass(s.graph, k, to);
        if (t.graph.nodes.size() >= s.graph.nodes.size()) continue;
        if (!fuzz::in_domain(t.graph, fuzz::evaluate(t.graph, t.x), nonfinite_ok)) continue;
        Checker c(nullptr);
        std::optional<Failure> f;
        try {
          f = c.scalar(t);
        } catch (const std::exception& e) {
          f = Failure{"exception", e.what()};
        }
        if (f && f->kind == kind) {
          s = t;
          progress = true;
          break;
        }
      }
      if (progress) break;
    }
  }
  return s;
}

const char* mode_name(fuzz::Mode m) {
  switch (m) {
    case fuzz::Mode::Normal: return "normal";
    case fuzz::Mode::Special: return "special values";
    case fuzz::Mode::Saturation: return "saturation";
    case fuzz::Mode::NotANumber: return "NaN input";
  }
  return "?";
}

}  // namespace

TEST_CASE("graph fuzzer: every derivative against the reference, finite differences, replay") {
  const std::uint64_t graphs = env_or("NABLA_FUZZ_GRAPHS", sanitized || unoptimised ? 1000 : 10000);
  const char* build = sanitized ? "sanitizer build" : unoptimised ? "unoptimised build" : "";
  const bool default_count =
      std::getenv("NABLA_FUZZ_GRAPHS") == nullptr || *std::getenv("NABLA_FUZZ_GRAPHS") == '\0';
  const std::uint64_t seed0 = env_or("NABLA_FUZZ_SEED", 20261201);
  Stats stats;
  std::map<std::string, int> failed_kinds;
  std::uint64_t failures = 0, scalar_graphs = 0, matrix_graphs = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t k = 0; k < graphs; ++k) {
    const std::uint64_t seed = seed0 + k;
    fuzz::Generator gen(seed);
    std::optional<Failure> failure;
    std::string reproducer;
    if (seed % 4 == 3) {
      // a matrix graph (every fourth seed)
      ++matrix_graphs;
      const fuzz::MatSample m = fuzz::MatrixGenerator(seed).graph();
      Checker c(&stats);
      try {
        failure = c.matrix(m);
      } catch (const std::exception& e) {
        failure = Failure{"exception", fmt::format("  {}\n", e.what())};
      }
      if (failure) {
        reproducer = fmt::format("inputs: {}; {} matrix nodes ({} scalar nodes expanded):\n{}",
                                 mode_name(m.expanded.mode), m.nodes.size(),
                                 m.expanded.graph.nodes.size(), fuzz::to_cpp(m));
        if (!failure->kind.starts_with("matrix") && failure->kind != "exception") {
          const fuzz::Sample small = shrink(m.expanded, failure->kind);
          reproducer += fmt::format("its expanded scalar graph, {} nodes, shrunk:\n{}",
                                    small.graph.nodes.size(), fuzz::to_cpp(small.graph, small.x));
        }
      }
    } else {
      ++scalar_graphs;
      const fuzz::Sample s = gen.scalar_graph();
      Checker c(&stats);
      try {
        failure = c.scalar(s);
      } catch (const std::exception& e) {
        failure = Failure{"exception", fmt::format("  {}\n", e.what())};
      }
      if (failure) {
        const fuzz::Sample small = shrink(s, failure->kind);
        if (failure->kind != "exception") {
          Checker again(nullptr);
          const auto f2 = again.scalar(small);
          if (f2) failure = f2;
        }
        reproducer = fmt::format("inputs: {}; {} nodes, shrunk from {}:\n{}", mode_name(s.mode),
                                 small.graph.nodes.size(), s.graph.nodes.size(),
                                 fuzz::to_cpp(small.graph, small.x));
      }
    }
    if (failure) {
      ++failures;
      ++failed_kinds[failure->kind];
      if (failures <= env_or("NABLA_FUZZ_PRINT", 5)) {
        const std::string msg = fmt::format("graph fuzzer: seed {} fails '{}':\n{}{}", seed,
                                            failure->kind, failure->detail, reproducer);
        std::fputs(msg.c_str(), stdout);
        FAIL_CHECK(msg);
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const Tally t = stats.total();
  const double pct = 100.0 * static_cast<double>(t.skipped) /
                     static_cast<double>(std::max<std::uint64_t>(1, t.made + t.skipped));
  std::string line = fmt::format(
      "graphs: {} ({} scalar, {} matrix), comparisons: {} made, {} skipped ({:.1f} %), "
      "failures: {}, {:.1f} s, {:.0f} graphs/s{}\n",
      graphs, scalar_graphs, matrix_graphs, t.made, t.skipped, pct, failures, seconds,
      static_cast<double>(graphs) / seconds,
      default_count && *build != '\0'
          ? fmt::format(" ({}: 10³ graphs by default, NABLA_FUZZ_GRAPHS sets more)", build)
          : std::string());
  for (const auto& [kind, v] : stats.by_kind)
    line += fmt::format("  {:<28} {:>9} made {:>7} skipped\n", kind, v.made, v.skipped);
  if (!stats.known.empty()) {
    std::uint64_t n = 0;
    for (const auto& [kind, count] : stats.known) n += count;
    line += fmt::format(
        "  KNOWN DEFECT (A), forward mode 0 × inf = NaN where reverse mode gives 0 (being fixed; "
        "not failed, not counted above; NABLA_FUZZ_STRICT=0 only): {} comparisons\n",
        n);
    for (const auto& [kind, count] : stats.known)
      line += fmt::format("    KNOWN DEFECT (A) {:<22} {:>9} comparisons\n", kind, count);
  }
  for (const auto& [kind, count] : failed_kinds)
    line += fmt::format("  FAILED {:<21} {:>9} graphs\n", kind, count);
  std::fputs(line.c_str(), stdout);
  std::fflush(stdout);
  CHECK(failures == 0);
  CHECK(pct <= 5.0);
}
