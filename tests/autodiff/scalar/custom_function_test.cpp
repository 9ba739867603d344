// User-defined scalar functions (scalar_function<N>): one record each, gradients against
// closed forms and finite differences, constant inputs, use among built-ins, misuse errors.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <nabla/autodiff.hpp>
#include <string>

#include "../../test_util.hpp"

using nabla::Tape;
using nabla::TapeScope;
using nabla::Var;
using nabla::VectorXv;
using nabla_test::near;

namespace {

const auto log_cosh = nabla::scalar_function<1>(
    "log_cosh", [](double x) { return std::log(std::cosh(x)); },
    [](double x) { return std::tanh(x); });

// f(x, y) = x·exp(y) + y², ∂f = (exp(y), x·exp(y) + 2y).
const auto xexpy = nabla::scalar_function<2>(
    "xexpy", [](double x, double y) { return x * std::exp(y) + y * y; },
    [](double x, double y) {
      return std::array<double, 2>{std::exp(y), x * std::exp(y) + 2 * y};
    });

}  // namespace

TEST_CASE("scalar_function<1>: value, one record, derivative") {
  CHECK(log_cosh.function().name() == "log_cosh");
  CHECK(log_cosh.function().arity() == 1);
  for (double x : {-2.0, -0.3, 0.0, 1.1, 4.0}) {
    INFO("x = ", x);
    Tape tape;
    const TapeScope scope(tape);
    const Var v = tape.variable(x);
    const Var y = log_cosh(v);
    CHECK(tape.size() == 2);
    CHECK(tape.op(y.index()) == nabla::Op::Custom);
    CHECK(y.value() == std::log(std::cosh(x)));
    tape.reverse(y);
    CHECK(tape.adjoint(v) == std::tanh(x));
    const double fd =
        nabla_test::central_difference([](double t) { return std::log(std::cosh(t)); }, x, 1e-3);
    CHECK(near(tape.adjoint(v), fd, 1e-8, 1e-12));
  }
}

TEST_CASE("scalar_function<2>: partials against closed form and finite differences") {
  for (const auto& [x, y] : {std::pair{0.5, -1.0}, std::pair{-2.0, 0.3}, std::pair{1.5, 1.5}}) {
    INFO("(", x, ", ", y, ")");
    const auto [dx, dy] =
        nabla_test::tape_partials([](const Var& a, const Var& b) { return xexpy(a, b); }, x, y);
    CHECK(near(dx, std::exp(y), 1e-15));
    CHECK(near(dy, x * std::exp(y) + 2 * y, 1e-15));
    auto f = [](double a, double b) { return a * std::exp(b) + b * b; };
    CHECK(near(dx, nabla_test::central_difference([&](double t) { return f(t, y); }, x, 1e-3), 1e-8,
               1e-12));
    CHECK(near(dy, nabla_test::central_difference([&](double t) { return f(x, t); }, y, 1e-3), 1e-8,
               1e-12));
  }
}

TEST_CASE("constant inputs") {
  Tape tape;
  const TapeScope scope(tape);
  const Var x = tape.variable(0.7);
  const std::size_t before = tape.size();
  // All constant: a constant result, no record.
  const Var k = xexpy(Var(1.0), 2.0);
  CHECK(k.is_constant());
  CHECK(k.value() == std::exp(2.0) + 4.0);
  CHECK(log_cosh(0.5).is_constant());
  CHECK(tape.size() == before);
  // One constant: one record with one input, the right partial.
  const Var y = xexpy(x, 2.0);
  CHECK(tape.size() == before + 1);
  tape.reverse(y);
  CHECK(tape.adjoint(x) == std::exp(2.0));
  const Var z = xexpy(3.0, x);
  tape.reverse(z);
  CHECK(near(tape.adjoint(x), 3.0 * std::exp(0.7) + 1.4, 1e-15));
  // The same Var in both slots: the partials add up.
  const Var w = xexpy(x, x);
  tape.reverse(w);
  CHECK(near(tape.adjoint(x), std::exp(0.7) + 0.7 * std::exp(0.7) + 1.4, 1e-15));
}

TEST_CASE("mixed with built-ins, through the functional API") {
  // L(x) = Σ log_cosh(xᵢ − 1) + xexpy(x₀, sin(x₁)) · x₂
  auto loss = [](const VectorXv& x) {
    Var s = 0.0;
    for (Eigen::Index i = 0; i < x.size(); ++i) s += log_cosh(x[i] - 1.0);
    return s + xexpy(x[0], sin(x[1])) * x[2];
  };
  const Eigen::Vector3d p(0.4, -1.2, 2.0);
  const Eigen::VectorXd g = nabla::gradient(loss, p);
  const double e = std::exp(std::sin(p[1]));
  const double inner = p[0] * e + std::sin(p[1]) * std::sin(p[1]);
  const Eigen::Vector3d closed(
      std::tanh(p[0] - 1) + e * p[2],
      std::tanh(p[1] - 1) + (p[0] * e + 2 * std::sin(p[1])) * std::cos(p[1]) * p[2],
      std::tanh(p[2] - 1) + inner);
  CHECK((g - closed).cwiseAbs().maxCoeff() < 1e-14);
  CHECK(nabla::gradcheck(loss, p).passed(1e-8));
}

TEST_CASE("a custom function with Vars of two tapes: TapeMismatchError") {
  Tape t1;
  Tape t2;
  const Var a = t1.variable(1.0);
  const Var b = t2.variable(2.0);
  const TapeScope scope(t2);
  CHECK_THROWS_AS((void)xexpy(a, b), nabla::TapeMismatchError);
  CHECK_THROWS_AS((void)log_cosh(a), nabla::TapeMismatchError);
  CHECK(t2.size() == 1);
}

TEST_CASE("custom records count against the memory limit") {
  Tape tape;
  const TapeScope scope(tape);
  const Var x = tape.variable(0.1);
  tape.set_memory_limit(tape.stats().capacity_bytes + 4096);
  auto many = [&] {
    Var s = x;
    for (int k = 0; k < 100'000; ++k) s = xexpy(s, x);
  };
  CHECK_THROWS_AS(many(), nabla::TapeLimitError);
}
