// The rule at kinks (docs/subgradients.md): each operation takes the minimum-norm element of
// its own subdifferential; sqrt'(0) is +inf, never a silent 0; a zero adjoint contributes
// nothing, so an unused sqrt(0) or a norm at 0 cannot turn a gradient into NaN.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <nabla/autodiff.hpp>

#include "../../test_util.hpp"

using nabla::Var;
using nabla::VectorXv;
using nabla_test::tape_derivative;
using nabla_test::tape_partials;

namespace {
constexpr double inf = std::numeric_limits<double>::infinity();
}

TEST_CASE("abs and relu at 0: derivative 0") {
  CHECK(tape_derivative([](const Var& x) { return abs(x); }, 0.0) == 0.0);
  CHECK(tape_derivative([](const Var& x) { return fabs(x); }, 0.0) == 0.0);
  CHECK(tape_derivative([](const Var& x) { return relu(x); }, 0.0) == 0.0);
  // −0.0 is the same point.
  CHECK(tape_derivative([](const Var& x) { return abs(x); }, -0.0) == 0.0);
  CHECK(tape_derivative([](const Var& x) { return relu(x); }, -0.0) == 0.0);
  // Either side of the kink: the one-sided derivatives.
  CHECK(tape_derivative([](const Var& x) { return abs(x); }, 1e-300) == 1.0);
  CHECK(tape_derivative([](const Var& x) { return abs(x); }, -1e-300) == -1.0);
  CHECK(tape_derivative([](const Var& x) { return relu(x); }, 1e-300) == 1.0);
  CHECK(tape_derivative([](const Var& x) { return relu(x); }, -1e-300) == 0.0);
}

TEST_CASE("max/min against a constant at a tie: 0") {
  for (double c : {0.0, 2.5, -1.0}) {
    INFO("c = ", c);
    CHECK(tape_derivative([c](const Var& x) { return max(x, c); }, c) == 0.0);
    CHECK(tape_derivative([c](const Var& x) { return max(c, x); }, c) == 0.0);
    CHECK(tape_derivative([c](const Var& x) { return min(x, c); }, c) == 0.0);
    CHECK(tape_derivative([c](const Var& x) { return min(c, x); }, c) == 0.0);
    // A constant Var on the other side behaves like the double.
    CHECK(tape_derivative([c](const Var& x) { return max(x, Var(c)); }, c) == 0.0);
    CHECK(tape_derivative([c](const Var& x) { return min(Var(c), x); }, c) == 0.0);
    // Off the tie: 1 on the active side, 0 on the other.
    CHECK(tape_derivative([c](const Var& x) { return max(x, c); }, c + 0.5) == 1.0);
    CHECK(tape_derivative([c](const Var& x) { return max(x, c); }, c - 0.5) == 0.0);
    CHECK(tape_derivative([c](const Var& x) { return min(x, c); }, c - 0.5) == 1.0);
    CHECK(tape_derivative([c](const Var& x) { return min(x, c); }, c + 0.5) == 0.0);
  }
}

TEST_CASE("max/min of two variables at a tie: ½ each") {
  for (double t : {0.0, 1.5, -3.0}) {
    INFO("tie at ", t);
    const auto [ma, mb] = tape_partials([](const Var& a, const Var& b) { return max(a, b); }, t, t);
    CHECK(ma == 0.5);
    CHECK(mb == 0.5);
    const auto [na, nb] = tape_partials([](const Var& a, const Var& b) { return min(a, b); }, t, t);
    CHECK(na == 0.5);
    CHECK(nb == 0.5);
  }
  // max(x, x) = x: the halves add up to the true derivative 1.
  CHECK(tape_derivative([](const Var& x) { return max(x, x); }, 0.7) == 1.0);
  CHECK(tape_derivative([](const Var& x) { return min(x, x); }, 0.7) == 1.0);
}

