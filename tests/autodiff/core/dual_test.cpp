// nabla::Dual: value and tangent of every function against closed forms, and
// op_partials<Dual> (the derivative table differentiated once more) against finite
// differences of the first derivatives and against closed-form second derivatives.
#include <doctest/doctest.h>

#include <cmath>
#include <nabla/autodiff/core/dual.hpp>
#include <nabla/autodiff/core/op.hpp>
#include <nabla/autodiff/core/op_rules.hpp>
#include <numbers>
#include <string>
#include <vector>

#include "../../test_util.hpp"

using nabla::Dual;
using nabla::Op;
using nabla_test::near;

namespace {

struct DualCase {
  const char* name;
  Dual (*fn)(const Dual&);
  double (*value)(double);
  double (*derivative)(double);
};

const std::vector<DualCase>& dual_cases() {
  static const std::vector<DualCase> cases = {
      {"exp", [](const Dual& a) { return exp(a); }, [](double x) { return std::exp(x); },
       [](double x) { return std::exp(x); }},
      {"log", [](const Dual& a) { return log(a); }, [](double x) { return std::log(x); },
       [](double x) { return 1 / x; }},
      {"log1p", [](const Dual& a) { return log1p(a); }, [](double x) { return std::log1p(x); },
       [](double x) { return 1 / (1 + x); }},
      {"expm1", [](const Dual& a) { return expm1(a); }, [](double x) { return std::expm1(x); },
       [](double x) { return std::exp(x); }},
      {"sqrt", [](const Dual& a) { return sqrt(a); }, [](double x) { return std::sqrt(x); },
       [](double x) { return 0.5 / std::sqrt(x); }},
      {"cbrt", [](const Dual& a) { return cbrt(a); }, [](double x) { return std::cbrt(x); },
       [](double x) { return std::pow(x, -2.0 / 3) / 3; }},
      {"sin", [](const Dual& a) { return sin(a); }, [](double x) { return std::sin(x); },
       [](double x) { return std::cos(x); }},
      {"cos", [](const Dual& a) { return cos(a); }, [](double x) { return std::cos(x); },
       [](double x) { return -std::sin(x); }},
      {"tan", [](const Dual& a) { return tan(a); }, [](double x) { return std::tan(x); },
       [](double x) { return 1 / (std::cos(x) * std::cos(x)); }},
      {"asin", [](const Dual& a) { return asin(a); }, [](double x) { return std::asin(x); },
       [](double x) { return 1 / std::sqrt(1 - x * x); }},
      {"acos", [](const Dual& a) { return acos(a); }, [](double x) { return std::acos(x); },
       [](double x) { return -1 / std::sqrt(1 - x * x); }},
      {"atan", [](const Dual& a) { return atan(a); }, [](double x) { return std::atan(x); },
       [](double x) { return 1 / (1 + x * x); }},
      {"sinh", [](const Dual& a) { return sinh(a); }, [](double x) { return std::sinh(x); },
       [](double x) { return std::cosh(x); }},
      {"cosh", [](const Dual& a) { return cosh(a); }, [](double x) { return std::cosh(x); },
       [](double x) { return std::sinh(x); }},
      {"tanh", [](const Dual& a) { return tanh(a); }, [](double x) { return std::tanh(x); },
       [](double x) { return 1 / (std::cosh(x) * std::cosh(x)); }},
      {"sigmoid", [](const Dual& a) { return sigmoid(a); },
       [](double x) { return 1 / (1 + std::exp(-x)); },
       [](double x) { return std::exp(-x) / ((1 + std::exp(-x)) * (1 + std::exp(-x))); }},
      {"softplus", [](const Dual& a) { return softplus(a); },
       [](double x) { return std::log1p(std::exp(x)); },
       [](double x) { return 1 / (1 + std::exp(-x)); }},
      {"abs", [](const Dual& a) { return abs(a); }, [](double x) { return std::abs(x); },
       [](double x) { return x > 0 ? 1.0 : -1.0; }},
      {"relu", [](const Dual& a) { return relu(a); }, [](double x) { return x > 0 ? x : 0.0; },
       [](double x) { return x > 0 ? 1.0 : 0.0; }},
      {"erf", [](const Dual& a) { return erf(a); }, [](double x) { return std::erf(x); },
       [](double x) { return 2 / std::sqrt(std::numbers::pi) * std::exp(-x * x); }},
      {"square", [](const Dual& a) { return square(a); }, [](double x) { return x * x; },
       [](double x) { return 2 * x; }},
      {"neg", [](const Dual& a) { return -a; }, [](double x) { return -x; },
       [](double) { return -1.0; }},
  };
  return cases;
}

}  // namespace

