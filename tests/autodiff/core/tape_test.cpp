// nabla::Tape: recording and reverse sweeps, constants, misuse errors (type and message),
// state after an exception, clear(), stats(), a 10⁷-record chain on an 8 MB stack, and one
// tape per thread.
#include <doctest/doctest.h>
#include <pthread.h>

#include <cmath>
#include <cstddef>
#include <memory>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "../../test_util.hpp"

using nabla::Tape;
using nabla::TapeScope;
using nabla::Var;
using nabla::VectorXv;

namespace {

// Runs `statement`, requires it to throw E, and checks that the message contains `needle`.
template <class E, class F>
void check_throws(F&& statement, const std::string& needle) {
  bool thrown = false;
  try {
    statement();
  } catch (const E& e) {
    thrown = true;
    const std::string what = e.what();
    INFO("message: ", what);
    CHECK(what.find(needle) != std::string::npos);
    // Every error of nabla is a nabla::Error.
    CHECK(std::is_base_of_v<nabla::Error, E>);
  }
  CHECK_MESSAGE(thrown, "expected an exception mentioning '", needle, "'");
}

}  // namespace

TEST_CASE("lecture gradients (the lead's smoke checks)") {
  auto f = [](const VectorXv& x) { return x[0] * x[0] - x[1]; };
  const Eigen::VectorXd g = nabla::gradient(f, Eigen::Vector2d(1, 2));
  CHECK(g[0] == doctest::Approx(2));
  CHECK(g[1] == doctest::Approx(-1));
  auto h = [](const VectorXv& x) { return exp(x[0]) * x[1] * x[1]; };
  const Eigen::VectorXd g2 = nabla::gradient(h, Eigen::Vector2d(0, 1));
  CHECK(g2[0] == doctest::Approx(1));
  CHECK(g2[1] == doctest::Approx(2));
  auto j = [](const VectorXv& x) {
    VectorXv y(2);
    y << 5 * x[0] * x[0] + 4 * x[1] + 1, -x[1];
    return y;
  };
  const Eigen::MatrixXd J = nabla::jacobian(j, Eigen::Vector2d(1, 3));
  CHECK(J(0, 0) == doctest::Approx(10));
  CHECK(J(0, 1) == doctest::Approx(4));
  CHECK(J(1, 1) == doctest::Approx(-1));
  Eigen::MatrixXd A(2, 2);
  A << 1, 2, 0, -1;
  auto mse = [&](const VectorXv& x) {
    VectorXv y = A * x;
    return (y[0] - 1) * (y[0] - 1) + y[1] * y[1];
  };
  auto r = nabla::gradcheck(mse, Eigen::Vector2d(0.3, -0.7));
  CHECK(r.passed());
  CHECK(nabla::derivative([](Var x) { return sin(x); }, 0.0) == doctest::Approx(1));
  auto n = [](const VectorXv& x) { return x.squaredNorm() + x.norm() + x.sum() + x.dot(x); };
  CHECK(nabla::gradcheck(n, Eigen::Vector3d(1, 2, 3)).passed());
}

TEST_CASE("reverse sweep: adjoints, seed, repeated sweeps, intermediate outputs") {
  Tape tape;
  const TapeScope scope(tape);
  const Var x = tape.variable(2.0);
  const Var y = tape.variable(-3.0);
  const Var u = x * y;       // −6
  const Var v = u + sin(x);  // −6 + sin 2
  const Var w = v * v;
  tape.reverse(w);
  const double vv = -6.0 + std::sin(2.0);
  CHECK(tape.adjoint(x) == doctest::Approx(2 * vv * (y.value() + std::cos(2.0))));
  CHECK(tape.adjoint(y) == doctest::Approx(2 * vv * x.value()));
  CHECK(tape.adjoint(w) == 1.0);
  CHECK(tape.adjoint(Var(4.0)) == 0.0);  // constants have no adjoint
  // A seed scales every adjoint.
  tape.reverse(w, -0.5);
  CHECK(tape.adjoint(y) == doctest::Approx(-0.5 * 2 * vv * x.value()));
  // A second sweep from an intermediate record starts from clean adjoints.
  tape.reverse(u);
  CHECK(tape.adjoint(x) == -3.0);
  CHECK(tape.adjoint(y) == 2.0);
  CHECK(tape.adjoint(w) == 0.0);  // after u: not visited, and reset
  // Reversing from a constant zeroes everything.
  tape.reverse(Var(1.0));
  CHECK(tape.adjoint(x) == 0.0);
  CHECK(tape.adjoint(y) == 0.0);
  // Reverse from an input: d x / d x = 1.
  tape.reverse(x);
  CHECK(tape.adjoint(x) == 1.0);
  CHECK(tape.adjoint(y) == 0.0);
}

