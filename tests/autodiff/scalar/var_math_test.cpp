// Every Var operation and elementary function of var_math.hpp, through the public functions:
// value against the std:: function (or an independent long-double formula), derivative against
// a closed form written here and against central finite differences of the reference, at
// several points including domain edges and large arguments.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <nabla/autodiff/scalar.hpp>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "../../test_util.hpp"

using nabla::Var;
using nabla_test::central_difference;
using nabla_test::near;
using nabla_test::tape_derivative;
using nabla_test::tape_partials;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

struct Point {
  double x;
  double h = 0.0;  // finite-difference step; 0 = 1e-3·max(1, |x|)
};

struct UnaryCase {
  const char* name;
  Var (*fn)(const Var&);
  double (*reference)(double);  // the value, computed without nabla
  double (*closed)(double);     // the derivative, written out by hand
  double value_rtol;            // 0: the value must equal the reference exactly
  bool finite_differences;      // false where the derivative is deliberately not f' (stop_gradient)
  std::vector<Point> points;
};

double sigmoid_ref(double x) {
  return static_cast<double>(1.0L / (1.0L + std::exp(-static_cast<long double>(x))));
}
double softplus_ref(double x) {
  return static_cast<double>(std::log1p(std::exp(static_cast<long double>(x))));
}

