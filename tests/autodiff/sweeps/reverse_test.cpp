// sweeps/reverse: the threaded reverse sweep behind Tape::reverse_from against the portable
// switch loop (ReverseSweep::reference) on 2000 random tapes, adjoint for adjoint to the bit;
// the reference against closed forms on hand tapes; and that the random tapes hold every
// record the tape knows, so that a new kind of record cannot go untested here.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/sweeps/reverse.hpp>
#include <random>
#include <string>
#include <vector>

using nabla::Op;
using nabla::Tape;
using nabla::TapeScope;
using nabla::Var;
using nabla::VectorXv;
using nabla::detail::ReverseSweep;

namespace {

// Inputs a and b; own value a·b, output 0 is a + b, output 1 is sin(a)·b.
class PairExtension final : public nabla::Extension {
 public:
  PairExtension(std::uint32_t a, std::uint32_t b) : a_(a), b_(b) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "pair"; }
  void reverse(double own_adjoint, Tape& tape) override {
    const double a = tape.value_at(a_);
    const double b = tape.value_at(b_);
    tape.add_adjoint_at(a_, own_adjoint * b + out_[0] + out_[1] * std::cos(a) * b);
    tape.add_adjoint_at(b_, own_adjoint * a + out_[0] + out_[1] * std::sin(a));
    out_ = {0.0, 0.0};
  }
  void add_output_adjoint(std::uint32_t output, double adjoint) override {
    out_.at(output) += adjoint;
  }
  double forward(const Tape& tape) override { return tape.value_at(a_) * tape.value_at(b_); }
  [[nodiscard]] double output_value(std::uint32_t) const override { return 0.0; }

  static std::array<double, 3> values(double a, double b) {
    return {a * b, a + b, std::sin(a) * b};
  }

 private:
  std::uint32_t a_;
  std::uint32_t b_;
  std::array<double, 2> out_{0.0, 0.0};
};

// The same three records as a Var.
Var pair_output(Tape& tape, const Var& a, const Var& b, std::uint32_t output) {
  const auto v = PairExtension::values(a.value(), b.value());
  const Var e = tape.push_extension(std::make_unique<PairExtension>(a.index(), b.index()), v[0]);
  const Var o0 = tape.push_extension_output(e, 0, v[1]);
  const Var o1 = tape.push_extension_output(e, 1, v[2]);
  return output == 0 ? o0 : o1;
}

const auto soft_step = nabla::scalar_function<1>(
    "soft_step", [](double x) { return std::tanh(x); },
    [](double x) { return 1.0 - std::tanh(x) * std::tanh(x); });
const auto wave = nabla::scalar_function<2>(
    "wave", [](double x, double y) { return std::sin(x) * std::cos(y); },
    [](double x, double y) {
      return std::array<double, 2>{std::cos(x) * std::cos(y), -std::sin(x) * std::sin(y)};
    });
const auto bump = nabla::scalar_function<3>(
    "bump", [](double x, double y, double z) { return std::tanh(x + y * z); },
    [](double x, double y, double z) {
      const double t = std::tanh(x + y * z);
      const double d = 1.0 - t * t;
      return std::array<double, 3>{d, d * z, d * y};
    });

// Values and partials the generator accepts: finite and moderate, so that no sweep meets an
// inf or a NaN and every op is exercised inside its domain.
bool moderate(double v) { return std::isfinite(v) && std::abs(v) < 1e4; }

// Every op code the tape knows (op_name gives "?" for a value that is none).
std::vector<Op> all_ops() {
  std::vector<Op> ops;
  for (unsigned k = 0; k < 256; ++k)
    if (nabla::op_name(static_cast<Op>(k)) != "?") ops.push_back(static_cast<Op>(k));
  return ops;
}

std::vector<Op> elementary_ops() {
  return {
#define NABLA_X(name, kind, text) Op::name,
      NABLA_ELEMENTARY_OPS(NABLA_X)
#undef NABLA_X
  };
}

class RandomTape {
 public:
  explicit RandomTape(std::uint64_t seed) : rng_(seed) {}

  // Records a random DAG of `records` records on `tape` (active), `inputs` of them inputs.
  void record(Tape& tape, std::size_t inputs, std::size_t records) {
    for (std::size_t k = 0; k < inputs; ++k) vars_.push_back(tape.variable(uniform(-2.0, 2.0)));
    while (tape.size() < records) {
      const double pick = uniform(0.0, 1.0);
      if (pick < 0.82)
        elementary(tape);
      else if (pick < 0.88)
        custom();
      else if (pick < 0.95)
        linear();
      else
        extension(tape);
    }
  }

  std::uint32_t index(std::size_t n) {
    return std::uniform_int_distribution<std::uint32_t>(0, static_cast<std::uint32_t>(n - 1))(rng_);
  }
  double uniform(double lo, double hi) { return std::uniform_real_distribution<>(lo, hi)(rng_); }