TEST_CASE("Dual functions: value and tangent") {
  for (const DualCase& c : dual_cases()) {
    for (double x : {0.2, 0.5, 0.9}) {
      INFO(std::string(c.name), " at ", x);
      const double t = 2.5;
      const Dual y = c.fn(Dual(x, t));
      CHECK(near(y.v, c.value(x), 1e-15));
      CHECK(near(y.t, t * c.derivative(x), 1e-13));
      // A zero tangent stays exactly zero.
      CHECK(c.fn(Dual(x)).t == 0.0);
    }
  }
  // Negative arguments where the domain allows them.
  CHECK(near(sin(Dual(-1.0, 1.0)).t, std::cos(-1.0), 1e-15));
  CHECK(abs(Dual(-2.0, 1.0)).t == -1.0);
  CHECK(relu(Dual(-2.0, 1.0)).t == 0.0);
  CHECK(near(cbrt(Dual(-8.0, 1.0)).t, 1.0 / 12.0, 1e-15));
}

TEST_CASE("Dual arithmetic follows the sum, product and quotient rules") {
  const Dual a(1.5, 0.3);
  const Dual b(-0.4, 2.0);
  const double c = 3.0;
  auto check = [](const Dual& got, double v, double t) {
    CHECK(near(got.v, v, 1e-15));
    CHECK(near(got.t, t, 1e-14));
  };
  check(a + b, 1.1, 2.3);
  check(a - b, 1.9, -1.7);
  check(a * b, -0.6, 0.3 * -0.4 + 1.5 * 2.0);
  check(a / b, 1.5 / -0.4, (0.3 * -0.4 - 1.5 * 2.0) / (0.16));
  check(a + c, 4.5, 0.3);
  check(c + a, 4.5, 0.3);
  check(a - c, -1.5, 0.3);
  check(c - a, 1.5, -0.3);
  check(a * c, 4.5, 0.9);
  check(c * a, 4.5, 0.9);
  check(a / c, 0.5, 0.1);
  check(c / a, 2.0, -c * 0.3 / (1.5 * 1.5));
  check(-a, -1.5, -0.3);
  check(pow(a, 3.0), 3.375, 3.0 * 1.5 * 1.5 * 0.3);
  check(pow(2.0, a), std::pow(2.0, 1.5), std::log(2.0) * std::pow(2.0, 1.5) * 0.3);
  const Dual p(1.5, 1.0);
  const Dual q(2.0, 0.5);
  check(pow(p, q), 2.25, 2.0 * 1.5 * 1.0 + 2.25 * std::log(1.5) * 0.5);
  check(atan2(a, b), std::atan2(1.5, -0.4), (-0.4 * 0.3 - 1.5 * 2.0) / (1.5 * 1.5 + 0.4 * 0.4));
  const double r = std::hypot(1.5, 0.4);
  check(hypot(a, b), r, (1.5 * 0.3 + -0.4 * 2.0) / r);
  check(max(a, b), 1.5, 0.3);
  check(min(a, b), -0.4, 2.0);
  Dual s = a;
  s += b;
  s *= b;
  s -= a;
  check(s, 1.1 * -0.4 - 1.5, 2.3 * -0.4 + 1.1 * 2.0 - 0.3);
  CHECK(a > b);
  CHECK(b < a);
  CHECK(a >= Dual(1.5, 7.0));  // comparisons look at values only
  CHECK(a == Dual(1.5, -1.0));
  CHECK(b <= a);
}

TEST_CASE("Dual composite: tangent equals the finite difference of the value") {
  auto f = [](const auto& x) { return exp(sin(x)) * x / (1.0 + x * x) + sqrt(x) * tanh(x); };
  for (double x : {0.3, 1.1, 2.7}) {
    const Dual y = f(Dual(x, 1.0));
    const double fd =
        nabla_test::central_difference([&](double t) { return f(Dual(t)).v; }, x, 1e-3);
    CHECK(near(y.t, fd, 1e-9));
  }
}

namespace {

struct Entry {
  Op op;
  nabla::Kind kind;
  const char* text;
};

const std::vector<Entry>& all_ops() {
  static const std::vector<Entry> ops = {
#define NABLA_X(name, kind, text) {Op::name, nabla::Kind::kind, text},
      NABLA_ELEMENTARY_OPS(NABLA_X)
#undef NABLA_X
  };
  return ops;
}

// First partials (da, db) at (a, b) with constant c, from the double instantiation.
std::pair<double, double> first(Op op, double a, double b, double c) {
  const double r = nabla::op_value(op, a, b, c);
  double da = 0;
  double db = 0;
  nabla::op_partials<double>(op, a, b, c, r, da, db);
  return {da, db};
}

}  // namespace