const std::vector<UnaryCase>& unary_cases() {
  static const std::vector<UnaryCase> cases = {
      {"neg",
       [](const Var& a) { return -a; },
       [](double x) { return -x; },
       [](double) { return -1.0; },
       0.0,
       true,
       {{-2.0}, {0.0}, {3.5}}},
      {"unary plus",
       [](const Var& a) { return +a; },
       [](double x) { return x; },
       [](double) { return 1.0; },
       0.0,
       true,
       {{-2.0}, {0.0}, {3.5}}},
      {"exp",
       [](const Var& a) { return exp(a); },
       [](double x) { return std::exp(x); },
       [](double x) { return std::exp(x); },
       0.0,
       true,
       {{-30.0}, {-3.0}, {-0.5}, {0.0}, {1.2}, {5.0}, {20.0}}},
      {"log",
       [](const Var& a) { return log(a); },
       [](double x) { return std::log(x); },
       [](double x) { return 1.0 / x; },
       0.0,
       true,
       {{1e-6, 1e-9}, {1e-3, 1e-6}, {0.5}, {1.0}, {3.0}, {100.0}, {1e8}}},
      {"log1p",
       [](const Var& a) { return log1p(a); },
       [](double x) { return std::log1p(x); },
       [](double x) { return 1.0 / (1.0 + x); },
       0.0,
       true,
       {{-0.999, 1e-6}, {-0.5}, {0.0}, {1e-9}, {2.0}, {50.0}}},
      {"expm1",
       [](const Var& a) { return expm1(a); },
       [](double x) { return std::expm1(x); },
       [](double x) { return std::exp(x); },
       0.0,
       true,
       {{-5.0}, {-1e-8}, {0.0}, {1.0}, {3.0}}},
      {"sqrt",
       [](const Var& a) { return sqrt(a); },
       [](double x) { return std::sqrt(x); },
       [](double x) { return 1.0 / (2.0 * std::sqrt(x)); },
       0.0,
       true,
       {{1e-6, 1e-9}, {1e-3, 1e-6}, {0.25}, {1.0}, {4.0}, {1e4}}},
      {"cbrt",
       [](const Var& a) { return cbrt(a); },
       [](double x) { return std::cbrt(x); },
       [](double x) { return std::pow(std::abs(x), -2.0 / 3.0) / 3.0; },
       0.0,
       true,
       {{-8.0}, {-0.5}, {1e-6, 1e-9}, {0.3}, {27.0}}},
      {"sin",
       [](const Var& a) { return sin(a); },
       [](double x) { return std::sin(x); },
       [](double x) { return std::cos(x); },
       0.0,
       true,
       {{-2.0}, {0.0}, {0.7}, {3.0}, {10.0}}},
      {"cos",
       [](const Var& a) { return cos(a); },
       [](double x) { return std::cos(x); },
       [](double x) { return -std::sin(x); },
       0.0,
       true,
       {{-2.0}, {0.0}, {0.7}, {3.0}, {10.0}}},
      {"tan",
       [](const Var& a) { return tan(a); },
       [](double x) { return std::tan(x); },
       [](double x) { return 1.0 / (std::cos(x) * std::cos(x)); },
       0.0,
       true,
       {{-1.2}, {0.0}, {0.5}, {1.5, 1e-4}}},
      {"asin",
       [](const Var& a) { return asin(a); },
       [](double x) { return std::asin(x); },
       [](double x) { return 1.0 / std::sqrt((1.0 - x) * (1.0 + x)); },
       0.0,
       true,
       {{-0.999999, 1e-9}, {-0.5}, {0.0}, {0.3}, {0.999, 1e-6}}},
      {"acos",
       [](const Var& a) { return acos(a); },
       [](double x) { return std::acos(x); },
       [](double x) { return -1.0 / std::sqrt((1.0 - x) * (1.0 + x)); },
       0.0,
       true,
       {{-0.999, 1e-6}, {-0.5}, {0.0}, {0.3}, {0.999999, 1e-9}}},
      {"atan",
       [](const Var& a) { return atan(a); },
       [](double x) { return std::atan(x); },
       [](double x) { return 1.0 / (1.0 + x * x); },
       0.0,
       true,
       {{-100.0}, {-1.0}, {0.0}, {0.5}, {1e3}}},
      {"sinh",
       [](const Var& a) { return sinh(a); },
       [](double x) { return std::sinh(x); },
       [](double x) { return std::cosh(x); },
       0.0,
       true,
       {{-5.0}, {-0.1}, {0.0}, {1.0}, {10.0}}},
      {"cosh",
       [](const Var& a) { return cosh(a); },
       [](double x) { return std::cosh(x); },
       [](double x) { return std::sinh(x); },
       0.0,
       true,
       {{-5.0}, {-0.1}, {0.0}, {1.0}, {10.0}}},
      {"tanh",
       [](const Var& a) { return tanh(a); },
       [](double x) { return std::tanh(x); },
       [](double x) { return 1.0 / (std::cosh(x) * std::cosh(x)); },
       0.0,
       true,
       {{-50.0}, {-3.0}, {0.0}, {0.4}, {2.0}, {50.0}, {800.0}}},
      {"sigmoid",
       [](const Var& a) { return sigmoid(a); },
       sigmoid_ref,
       [](double x) {
         const double e = std::exp(-std::abs(x));
         return e / ((1.0 + e) * (1.0 + e));
       },
       1e-15,
       true,
       {{-800.0}, {-30.0}, {-1.0}, {0.0}, {2.0}, {30.0}, {800.0}}},
      {"softplus",
       [](const Var& a) { return softplus(a); },
       softplus_ref,
       [](double x) { return 1.0 / (1.0 + std::exp(-x)); },
       1e-15,
       true,
       {{-800.0}, {-30.0}, {-1.0}, {0.0}, {1.0}, {30.0}, {800.0}}},
      {"abs",
       [](const Var& a) { return abs(a); },
       [](double x) { return std::abs(x); },
       [](double x) { return x > 0 ? 1.0 : -1.0; },
       0.0,
       true,
       {{-3.0}, {-0.2}, {0.2}, {5.0}}},
      {"fabs",
       [](const Var& a) { return fabs(a); },
       [](double x) { return std::fabs(x); },
       [](double x) { return x > 0 ? 1.0 : -1.0; },
       0.0,
       true,
       {{-3.0}, {0.2}}},
      {"relu",
       [](const Var& a) { return relu(a); },
       [](double x) { return x > 0 ? x : 0.0; },
       [](double x) { return x > 0 ? 1.0 : 0.0; },
       0.0,
       true,
       {{-2.0}, {-1e-2, 1e-4}, {0.5}, {4.0}}},
      {"erf",
       [](const Var& a) { return erf(a); },
       [](double x) { return std::erf(x); },
       [](double x) { return 2.0 / std::sqrt(std::numbers::pi) * std::exp(-x * x); },
       0.0,
       true,
       {{-3.0}, {-0.5}, {0.0}, {0.5}, {2.0}, {6.0}}},
      {"square",
       [](const Var& a) { return square(a); },
       [](double x) { return x * x; },
       [](double x) { return 2.0 * x; },
       0.0,
       true,
       {{-3.0}, {0.0}, {1.5}, {1e3}}},
      {"stop_gradient",
       [](const Var& a) { return stop_gradient(a); },
       [](double x) { return x; },
       [](double) { return 0.0; },
       0.0,
       false,
       {{-3.0}, {0.0}, {2.5}}},
  };
  return cases;
}

}  // namespace