 private:
  // An operand: often one of the last few records (deep chains), else any (sharing).
  Var operand() {
    const std::size_t n = vars_.size();
    if (n > 8 && uniform(0.0, 1.0) < 0.5) return vars_[n - 1 - index(8)];
    return vars_[index(n)];
  }
  double constant() {
    static constexpr std::array<double, 7> nice{0.0, 1.0, -1.0, 2.0, 0.5, -3.0, 1.5};
    return uniform(0.0, 1.0) < 0.6 ? nice.at(index(nice.size())) : uniform(-3.0, 3.0);
  }

  void elementary(Tape& tape) {
    static const std::vector<Op> ops = elementary_ops();
    for (int attempt = 0; attempt < 64; ++attempt) {
      const Op op = ops[index(ops.size())];
      const nabla::Kind kind = nabla::op_kind(op);
      const Var a = operand();
      const Var b = operand();
      const bool with_constant = nabla::has_constant(kind);
      const double c = with_constant ? constant() : 0.0;
      const double bv = kind == nabla::Kind::Binary ? b.value() : 0.0;
      const double r = nabla::op_value(op, a.value(), bv, c);
      double da = 0.0;
      double db = 0.0;
      nabla::op_partials<double>(op, a.value(), bv, c, r, da, db);
      if (!moderate(r) || !moderate(da) || !moderate(db)) continue;
      vars_.push_back(with_constant ? tape.push_with_constant(op, a.index(), c, r)
                                    : tape.push(op, a.index(), b.index(), r));
      return;
    }
  }

  void custom() {
    const Var x = operand();
    const Var y = uniform(0.0, 1.0) < 0.2 ? Var(constant()) : operand();  // count < N too
    const Var z = operand();
    switch (index(3)) {
      case 0: vars_.push_back(soft_step(x)); break;
      case 1: vars_.push_back(wave(x, y)); break;
      default: vars_.push_back(bump(x, y, z)); break;
    }
  }

  void linear() {
    const std::size_t n = 1 + index(6);
    VectorXv v(static_cast<Eigen::Index>(n));
    Eigen::VectorXd w(static_cast<Eigen::Index>(n));
    double s = 0.0;
    for (Eigen::Index k = 0; k < v.size(); ++k) {
      v[k] = operand();  // the same record may appear twice
      w[k] = uniform(-2.0, 2.0);
      s += std::abs(w[k] * v[k].value()) + std::abs(v[k].value());
    }
    if (s > 1e4) return;
    switch (index(3)) {
      case 0: vars_.push_back(nabla::dot(v, w)); break;
      case 1: vars_.push_back(nabla::sum(v)); break;
      default: {
        const std::vector<Var> terms(v.begin(), v.end());
        const std::vector<double> coefficients(w.begin(), w.end());
        vars_.push_back(nabla::linear_combination(terms, coefficients, constant()));
        break;
      }
    }
  }

  void extension(Tape& tape) {
    const Var a = operand();
    const Var b = operand();
    if (std::abs(a.value()) > 100.0 || std::abs(b.value()) > 100.0) return;
    vars_.push_back(pair_output(tape, a, b, index(2)));
  }

  std::mt19937_64 rng_;
  std::vector<Var> vars_;
};

std::vector<double> adjoints(const Tape& tape) {
  std::vector<double> a(tape.size());
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = tape.adjoint_at(i);
  return a;
}

// First index where the two adjoint vectors differ in any bit, or SIZE_MAX.
std::size_t first_difference(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0)
    return SIZE_MAX;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::bit_cast<std::uint64_t>(a[i]) != std::bit_cast<std::uint64_t>(b[i])) return i;
  return a.size();
}

}  // namespace

TEST_CASE("the threaded and the reference reverse sweeps agree to the bit on random tapes") {
  constexpr int tapes = 2000;
  std::vector<std::size_t> seen(256, 0);
  std::size_t sweeps = 0;
  for (int t = 0; t < tapes; ++t) {
    Tape tape;
    TapeScope scope(tape);
    RandomTape gen(0x5EED0000U + static_cast<std::uint64_t>(t));
    const std::size_t inputs = 1 + gen.index(8);
    const std::size_t records = std::max<std::size_t>(inputs + 1, 5 + gen.index(196));
    gen.record(tape, inputs, records);
    for (std::size_t i = 0; i < tape.size(); ++i) ++seen[static_cast<std::size_t>(tape.op(i))];

    // Three sweeps per tape, so that each also starts from the adjoints another one left.
    for (int s = 0; s < 3; ++s) {
      const auto last = static_cast<std::uint32_t>(tape.size() - 1);
      const std::uint32_t from = s == 0 ? last : static_cast<std::uint32_t>(gen.index(tape.size()));
      const double seed = s == 0 ? 1.0 : gen.uniform(-2.0, 2.0);
      // Records below `stop` must all be inputs (Tape::reverse_from's contract).
      const std::uint32_t stop =
          from >= inputs && gen.index(2) == 1 ? static_cast<std::uint32_t>(inputs) : 0U;
      ReverseSweep::threaded(tape, from, seed, stop);
      const std::vector<double> fast = adjoints(tape);
      ReverseSweep::reference(tape, from, seed, stop);
      const std::vector<double> reference = adjoints(tape);
      tape.reverse_from(from, seed, stop);  // the public entry: the threaded sweep again
      const std::vector<double> again = adjoints(tape);
      ++sweeps;
      const std::size_t d = first_difference(fast, reference);
      if (d != SIZE_MAX)
        FAIL(fmt::format(
            "tape {} ({} records), sweep from #{} seed {} stop {}: adjoints differ "
            "first at #{} ({}): threaded {} vs reference {}",
            t, tape.size(), from, seed, stop, d, d < tape.size() ? nabla::op_name(tape.op(d)) : "?",
            d < fast.size() ? fast[d] : 0.0, d < reference.size() ? reference[d] : 0.0));
      REQUIRE(first_difference(fast, again) == SIZE_MAX);
    }
  }
  CHECK(sweeps == 3 * tapes);
  // Every op code appears, so no record kind goes unchecked above.
  for (const Op op : all_ops()) {
    INFO("op ", nabla::op_name(op));
    CHECK(seen[static_cast<std::size_t>(op)] > 0);
  }
}