TEST_CASE("op_partials<Dual>: tangents of the partials are second derivatives") {
  // Along direction (ta, tb): the tangent of ∂f/∂a is d/ds ∂f/∂a(a + s·ta, b + s·tb).
  for (const Entry& e : all_ops()) {
    const bool binary = e.kind == nabla::Kind::Binary;
    for (double a : {0.3, 0.8}) {
      for (const auto& [ta, tb] :
           std::vector<std::pair<double, double>>{{1.0, 0.0}, {0.0, 1.0}, {0.7, -0.4}}) {
        if (!binary && tb != 0.0) continue;
        const double b = 1.3;
        const double c = 1.7;
        INFO(std::string(e.text), " a = ", a, " direction (", ta, ", ", tb, ")");
        const auto [da0, db0] = first(e.op, a, b, c);
        const Dual ad(a, ta);
        const Dual bd(b, binary ? tb : 0.0);
        const Dual rd(nabla::op_value(e.op, a, b, c), da0 * ta + (binary ? db0 * tb : 0.0));
        Dual da;
        Dual db;
        nabla::op_partials<Dual>(e.op, ad, bd, c, rd, da, db);
        CHECK(near(da.v, da0, 1e-14, 1e-300));
        auto along = [&](double s, bool want_a) {
          const auto [pa, pb] = first(e.op, a + s * ta, b + (binary ? s * tb : 0.0), c);
          return want_a ? pa : pb;
        };
        const double fd_a =
            nabla_test::central_difference([&](double s) { return along(s, true); }, 0.0, 1e-3);
        CHECK(near(da.t, fd_a, 1e-7, 1e-9));
        if (binary) {
          CHECK(near(db.v, db0, 1e-14, 1e-300));
          const double fd_b =
              nabla_test::central_difference([&](double s) { return along(s, false); }, 0.0, 1e-3);
          CHECK(near(db.t, fd_b, 1e-7, 1e-9));
        }
      }
    }
  }
}

TEST_CASE("op_partials<Dual>: closed-form second derivatives") {
  auto second = [](Op op, double a) {
    const double r = nabla::op_value(op, a, 0, 0);
    double d = 0;
    double unused = 0;
    nabla::op_partials<double>(op, a, 0.0, 0.0, r, d, unused);
    Dual da;
    Dual db;
    nabla::op_partials<Dual>(op, Dual(a, 1.0), Dual(0.0), 0.0, Dual(r, d), da, db);
    return da.t;
  };
  const double x = 0.6;
  CHECK(near(second(Op::Exp, x), std::exp(x), 1e-14));
  CHECK(near(second(Op::Log, x), -1 / (x * x), 1e-14));
  CHECK(near(second(Op::Sin, x), -std::sin(x), 1e-14));
  CHECK(near(second(Op::Sqrt, x), -0.25 / std::pow(x, 1.5), 1e-14));
  CHECK(near(second(Op::Atan, x), -2 * x / std::pow(1 + x * x, 2), 1e-14));
  const double t = std::tanh(x);
  CHECK(near(second(Op::Tanh, x), -2 * t * (1 - t * t), 1e-13));
  const double s = 1 / (1 + std::exp(-x));
  CHECK(near(second(Op::Sigmoid, x), s * (1 - s) * (1 - 2 * s), 1e-13));
  CHECK(near(second(Op::Softplus, x), s * (1 - s), 1e-13));
  CHECK(near(second(Op::Asin, x), x / std::pow(1 - x * x, 1.5), 1e-13));
  CHECK(near(second(Op::Erf, x), -4 * x / std::sqrt(std::numbers::pi) * std::exp(-x * x), 1e-13));
  CHECK(second(Op::Square, x) == 2.0);
  CHECK(second(Op::Abs, x) == 0.0);
  CHECK(second(Op::Relu, x) == 0.0);
  // Mixed partial of a·b: ∂²/∂a∂b = 1; of a/b along b: ∂²/∂b² = 2a/b³.
  {
    Dual da;
    Dual db;
    nabla::op_partials<Dual>(Op::Mul, Dual(2.0, 0.0), Dual(3.0, 1.0), 0.0, Dual(6.0, 2.0), da, db);
    CHECK(da.t == 1.0);  // ∂(∂f/∂a)/∂b
    CHECK(db.t == 0.0);  // ∂²f/∂b²
  }
  {
    Dual da;
    Dual db;
    const double a = 2.0;
    const double b = 3.0;
    nabla::op_partials<Dual>(Op::Div, Dual(a, 0.0), Dual(b, 1.0), 0.0, Dual(a / b, -a / (b * b)),
                             da, db);
    CHECK(near(db.t, 2 * a / (b * b * b), 1e-15));
    CHECK(near(da.t, -1 / (b * b), 1e-15));
  }
  // x^c: c(c − 1)x^(c−2) through PowC.
  {
    Dual da;
    Dual db;
    const double a = 1.4;
    const double c = 2.5;
    nabla::op_partials<Dual>(Op::PowC, Dual(a, 1.0), Dual(0.0), c,
                             Dual(std::pow(a, c), c * std::pow(a, c - 1)), da, db);
    CHECK(near(da.t, c * (c - 1) * std::pow(a, c - 2), 1e-14));
  }
}
