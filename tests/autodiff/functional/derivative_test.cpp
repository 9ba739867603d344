// derivative(f, x) for functions of one variable, with the scalar-only header (no Eigen).
#include <doctest/doctest.h>

#include <cmath>
#include <nabla/autodiff/scalar.hpp>
#include <stdexcept>

#include "../../test_util.hpp"

using nabla::Var;
using nabla_test::near;

TEST_CASE("derivatives the lectures start with") {
  CHECK(nabla::derivative([](Var x) { return x * x; }, 3.0) == 6.0);
  CHECK(nabla::derivative([](Var x) { return x * x * x - 2.0 * x; }, 2.0) == 10.0);
  CHECK(nabla::derivative([](Var x) { return sin(x); }, 0.0) == 1.0);
  CHECK(nabla::derivative([](Var x) { return exp(x); }, 1.0) == std::exp(1.0));
  CHECK(nabla::derivative([](Var x) { return log(x); }, 4.0) == 0.25);
  CHECK(nabla::derivative([](Var x) { return x; }, -7.0) == 1.0);
}

TEST_CASE("a composite function against its closed form and finite differences") {
  // f(x) = x·e^{−x²} + atan(x)/(1 + x²)
  auto f = [](const auto& x) { return x * exp(-(x * x)) + atan(x) / (1.0 + x * x); };
  for (double x : {-2.0, -0.3, 0.0, 0.8, 3.0}) {
    INFO("x = ", x);
    const double d = nabla::derivative(f, x);
    const double closed =
        (1 - 2 * x * x) * std::exp(-x * x) + (1 - 2 * x * std::atan(x)) / std::pow(1 + x * x, 2);
    CHECK(near(d, closed, 1e-13, 1e-15));
    const double fd = nabla_test::central_difference(
        [](double t) { return t * std::exp(-t * t) + std::atan(t) / (1 + t * t); }, x, 1e-3);
    CHECK(near(d, fd, 1e-8, 1e-12));
  }
}

TEST_CASE("generic lambdas, functions by reference, constant results") {
  CHECK(nabla::derivative([](auto x) { return 3.0 * x * x; }, 2.0) == 12.0);
  // f ignores x: derivative 0.
  CHECK(nabla::derivative([](Var) { return Var(3.0); }, 2.0) == 0.0);
  CHECK(nabla::derivative([](Var x) { return stop_gradient(x) * 2.0; }, 2.0) == 0.0);
  struct Cube {
    Var operator()(Var x) const { return x * x * x; }
  };
  CHECK(nabla::derivative(Cube{}, -2.0) == 12.0);
}

TEST_CASE("derivative nests and restores the active tape after an exception") {
  REQUIRE(nabla::Tape::active() == nullptr);
  // d/dx [x · f'(x₀)] with f'(x₀) computed inside (as a constant) = f'(x₀) = cos(x₀).
  const double d = nabla::derivative(
      [](Var x) {
        const double inner = nabla::derivative([](Var t) { return sin(t); }, x.value());
        return x * inner;
      },
      0.5);
  CHECK(d == std::cos(0.5));
  CHECK(nabla::Tape::active() == nullptr);
  CHECK_THROWS_AS((void)nabla::derivative([](Var) -> Var { throw std::domain_error("no"); }, 1.0),
                  std::domain_error);
  CHECK(nabla::Tape::active() == nullptr);
  CHECK(nabla::detail::pooled_tape_depth() == 0);
  // Still works afterwards.
  CHECK(nabla::derivative([](Var x) { return x * x; }, 5.0) == 10.0);
}