namespace {
// The reference sweep's adjoints of `x` for output y.
std::vector<double> reference_gradient(Tape& tape, const Var& y, const std::vector<Var>& x,
                                       double seed = 1.0, std::uint32_t stop = 0) {
  ReverseSweep::reference(tape, y.index(), seed, stop);
  std::vector<double> g;
  g.reserve(x.size());
  for (const Var& v : x) g.push_back(tape.adjoint(v));
  return g;
}
}  // namespace

TEST_CASE("the reference reverse sweep matches closed forms on hand tapes") {
  using doctest::Approx;
  Tape tape;
  TapeScope scope(tape);
  const double a = 0.7;
  const double b = -1.3;
  const std::vector<Var> x{tape.variable(a), tape.variable(b)};

  SUBCASE("x0·x1 + sin(x0)") {
    const Var y = x[0] * x[1] + sin(x[0]);
    const auto g = reference_gradient(tape, y, x);
    CHECK(g[0] == Approx(b + std::cos(a)).epsilon(1e-15));
    CHECK(g[1] == Approx(a).epsilon(1e-15));
  }
  SUBCASE("a shared subexpression: t = x0·x1, y = t·t + exp(t), seed −0.5, stop at the inputs") {
    const Var t = x[0] * x[1];
    const Var y = t * t + exp(t);
    const auto g = reference_gradient(tape, y, x, -0.5, 2);
    const double dt = 2.0 * a * b + std::exp(a * b);
    CHECK(g[0] == Approx(-0.5 * dt * b).epsilon(1e-14));
    CHECK(g[1] == Approx(-0.5 * dt * a).epsilon(1e-14));
  }
  SUBCASE("constants on either side: 3/x0 − 2^x1 + pow(x0, 3) − atan2(1, x1)") {
    const Var y = 3.0 / x[0] - pow(2.0, x[1]) + pow(x[0], 3.0) - atan2(1.0, x[1]);
    const auto g = reference_gradient(tape, y, x);
    CHECK(g[0] == Approx(-3.0 / (a * a) + 3.0 * a * a).epsilon(1e-14));
    CHECK(g[1] == Approx(-std::log(2.0) * std::pow(2.0, b) + 1.0 / (1.0 + b * b)).epsilon(1e-14));
  }
  SUBCASE("custom and linear records: bump(x0, x1, 2) + dot((x0, x1, x0), (1, −2, 3)) + sum") {
    VectorXv v(3);
    v << x[0], x[1], x[0];
    const Var y = bump(x[0], x[1], Var(2.0)) + dot(v, Eigen::Vector3d(1.0, -2.0, 3.0)) + sum(v);
    const auto g = reference_gradient(tape, y, x);
    const double d = 1.0 - std::pow(std::tanh(a + 2.0 * b), 2);
    CHECK(g[0] == Approx(d + 4.0 + 2.0).epsilon(1e-14));
    CHECK(g[1] == Approx(2.0 * d - 2.0 + 1.0).epsilon(1e-14));
  }
  SUBCASE("an extension and its outputs: x0·x1 + (x0 + x1) + sin(x0)·x1") {
    const auto v = PairExtension::values(a, b);
    const Var e = tape.push_extension(std::make_unique<PairExtension>(0, 1), v[0]);
    const Var y =
        e + tape.push_extension_output(e, 0, v[1]) + tape.push_extension_output(e, 1, v[2]);
    const auto g = reference_gradient(tape, y, x);
    CHECK(g[0] == Approx(b + 1.0 + std::cos(a) * b).epsilon(1e-14));
    CHECK(g[1] == Approx(a + 1.0 + std::sin(a)).epsilon(1e-14));
  }
}