TEST_CASE("unary functions: value, closed-form derivative and finite differences") {
  for (const UnaryCase& c : unary_cases()) {
    for (const Point& p : c.points) {
      INFO(std::string(c.name), " at x = ", p.x);
      const double value = nabla_test::tape_value(c.fn, p.x);
      const double ref = c.reference(p.x);
      if (c.value_rtol == 0.0)
        CHECK(value == ref);
      else
        CHECK(near(value, ref, c.value_rtol));
      // The same function on a constant gives the same value (and records nothing).
      CHECK(c.fn(Var(p.x)).value() == value);

      const double d = tape_derivative(c.fn, p.x);
      const double closed = c.closed(p.x);
      CAPTURE(d);
      CAPTURE(closed);
      CHECK(std::isfinite(d));
      // Absolute slack at the level of rounding in the value: tanh'(50) = 1 − tanh² is 0 in
      // double while 1/cosh²(50) ≈ 1.6e-43; both are right to within 1e-16·|f|.
      CHECK(near(d, closed, 1e-13, 1e-16 * std::max(1.0, std::abs(ref))));
      if (c.finite_differences) {
        const double h = p.h > 0.0 ? p.h : nabla_test::default_step(p.x);
        const double fd = central_difference(c.reference, p.x, h);
        CAPTURE(fd);
        CHECK(near(d, fd, 1e-7, 1e-12));
      }
    }
  }
}

TEST_CASE("large arguments stay finite: sigmoid, softplus, tanh, exp") {
  for (double x : {-1e4, -745.0, -700.0, 700.0, 745.0, 1e4}) {
    INFO("x = ", x);
    CHECK(std::isfinite(nabla_test::tape_value([](const Var& v) { return sigmoid(v); }, x)));
    CHECK(std::isfinite(tape_derivative([](const Var& v) { return sigmoid(v); }, x)));
    CHECK(std::isfinite(nabla_test::tape_value([](const Var& v) { return softplus(v); }, x)));
    CHECK(std::isfinite(tape_derivative([](const Var& v) { return softplus(v); }, x)));
    CHECK(std::isfinite(tape_derivative([](const Var& v) { return tanh(v); }, x)));
  }
  // softplus(x) → x and softplus'(x) → 1 for large x; → 0 for very negative x.
  CHECK(nabla_test::tape_value([](const Var& v) { return softplus(v); }, 1e4) == 1e4);
  CHECK(tape_derivative([](const Var& v) { return softplus(v); }, 1e4) == 1.0);
  CHECK(tape_derivative([](const Var& v) { return softplus(v); }, -1e4) == 0.0);
  CHECK(tape_derivative([](const Var& v) { return sigmoid(v); }, -1e4) == 0.0);
  CHECK(nabla_test::tape_value([](const Var& v) { return sigmoid(v); }, 1e4) == 1.0);
  // log at 0: value −inf, derivative +inf (not a silent number).
  CHECK(nabla_test::tape_value([](const Var& v) { return log(v); }, 0.0) == -inf);
  CHECK(tape_derivative([](const Var& v) { return log(v); }, 0.0) == inf);
}