TEST_CASE("relu(z), max(0, z), max(z, 0) and a hinge agree at the kink") {
  // z = 1 − y·f at y·f = 1: hinge max(0, 1 − y f) has derivative 0 in f there.
  const double y = -1.0;
  const double f = -1.0;
  const double hinge = tape_derivative([y](const Var& v) { return max(0.0, 1.0 - y * v); }, f);
  const double via_relu = tape_derivative([y](const Var& v) { return relu(1.0 - y * v); }, f);
  const double via_max = tape_derivative([y](const Var& v) { return max(1.0 - y * v, 0.0); }, f);
  CHECK(hinge == 0.0);
  CHECK(via_relu == hinge);
  CHECK(via_max == hinge);
  for (double z : {0.0, -2.0, 3.0}) {
    INFO("z = ", z);
    const double r = tape_derivative([](const Var& v) { return relu(v); }, z);
    CHECK(tape_derivative([](const Var& v) { return max(0.0, v); }, z) == r);
    CHECK(tape_derivative([](const Var& v) { return max(v, 0.0); }, z) == r);
    CHECK(tape_derivative([](const Var& v) { return max(v, Var(0.0)); }, z) == r);
  }
  // A hinge loss over a small data set, one margin exactly at the kink: the gradient is the
  // sum over the violated margins only (−yᵢxᵢ), the kink contributes 0.
  const Eigen::Vector3d xs(1.0, 2.0, -1.0);
  const Eigen::Vector3d ys(1.0, -1.0, 1.0);
  // w = 1: margins y·w·x = 1 (kink), −2 (violated), −1 (violated).
  const double g = nabla::derivative(
      [&](Var w) {
        Var l = 0.0;
        for (int i = 0; i < 3; ++i) l += max(0.0, 1.0 - ys[i] * w * xs[i]);
        return l;
      },
      1.0);
  CHECK(g == -(ys[1] * xs[1]) - (ys[2] * xs[2]));
}

TEST_CASE("sqrt'(0) is +inf, not 0") {
  CHECK(tape_derivative([](const Var& x) { return sqrt(x); }, 0.0) == inf);
  CHECK(nabla::derivative([](Var x) { return sqrt(x); }, 0.0) == inf);
  // cbrt too.
  CHECK(tape_derivative([](const Var& x) { return cbrt(x); }, 0.0) == inf);
}

TEST_CASE("hypot(0, 0) has partials 0 (the minimum-norm subgradient of the norm)") {
  const auto [da, db] =
      tape_partials([](const Var& a, const Var& b) { return hypot(a, b); }, 0.0, 0.0);
  CHECK(da == 0.0);
  CHECK(db == 0.0);
  CHECK(tape_derivative([](const Var& a) { return hypot(a, 0.0); }, 0.0) == 0.0);
  CHECK(tape_derivative([](const Var& a) { return hypot(0.0, a); }, 0.0) == 0.0);
  // Away from the origin: a/r.
  CHECK(tape_derivative([](const Var& a) { return hypot(a, 0.0); }, -2.0) == -1.0);
}

TEST_CASE("a zero adjoint never turns a gradient into NaN") {
  // sqrt(0) recorded but unused.
  CHECK(tape_derivative(
            [](const Var& x) {
              const Var unused = sqrt(x - 1.0);
              (void)unused;
              return x * x;
            },
            1.0) == 2.0);
  // Used, but multiplied by a zero constant: its adjoint is 0, its inf partial is skipped.
  CHECK(tape_derivative([](const Var& x) { return x * x + 0.0 * sqrt(x - 1.0); }, 1.0) == 2.0);
  // A norm at 0 in the expression with weight 0; x has other paths to the output.
  const Eigen::VectorXd g = nabla::gradient(
      [](const VectorXv& x) {
        const VectorXv d = x - x;  // exactly zero, still recorded
        return x.sum() + 0.0 * d.norm();
      },
      Eigen::Vector3d(1.0, -2.0, 0.5));
  CHECK(g.allFinite());
  CHECK(g == Eigen::Vector3d(1.0, 1.0, 1.0));
  // The norm of a zero vector in a branch that a max() switches off (max against a constant
  // larger than it gives the norm adjoint 0).
  const Eigen::VectorXd g2 = nabla::gradient(
      [](const VectorXv& x) { return max(x.norm(), 5.0) + x[0]; }, Eigen::Vector2d(0.0, 0.0));
  CHECK(g2.allFinite());
  CHECK(g2 == Eigen::Vector2d(1.0, 0.0));
  // max(x, y) of a tie feeding sqrt(0) with weight 0 elsewhere: all finite.
  CHECK(std::isfinite(nabla::derivative([](Var x) { return x + 0.0 * sqrt(abs(x)); }, 0.0)));
}