TEST_CASE("variables(): a batch of inputs with consecutive records") {
  Tape tape;
  const TapeScope scope(tape);
  const double xs[] = {1.5, -2.0, 0.25};
  Var out[3];
  tape.variables(xs, 3, out);
  CHECK(tape.size() == 3);
  for (int k = 0; k < 3; ++k) {
    CHECK(out[k].value() == xs[k]);
    CHECK(out[k].index() == static_cast<std::uint32_t>(k));
    CHECK(out[k].stamp() == tape.stamp());
    CHECK(tape.op(k) == nabla::Op::Input);
  }
  const VectorXv v = nabla::variables(Eigen::Vector2d(7.0, 8.0));
  CHECK(tape.size() == 5);
  CHECK(nabla::values(v) == Eigen::Vector2d(7.0, 8.0));
  CHECK(nabla::variable(3.0).index() == 5);
}

TEST_CASE("constants record nothing") {
  Tape tape;
  const TapeScope scope(tape);
  const Var x = tape.variable(1.0);
  const std::size_t before = tape.size();
  const std::size_t constants_before = tape.stats().constants;
  const Var c = Var(2.0);
  Var k = c * 3.0 + exp(c) - sin(Var(1.0)) / c;
  k += pow(c, c) + max(c, 1.0) + atan2(c, 2.0) + hypot(3.0, c) + stop_gradient(c);
  k = -k + sqrt(abs(k)) + sigmoid(c) * softplus(c) + relu(c) + erf(c) + square(c);
  const bool cmp = c < k;  // comparisons of constants are not recorded either
  (void)cmp;
  CHECK(k.is_constant());
  CHECK(k.stamp() == 0);
  CHECK(tape.size() == before);
  CHECK(tape.stats().constants == constants_before);
  CHECK(tape.comparisons().empty());
  // The value is what doubles would give.
  CHECK(Var(2.0 * 3.0 + std::exp(2.0)).value() == (c * 3.0 + exp(c)).value());
  // An active Var with a constant records one record (and its constant in the pool).
  const Var y = x * c;
  CHECK(tape.size() == before + 1);
  CHECK(tape.stats().constants == constants_before + 1);
  CHECK(tape.op(y.index()) == nabla::Op::MulC);
}

TEST_CASE("a Var used after its tape was cleared: TapeMismatchError") {
  Tape tape;
  const TapeScope scope(tape);
  const Var x = tape.variable(1.0);
  tape.clear();
  check_throws<nabla::TapeMismatchError>([&] { (void)(x * x); }, "clear()");
  check_throws<nabla::TapeMismatchError>([&] { (void)exp(x); }, "clear()");
  check_throws<nabla::TapeMismatchError>([&] { (void)(x + 1.0); }, "clear()");
  check_throws<nabla::TapeMismatchError>([&] { tape.reverse(x); }, "Tape::reverse()");
  check_throws<nabla::TapeMismatchError>([&] { (void)tape.adjoint(x); }, "Tape::adjoint()");
  // The message names the operation.
  check_throws<nabla::TapeMismatchError>([&] { (void)sin(x); }, "'sin'");
  // The tape itself is fine and records again.
  const Var y = tape.variable(2.0);
  tape.reverse(y * y);
  CHECK(tape.adjoint(y) == 4.0);
}

TEST_CASE("Vars of two tapes in one expression: TapeMismatchError") {
  Tape t1;
  Tape t2;
  const Var a = t1.variable(1.0);
  const Var b = t2.variable(2.0);
  {
    const TapeScope scope(t2);
    check_throws<nabla::TapeMismatchError>([&] { (void)(a + b); }, "two tapes");
    check_throws<nabla::TapeMismatchError>([&] { (void)(b * a); }, "two tapes");
    check_throws<nabla::TapeMismatchError>([&] { (void)pow(a, b); }, "two tapes");
    // A Var of another tape alone, while this one is active.
    check_throws<nabla::TapeMismatchError>([&] { (void)exp(a); }, "another tape");
    check_throws<nabla::TapeMismatchError>([&] { (void)(a * 2.0); }, "another tape");
    check_throws<nabla::TapeMismatchError>([&] { t2.reverse(a); }, "another tape");
    // Nothing was recorded by the failed operations.
    CHECK(t2.size() == 1);
    CHECK(t1.size() == 1);
  }
  // Inside nabla::gradient, a Var captured from elsewhere.
  check_throws<nabla::TapeMismatchError>(
      [&] {
        (void)nabla::gradient([&](const VectorXv& x) { return x[0] * a; }, Eigen::Vector2d(1, 2));
      },
      "two tapes");
}