namespace {

struct Partials {
  double a;
  double b;
};

struct BinaryCase {
  const char* name;
  Var (*vv)(const Var&, const Var&);
  Var (*vd)(const Var&, double);
  Var (*dv)(double, const Var&);
  double (*reference)(double, double);
  Partials (*closed)(double, double);
  std::vector<std::pair<double, double>> points;
};

const std::vector<BinaryCase>& binary_cases() {
  static const std::vector<BinaryCase> cases = {
      {"+",
       [](const Var& a, const Var& b) { return a + b; },
       [](const Var& a, double b) { return a + b; },
       [](double a, const Var& b) { return a + b; },
       [](double a, double b) { return a + b; },
       [](double, double) {
         return Partials{1, 1};
       },
       {{1.0, 2.0}, {-3.5, 0.25}, {0.0, -7.0}}},
      {"-",
       [](const Var& a, const Var& b) { return a - b; },
       [](const Var& a, double b) { return a - b; },
       [](double a, const Var& b) { return a - b; },
       [](double a, double b) { return a - b; },
       [](double, double) {
         return Partials{1, -1};
       },
       {{1.0, 2.0}, {-3.5, 0.25}, {0.0, -7.0}}},
      {"*",
       [](const Var& a, const Var& b) { return a * b; },
       [](const Var& a, double b) { return a * b; },
       [](double a, const Var& b) { return a * b; },
       [](double a, double b) { return a * b; },
       [](double a, double b) {
         return Partials{b, a};
       },
       {{1.0, 2.0}, {-3.5, 0.25}, {0.0, -7.0}, {1e3, 1e-3}}},
      {"/",
       [](const Var& a, const Var& b) { return a / b; },
       [](const Var& a, double b) { return a / b; },
       [](double a, const Var& b) { return a / b; },
       [](double a, double b) { return a / b; },
       [](double a, double b) {
         return Partials{1.0 / b, -a / (b * b)};
       },
       {{1.0, 2.0}, {-3.5, 0.25}, {0.0, -7.0}, {2.0, -1e-2}}},
      {"pow",
       [](const Var& a, const Var& b) { return pow(a, b); },
       [](const Var& a, double b) { return pow(a, b); },
       [](double a, const Var& b) { return pow(a, b); },
       [](double a, double b) { return std::pow(a, b); },
       [](double a, double b) {
         return Partials{b * std::pow(a, b - 1.0), std::pow(a, b) * std::log(a)};
       },
       {{2.0, 3.0}, {0.5, -1.5}, {3.0, 0.5}, {1e-2, 2.5}, {1.0, 7.0}, {5.0, 0.0}}},
      {"atan2",
       [](const Var& a, const Var& b) { return atan2(a, b); },
       [](const Var& a, double b) { return atan2(a, b); },
       [](double a, const Var& b) { return atan2(a, b); },
       [](double a, double b) { return std::atan2(a, b); },
       [](double a, double b) {
         return Partials{b / (a * a + b * b), -a / (a * a + b * b)};
       },
       {{1.0, 2.0}, {-1.0, 0.5}, {0.3, -2.0}, {-2.0, -1e-2}, {0.0, 1.0}}},
      {"hypot",
       [](const Var& a, const Var& b) { return hypot(a, b); },
       [](const Var& a, double b) { return hypot(a, b); },
       [](double a, const Var& b) { return hypot(a, b); },
       [](double a, double b) { return std::hypot(a, b); },
       [](double a, double b) {
         const double r = std::sqrt(a * a + b * b);
         return Partials{a / r, b / r};
       },
       {{3.0, 4.0}, {-1.0, 2.0}, {1e-3, -2.0}, {-5.0, 0.5}}},
      {"max",
       [](const Var& a, const Var& b) { return max(a, b); },
       [](const Var& a, double b) { return max(a, b); },
       [](double a, const Var& b) { return max(a, b); },
       [](double a, double b) { return a > b ? a : b; },
       [](double a, double b) {
         return a > b ? Partials{1, 0} : Partials{0, 1};
       },
       {{1.0, 2.0}, {3.0, -1.0}, {-0.5, -0.7}}},
      {"min",
       [](const Var& a, const Var& b) { return min(a, b); },
       [](const Var& a, double b) { return min(a, b); },
       [](double a, const Var& b) { return min(a, b); },
       [](double a, double b) { return a < b ? a : b; },
       [](double a, double b) {
         return a < b ? Partials{1, 0} : Partials{0, 1};
       },
       {{1.0, 2.0}, {3.0, -1.0}, {-0.5, -0.7}}},
  };
  return cases;
}

double step(double x) { return 1e-3 * std::max(std::abs(x), 1e-2); }

}  // namespace

TEST_CASE("binary operations: Var∘Var, Var∘double, double∘Var") {
  for (const BinaryCase& c : binary_cases()) {
    for (const auto& [a, b] : c.points) {
      INFO(std::string(c.name), " at (", a, ", ", b, ")");
      const double ref = c.reference(a, b);
      const Partials closed = c.closed(a, b);
      // Var∘Var
      {
        nabla::Tape tape;
        const nabla::TapeScope scope(tape);
        const Var va = tape.variable(a);
        const Var vb = tape.variable(b);
        const Var y = c.vv(va, vb);
        CHECK(y.value() == ref);
        CHECK_FALSE(y.is_constant());
        CHECK(tape.size() == 3);  // two inputs and one record
      }
      const auto [da, db] = tape_partials(c.vv, a, b);
      CHECK(near(da, closed.a, 1e-13, 1e-300));
      CHECK(near(db, closed.b, 1e-13, 1e-300));
      const double fd_a =
          central_difference([&](double t) { return c.reference(t, b); }, a, step(a));
      const double fd_b =
          central_difference([&](double t) { return c.reference(a, t); }, b, step(b));
      CHECK(near(da, fd_a, 1e-7, 1e-10));
      CHECK(near(db, fd_b, 1e-7, 1e-10));
      // Var∘double: the constant gets no record of its own.
      CHECK(nabla_test::tape_value([&](const Var& v) { return c.vd(v, b); }, a) == ref);
      CHECK(near(tape_derivative([&](const Var& v) { return c.vd(v, b); }, a), closed.a, 1e-13,
                 1e-300));
      // double∘Var
      CHECK(nabla_test::tape_value([&](const Var& v) { return c.dv(a, v); }, b) == ref);
      CHECK(near(tape_derivative([&](const Var& v) { return c.dv(a, v); }, b), closed.b, 1e-13,
                 1e-300));
      // Both constants: a constant result with the same value.
      const Var k = c.vv(Var(a), Var(b));
      CHECK(k.is_constant());
      CHECK(k.value() == ref);
    }
  }
}

TEST_CASE("pow with a negative base and an integer exponent") {
  // x^c is differentiable in x for integer c at x < 0: c·x^(c−1).
  for (const auto& [a, c] : std::vector<std::pair<double, double>>{
           {-2.0, 3.0}, {-1.5, 2.0}, {-3.0, -1.0}, {-0.5, 4.0}, {-2.0, -2.0}}) {
    INFO("pow(", a, ", ", c, ")");
    const double closed = c * std::pow(a, c - 1.0);
    const double d = tape_derivative([c](const Var& x) { return pow(x, c); }, a);
    CHECK(nabla_test::tape_value([c](const Var& x) { return pow(x, c); }, a) == std::pow(a, c));
    CHECK(near(d, closed, 1e-13));
    const double fd = central_difference([c](double t) { return std::pow(t, c); }, a, 1e-4);
    CHECK(near(d, fd, 1e-7, 1e-10));
    // With a variable exponent the base partial is the same; the exponent partial does not
    // exist (a^b is undefined for non-integer b near c when a < 0) and is reported as NaN.
    const auto [da, db] = tape_partials([](const Var& x, const Var& y) { return pow(x, y); }, a, c);
    CHECK(near(da, closed, 1e-13));
    CHECK(std::isnan(db));
  }
}

TEST_CASE("pow at a zero base") {
  // d/dx x² at 0 is 0; x⁰ is constant, so its derivative is 0 even at x = 0.
  CHECK(tape_derivative([](const Var& x) { return pow(x, 2.0); }, 0.0) == 0.0);
  CHECK(tape_derivative([](const Var& x) { return pow(x, 0.0); }, 0.0) == 0.0);
  CHECK(tape_derivative([](const Var& x) { return pow(x, 3.0); }, 0.0) == 0.0);
  // √x at 0 through pow: +inf like sqrt.
  CHECK(tape_derivative([](const Var& x) { return pow(x, 0.5); }, 0.0) == inf);
  // d/db 0^b = 0 for b > 0 (the limit of 0^b·log 0); d/da a^b at a = 0, b = 2 is 0.
  const auto [da, db] =
      tape_partials([](const Var& x, const Var& y) { return pow(x, y); }, 0.0, 2.0);
  CHECK(da == 0.0);
  CHECK(db == 0.0);
  CHECK(tape_derivative([](const Var& y) { return pow(0.0, y); }, 2.0) == 0.0);
  // 2^x: log 2 · 2^x.
  CHECK(near(tape_derivative([](const Var& y) { return pow(2.0, y); }, 3.0), 8.0 * std::log(2.0),
             1e-14));
}