TEST_CASE("recording with no active tape: NoActiveTapeError") {
  REQUIRE(Tape::active() == nullptr);
  check_throws<nabla::NoActiveTapeError>([] { (void)nabla::variable(1.0); }, "active tape");
  // An op on a Var whose scope ended.
  Tape tape;
  Var x;
  {
    const TapeScope scope(tape);
    x = tape.variable(3.0);
  }
  check_throws<nabla::NoActiveTapeError>([&] { (void)(x * x); }, "no tape is active");
  check_throws<nabla::NoActiveTapeError>([&] { (void)log(x); }, "no tape is active");
  check_throws<nabla::NoActiveTapeError>([&] { (void)(2.0 - x); }, "no tape is active");
  // A Var kept after the gradient call that made it.
  Var kept;
  (void)nabla::gradient(
      [&](const VectorXv& v) {
        kept = v[0];
        return v[0] * v[0];
      },
      Eigen::Vector2d(1, 2));
  check_throws<nabla::NoActiveTapeError>([&] { (void)(kept + kept); }, "no tape is active");
  // Tape::variable works without activation (it names its tape), and the tape can reverse.
  const Var z = tape.variable(2.0);
  tape.reverse(z);
  CHECK(tape.adjoint(z) == 1.0);
}

TEST_CASE("memory limit: TapeLimitError, and the tape is intact afterwards") {
  Tape tape;
  const TapeScope scope(tape);
  tape.set_memory_limit(std::size_t{1} << 20);  // 1 MiB ≈ 40 000 records
  CHECK(tape.memory_limit() == std::size_t{1} << 20);
  const Var x = tape.variable(0.5);
  Var y = x;
  std::size_t recorded = 0;
  bool thrown = false;
  try {
    for (int k = 0; k < 1'000'000; ++k) {
      y = y + x;
      ++recorded;
    }
  } catch (const nabla::TapeLimitError& e) {
    thrown = true;
    const std::string what = e.what();
    INFO(what);
    CHECK(what.find("memory limit") != std::string::npos);
    CHECK(what.find("set_memory_limit") != std::string::npos);
  }
  REQUIRE(thrown);
  CHECK(recorded > 10'000);
  CHECK(tape.size() == recorded + 1);
  CHECK(tape.stats().capacity_bytes <= std::size_t{1} << 20);
  CHECK(Tape::active() == &tape);
  // What was recorded is still correct: y = (recorded + 1)·x.
  CHECK(y.value() == 0.5 * static_cast<double>(recorded + 1));
  tape.reverse(y);
  CHECK(tape.adjoint(x) == static_cast<double>(recorded + 1));
  // A larger limit lets recording continue on the same tape.
  tape.set_memory_limit(std::size_t{64} << 20);
  const Var z = y * x;
  tape.reverse(z);
  CHECK(tape.adjoint(x) == doctest::Approx(2.0 * 0.5 * static_cast<double>(recorded + 1)));
  // reserve() past the limit throws too.
  Tape small;
  small.set_memory_limit(1000);
  CHECK_THROWS_AS(small.reserve(1'000'000), nabla::TapeLimitError);
  // Constants count against the limit.
  Tape constants;
  const TapeScope s2(constants);
  const Var c = constants.variable(1.0);
  // Room for the first block of constants (8 KiB) but not for the second.
  constants.set_memory_limit(constants.stats().capacity_bytes + 12'000);
  auto many_constants = [&] {
    Var acc = c;
    for (int k = 0; k < 3000; ++k) acc = acc * 1.0000001;
  };
  CHECK_THROWS_AS(many_constants(), nabla::TapeLimitError);
  CHECK(constants.stats().constants == 1024);
}

TEST_CASE("TapeScope restores the previous tape, also when an exception passes") {
  REQUIRE(Tape::active() == nullptr);
  Tape outer;
  {
    const TapeScope s1(outer);
    CHECK(Tape::active() == &outer);
    try {
      Tape inner;
      const TapeScope s2(inner);
      CHECK(Tape::active() == &inner);
      (void)inner.variable(1.0);
      throw std::runtime_error("boom");
    } catch (const std::runtime_error&) {
    }
    CHECK(Tape::active() == &outer);
    // Recording on outer works, and the stamp fast path uses outer's stamp.
    const Var a = nabla::variable(2.0);
    const Var b = a * a;
    CHECK(b.stamp() == outer.stamp());
  }
  CHECK(Tape::active() == nullptr);
  // A tape destroyed while active leaves no dangling active tape.
  {
    auto t = std::make_unique<Tape>();
    const TapeScope s(*t);
    t.reset();
    CHECK(Tape::active() == nullptr);
    CHECK_THROWS_AS((void)nabla::variable(1.0), nabla::NoActiveTapeError);
  }
}

TEST_CASE("functional calls nest and restore the active tape after an exception") {
  REQUIRE(Tape::active() == nullptr);
  // A gradient inside a loss: the inner call runs on its own tape; the outer keeps recording.
  auto inner = [](const VectorXv& z) { return z[0] * z[0] * z[1]; };
  auto loss = [&](const VectorXv& x) {
    const Eigen::VectorXd gi = nabla::gradient(inner, nabla::values(x));  // (2 x0 x1, x0²)
    const auto check = nabla::gradcheck(inner, nabla::values(x));
    CHECK(check.passed());
    return gi[0] * x[0] + gi[1] * x[1];  // treated as constants: gradient = gi
  };
  const Eigen::Vector2d x0(1.5, -2.0);
  const Eigen::VectorXd g = nabla::gradient(loss, x0);
  CHECK(g[0] == doctest::Approx(2 * 1.5 * -2.0));
  CHECK(g[1] == doctest::Approx(1.5 * 1.5));
  CHECK(Tape::active() == nullptr);
  CHECK(nabla::detail::pooled_tape_depth() == 0);

  // An exception out of f inside a nested call: everything is restored.
  Tape mine;
  const TapeScope scope(mine);
  const Var a = mine.variable(3.0);
  auto throwing = [](const VectorXv& x) -> Var {
    const Eigen::VectorXd unused = nabla::gradient(
        [](const VectorXv&) -> Var { throw std::invalid_argument("inner failure"); },
        nabla::values(x));
    (void)unused;
    return x[0];
  };
  CHECK_THROWS_AS((void)nabla::gradient(throwing, Eigen::Vector2d(1, 2)), std::invalid_argument);
  CHECK(Tape::active() == &mine);
  CHECK(nabla::detail::pooled_tape_depth() == 0);
  // A tape error inside a nested call propagates as itself; state is restored too.
  CHECK_THROWS_AS(
      (void)nabla::gradient([&](const VectorXv& x) { return x[0] * a; }, Eigen::Vector2d(1, 2)),
      nabla::TapeMismatchError);
  CHECK(Tape::active() == &mine);
  const Var b = a * a;
  mine.reverse(b);
  CHECK(mine.adjoint(a) == 6.0);
}

TEST_CASE("clear() keeps capacity and invalidates Vars") {
  Tape tape;
  const TapeScope scope(tape);
  const Var x = tape.variable(1.0);
  Var y = x;
  for (int k = 0; k < 10'000; ++k) y = y * x + 1.0;
  const nabla::TapeStats before = tape.stats();
  CHECK(before.operations == 1 + 2 * 10'000);
  CHECK(before.capacity_bytes > 0);
  const std::uint32_t old_stamp = tape.stamp();
  tape.clear();
  const nabla::TapeStats after = tape.stats();
  CHECK(after.operations == 0);
  CHECK(after.constants == 0);
  CHECK(after.bytes == 0);
  CHECK(after.capacity_bytes == before.capacity_bytes);
  CHECK(tape.stamp() != old_stamp);
  CHECK_THROWS_AS((void)(y * 2.0), nabla::TapeMismatchError);
  // Recording the same again needs no new memory.
  const Var x2 = tape.variable(1.0);
  Var y2 = x2;
  for (int k = 0; k < 10'000; ++k) y2 = y2 * x2 + 1.0;
  CHECK(tape.stats().capacity_bytes == before.capacity_bytes);
  CHECK(tape.stats().operations == before.operations);
  tape.reverse(y2);
  // y_n = x^{n+1} + Σ_{k<n} x^k, so at x = 1: y' = (n + 1) + n(n − 1)/2.
  const double n = 10'000;
  CHECK(tape.adjoint(x2) == (n + 1) + n * (n - 1) / 2);
}

TEST_CASE("stats(): exact operation counts and 25 bytes per binary operation") {
  Tape tape;
  const TapeScope scope(tape);
  const Var a = tape.variable(1.1);
  const Var b = tape.variable(0.9);
  Var y = a;
  const int n = 100'000;
  for (int k = 0; k < n; ++k) y = (k % 2 == 0) ? y * b : y + a;  // Var∘Var only
  const nabla::TapeStats s = tape.stats();
  CHECK(s.operations == static_cast<std::size_t>(n + 2));
  CHECK(s.constants == 0);
  // 1 op byte + 2·4 operand bytes + 2·8 value/adjoint bytes.
  CHECK(s.bytes == s.operations * 25);
  CHECK(s.bytes_per_operation == 25.0);
  CHECK(s.bytes_per_operation <= 40.0);  // the issue's acceptance bound
  CHECK(s.capacity_bytes >= s.bytes);
  // A Var∘double record adds its constant to the pool: 33 bytes.
  Tape t2;
  const TapeScope s2(t2);
  const Var x = t2.variable(1.0);
  Var z = x;
  for (int k = 0; k < 1000; ++k) z = z * 1.5;
  CHECK(t2.stats().operations == 1001);
  CHECK(t2.stats().constants == 1000);
  CHECK(t2.stats().bytes == 1001 * 25 + 1000 * 8);
  // reserve() provides the room up front.
  Tape t3(50'000);
  CHECK(t3.stats().capacity_bytes >= 50'000 * 25);
  CHECK(t3.stats().operations == 0);
  CHECK(t3.stats().bytes_per_operation == 0.0);
}

namespace {

struct ChainResult {
  double value = 0;
  double derivative = 0;
  std::size_t operations = 0;
  bool ok = false;
};

// y₀ = x, yₖ₊₁ = yₖ + x (Var∘Var), 10⁷ records in all: a dependency chain 10⁷ deep that a
// recursive sweep could not survive on an 8 MB stack.
void* run_chain(void* arg) {
  auto* result = static_cast<ChainResult*>(arg);
  constexpr std::size_t records = 10'000'000;
  Tape tape;
  const TapeScope scope(tape);
  const Var x = tape.variable(0.5);
  Var y = x;
  for (std::size_t k = 1; k < records; ++k) y = y + x;
  result->operations = tape.stats().operations;
  tape.reverse(y);
  result->value = y.value();
  result->derivative = tape.adjoint(x);
  result->ok = true;
  return nullptr;
}

}  // namespace

TEST_CASE("a tape of 10^7 operations reverses on an 8 MB stack") {
  pthread_attr_t attr;
  REQUIRE(pthread_attr_init(&attr) == 0);
  REQUIRE(pthread_attr_setstacksize(&attr, std::size_t{8} << 20) == 0);
  ChainResult result;
  pthread_t thread;
  REQUIRE(pthread_create(&thread, &attr, run_chain, &result) == 0);
  REQUIRE(pthread_join(thread, nullptr) == 0);
  pthread_attr_destroy(&attr);
  REQUIRE(result.ok);
  CHECK(result.operations == 10'000'000);
  // y = 10⁷·x exactly (integers below 2⁵³), dy/dx = 10⁷.
  CHECK(result.value == 0.5 * 1e7);
  CHECK(result.derivative == 1e7);
}

namespace {

// Extended Rosenbrock with a few more functions, via nabla::gradient and via an explicit tape.
Var loss(const VectorXv& x) {
  Var s = 0.0;
  for (Eigen::Index i = 0; i + 1 < x.size(); ++i)
    s += 100.0 * square(x[i + 1] - x[i] * x[i]) + square(1.0 - x[i]);
  return s + sin(x[0]) * exp(x[1] / 4.0) + log1p(x[2] * x[2]);
}

Eigen::VectorXd point(int seed) {
  Eigen::VectorXd x(6);
  for (int i = 0; i < 6; ++i) x[i] = std::sin(1.3 * (seed + 1) * (i + 1));
  return x;
}

Eigen::VectorXd explicit_tape_gradient(const Eigen::VectorXd& x) {
  Tape tape;
  const TapeScope scope(tape);
  const VectorXv xv = nabla::variables(x);
  const Var y = loss(xv);
  tape.reverse(y);
  Eigen::VectorXd g(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i) g[i] = tape.adjoint(xv[i]);
  return g;
}

}  // namespace

TEST_CASE("two threads, each with its own tape, give the single-thread results") {
  constexpr int points = 8;
  std::vector<Eigen::VectorXd> expected;
  for (int p = 0; p < points; ++p) expected.push_back(nabla::gradient(loss, point(p)));
  // The explicit-tape path agrees with the functional one, and with finite differences.
  for (int p = 0; p < points; ++p) {
    CHECK(explicit_tape_gradient(point(p)) == expected[p]);
    CHECK(nabla::gradcheck(loss, point(p)).passed(1e-6));
  }
  std::vector<int> mismatches(2, 0);
  auto work = [&](int id) {
    for (int round = 0; round < 200; ++round) {
      for (int p = id; p < points; p += 2) {
        if (nabla::gradient(loss, point(p)) != expected[p]) ++mismatches[id];
        if (explicit_tape_gradient(point(p)) != expected[p]) ++mismatches[id];
      }
    }
    if (Tape::active() != nullptr) ++mismatches[id];
  };
  std::thread t0(work, 0);
  std::thread t1(work, 1);
  t0.join();
  t1.join();
  CHECK(mismatches[0] == 0);
  CHECK(mismatches[1] == 0);
}

TEST_CASE("the stamp counter's wrap skips the reserved stamps and is counted (defect 6)") {
  // Through the test-only hook the counter starts three stamps before the 32-bit wrap, instead
  // of after 2³² clears. The stamps used here lie next to the wrap, far from every other tape's.
  const std::uint64_t wraps = nabla::stamp_wraps();
  const std::uint64_t saved =
      nabla::detail::set_stamp_counter_for_testing((wraps << 32) | 0xFFFFFFFDULL);
  {
    Tape tape;  // stamp 0xFFFFFFFD
    CHECK(tape.stamp() == 0xFFFFFFFDU);
    Var kept;
    {
      const TapeScope scope(tape);
      kept = tape.variable(1.5) * 2.0;
    }
    tape.clear();  // 0xFFFFFFFE
    CHECK(tape.stamp() == 0xFFFFFFFEU);
    CHECK(nabla::stamp_wraps() == wraps);
    tape.clear();  // 0xFFFFFFFF means "no active tape" and 0 "constant": both skipped
    CHECK(tape.stamp() == 1U);
    CHECK(nabla::stamp_wraps() == wraps + 1);
    const TapeScope scope(tape);
    // The kept Var's stamp is not current: still the documented error after the wrap.
    CHECK_THROWS_AS((void)(kept + 1.0), nabla::TapeMismatchError);
    CHECK_THROWS_AS(tape.reverse(kept), nabla::TapeMismatchError);
    const Var fresh = tape.variable(2.0);
    CHECK(!fresh.is_constant());
    CHECK(fresh.stamp() == 1U);
  }
  nabla::detail::set_stamp_counter_for_testing(saved);
  CHECK(nabla::stamp_wraps() == wraps);
}

TEST_CASE("the memory limit counts matrix records (defect 5)") {
  Tape tape;
  const TapeScope scope(tape);
  tape.set_memory_limit(std::size_t{16} << 20);  // 16 MiB
  // A 1e6-entry matrix holds 8 MB of value and 8 MB of adjoint: one fits, two do not.
  const nabla::Mat w = nabla::variable(Eigen::VectorXd::Constant(1'000'000, 1.0));
  CHECK(tape.stats().bytes >= std::size_t{16'000'000});
  nabla::Mat y = w;
  int recorded = 0;
  std::string what;
  try {
    for (; recorded < 41; ++recorded) y = y * 1.5;
  } catch (const nabla::TapeLimitError& e) {
    what = e.what();
  }
  INFO(what);
  CHECK(recorded == 0);
  CHECK(what.find("memory limit") != std::string::npos);
  CHECK(what.find("record #") != std::string::npos);  // the record that did not fit
  CHECK(tape.stats().capacity_bytes <= std::size_t{16} << 20);
  // What was recorded is intact: a larger limit lets recording continue.
  tape.set_memory_limit(std::size_t{64} << 20);
  const Var s = nabla::sum(y * 1.5);
  tape.reverse(s);
  CHECK(nabla::gradient_of(w)(0) == 1.5);
  // clear() gives the matrix bytes back.
  tape.clear();
  CHECK(tape.stats().bytes == 0);
}