TEST_CASE("compound assignment") {
  const double a = 1.7;
  const double b = -0.6;
  struct Case {
    const char* name;
    Var (*fn)(const Var&, const Var&);
    Partials closed;
  };
  const std::vector<Case> vv = {
      {"+=",
       [](const Var& x, const Var& y) {
         Var r = x;
         r += y;
         return r;
       },
       {1.0, 1.0}},
      {"-=",
       [](const Var& x, const Var& y) {
         Var r = x;
         r -= y;
         return r;
       },
       {1.0, -1.0}},
      {"*=",
       [](const Var& x, const Var& y) {
         Var r = x;
         r *= y;
         return r;
       },
       {b, a}},
      {"/=",
       [](const Var& x, const Var& y) {
         Var r = x;
         r /= y;
         return r;
       },
       {1.0 / b, -a / (b * b)}},
      {"+= double",
       [](const Var& x, const Var&) {
         Var r = x;
         r += 2.0;
         return r;
       },
       {1.0, 0.0}},
      {"-= double",
       [](const Var& x, const Var&) {
         Var r = x;
         r -= 2.0;
         return r;
       },
       {1.0, 0.0}},
      {"*= double",
       [](const Var& x, const Var&) {
         Var r = x;
         r *= 2.0;
         return r;
       },
       {2.0, 0.0}},
      {"/= double",
       [](const Var& x, const Var&) {
         Var r = x;
         r /= 4.0;
         return r;
       },
       {0.25, 0.0}},
      // Accumulating into a constant start, as a loss loop does.
      {"sum loop",
       [](const Var& x, const Var& y) {
         Var s = 0.0;
         for (int k = 0; k < 3; ++k) s += x * y;
         return s;
       },
       {3.0 * b, 3.0 * a}},
  };
  for (const Case& c : vv) {
    INFO(std::string(c.name));
    const auto [da, db] = tape_partials(c.fn, a, b);
    CHECK(near(da, c.closed.a, 1e-15));
    CHECK(near(db, c.closed.b, 1e-15));
  }
  Var r = 3.0;
  r += 1.0;
  r *= 2.0;
  r -= 0.5;
  r /= 2.0;
  CHECK(r.is_constant());
  CHECK(r.value() == 3.75);
}

TEST_CASE("functions are found by argument-dependent lookup and compose") {
  // f(x, y) = exp(sin(x)·y) + log(1 + x²)/y, gradient by hand.
  const double x = 0.4;
  const double y = 1.3;
  const auto [dx, dy] = tape_partials(
      [](const Var& u, const Var& v) { return exp(sin(u) * v) + log(1.0 + u * u) / v; }, x, y);
  const double e = std::exp(std::sin(x) * y);
  CHECK(near(dx, e * std::cos(x) * y + 2.0 * x / ((1.0 + x * x) * y), 1e-14));
  CHECK(near(dy, e * std::sin(x) - std::log(1.0 + x * x) / (y * y), 1e-14));
}

TEST_CASE("stop_gradient blocks derivatives but keeps the value") {
  // d/dx [x · stop_gradient(x)] = stop_gradient(x) = x, not 2x.
  CHECK(tape_derivative([](const Var& v) { return v * stop_gradient(v); }, 3.0) == 3.0);
  CHECK(tape_derivative([](const Var& v) { return exp(stop_gradient(v * v)); }, 2.0) == 0.0);
  CHECK(nabla_test::tape_value([](const Var& v) { return stop_gradient(v * v); }, 2.0) == 4.0);
}

TEST_CASE("Var does not convert to double") {
  static_assert(!std::is_convertible_v<Var, double>);
  static_assert(!std::is_constructible_v<double, Var>);
  static_assert(std::is_convertible_v<double, Var>);
  CHECK(nabla::value(Var(2.5)) == 2.5);
  CHECK(nabla::value(2.5) == 2.5);
}

TEST_CASE("isfinite, isnan, isinf look at the value") {
  CHECK(nabla::isfinite(Var(1.0)));
  CHECK_FALSE(nabla::isfinite(Var(inf)));
  CHECK(nabla::isinf(Var(-inf)));
  CHECK(nabla::isnan(Var(std::numeric_limits<double>::quiet_NaN())));
  CHECK_FALSE(nabla::isnan(Var(0.0)));
}
