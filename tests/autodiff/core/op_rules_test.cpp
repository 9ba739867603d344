// The derivative table itself: every op of NABLA_ELEMENTARY_OPS has a reference here (the
// switch below has no default, so a new op without a reference fails to compile under
// -Werror=switch), and op_value / op_partials<double> agree with it and with finite
// differences of op_value.
#include <doctest/doctest.h>

#include <cmath>
#include <nabla/autodiff/core/op.hpp>
#include <nabla/autodiff/core/op_rules.hpp>
#include <numbers>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "../../test_util.hpp"

using nabla::Kind;
using nabla::Op;
using nabla_test::near;

namespace {

struct Reference {
  double value;
  double da;
  double db;  // 0 for ops with one node operand
};

// Written from the mathematics, not from op_rules.hpp. a, b: node values; c: the constant.
std::optional<Reference> reference(Op op, double a, double b, double c) {
  const double two_over_sqrt_pi = 2.0 / std::sqrt(std::numbers::pi);
  switch (op) {
    case Op::Input:
    case Op::Custom:
    case Op::Linear:
    case Op::Extension:
    case Op::ExtOutput: return std::nullopt;
    case Op::Neg: return Reference{-a, -1, 0};
    case Op::Exp: return Reference{std::exp(a), std::exp(a), 0};
    case Op::Log: return Reference{std::log(a), 1 / a, 0};
    case Op::Log1p: return Reference{std::log1p(a), 1 / (1 + a), 0};
    case Op::Expm1: return Reference{std::expm1(a), std::exp(a), 0};
    case Op::Sqrt: return Reference{std::sqrt(a), 0.5 / std::sqrt(a), 0};
    case Op::Cbrt: return Reference{std::cbrt(a), std::pow(std::abs(a), -2.0 / 3) / 3, 0};
    case Op::Sin: return Reference{std::sin(a), std::cos(a), 0};
    case Op::Cos: return Reference{std::cos(a), -std::sin(a), 0};
    case Op::Tan: return Reference{std::tan(a), 1 / std::pow(std::cos(a), 2), 0};
    case Op::Asin: return Reference{std::asin(a), 1 / std::sqrt(1 - a * a), 0};
    case Op::Acos: return Reference{std::acos(a), -1 / std::sqrt(1 - a * a), 0};
    case Op::Atan: return Reference{std::atan(a), 1 / (1 + a * a), 0};
    case Op::Sinh: return Reference{std::sinh(a), std::cosh(a), 0};
    case Op::Cosh: return Reference{std::cosh(a), std::sinh(a), 0};
    case Op::Tanh: return Reference{std::tanh(a), 1 / std::pow(std::cosh(a), 2), 0};
    case Op::Sigmoid:
      return Reference{1 / (1 + std::exp(-a)), std::exp(-a) / std::pow(1 + std::exp(-a), 2), 0};
    case Op::Softplus: return Reference{std::log(1 + std::exp(a)), 1 / (1 + std::exp(-a)), 0};
    case Op::Abs: return Reference{std::abs(a), a > 0 ? 1.0 : -1.0, 0};
    case Op::Relu: return Reference{a > 0 ? a : 0.0, a > 0 ? 1.0 : 0.0, 0};
    case Op::Erf: return Reference{std::erf(a), two_over_sqrt_pi * std::exp(-a * a), 0};
    case Op::Square: return Reference{a * a, 2 * a, 0};
    case Op::StopGradient: return Reference{a, 0, 0};
    case Op::Add: return Reference{a + b, 1, 1};
    case Op::Sub: return Reference{a - b, 1, -1};
    case Op::Mul: return Reference{a * b, b, a};
    case Op::Div: return Reference{a / b, 1 / b, -a / (b * b)};
    case Op::Pow:
      return Reference{std::pow(a, b), b * std::pow(a, b - 1), std::pow(a, b) * std::log(a)};
    case Op::Atan2: return Reference{std::atan2(a, b), b / (a * a + b * b), -a / (a * a + b * b)};
    case Op::Hypot: {
      const double r = std::sqrt(a * a + b * b);
      return Reference{r, a / r, b / r};
    }
    case Op::Max: return Reference{a > b ? a : b, a > b ? 1.0 : 0.0, a > b ? 0.0 : 1.0};
    case Op::Min: return Reference{a < b ? a : b, a < b ? 1.0 : 0.0, a < b ? 0.0 : 1.0};
    case Op::AddC: return Reference{a + c, 1, 0};
    case Op::SubC: return Reference{a - c, 1, 0};
    case Op::MulC: return Reference{a * c, c, 0};
    case Op::DivC: return Reference{a / c, 1 / c, 0};
    case Op::PowC: return Reference{std::pow(a, c), c * std::pow(a, c - 1), 0};
    case Op::Atan2C: return Reference{std::atan2(a, c), c / (a * a + c * c), 0};
    case Op::HypotC: return Reference{std::hypot(a, c), a / std::hypot(a, c), 0};
    case Op::MaxC: return Reference{a > c ? a : c, a > c ? 1.0 : 0.0, 0};
    case Op::MinC: return Reference{a < c ? a : c, a < c ? 1.0 : 0.0, 0};
    case Op::CSub: return Reference{c - a, -1, 0};
    case Op::CDiv: return Reference{c / a, -c / (a * a), 0};
    case Op::CPow: return Reference{std::pow(c, a), std::log(c) * std::pow(c, a), 0};
    case Op::CAtan2: return Reference{std::atan2(c, a), -c / (a * a + c * c), 0};
  }
  return std::nullopt;
}

struct Entry {
  Op op;
  Kind kind;
  std::string_view text;
};

const std::vector<Entry>& all_ops() {
  static const std::vector<Entry> ops = {
#define NABLA_X(name, kind, text) {Op::name, Kind::kind, text},
      NABLA_ELEMENTARY_OPS(NABLA_X)
#undef NABLA_X
  };
  return ops;
}

bool positive_domain_only(Op op) {
  return op == Op::Log || op == Op::Sqrt || op == Op::Pow || op == Op::PowC;
}

}  // namespace

TEST_CASE("every elementary op: op_value and op_partials<double> match the reference") {
  CHECK(all_ops().size() >= 45);
  for (const Entry& e : all_ops()) {
    INFO(std::string(e.text));
    std::vector<double> as = {0.3, 0.55, 0.8};
    if (!positive_domain_only(e.op)) as.push_back(-0.45);
    for (double a : as) {
      for (double b : {1.3, 0.6}) {
        const double c = 1.7;
        CAPTURE(a);
        CAPTURE(b);
        const auto ref = reference(e.op, a, b, c);
        REQUIRE(ref.has_value());
        const double v = nabla::op_value(e.op, a, b, c);
        CHECK(near(v, ref->value, 1e-14, 1e-300));
        double da = 0;
        double db = 0;
        nabla::op_partials<double>(e.op, a, b, c, v, da, db);
        CHECK(near(da, ref->da, 1e-13, 1e-300));
        if (e.kind == Kind::Binary) CHECK(near(db, ref->db, 1e-13, 1e-300));
        // And against finite differences of the op's own value function (skip stop_gradient,
        // whose derivative is 0 by definition).
        if (e.op == Op::StopGradient) continue;
        const double fd_a = nabla_test::central_difference(
            [&](double t) { return nabla::op_value(e.op, t, b, c); }, a, 1e-3);
        CHECK(near(da, fd_a, 1e-8, 1e-10));
        if (e.kind == Kind::Binary) {
          const double fd_b = nabla_test::central_difference(
              [&](double t) { return nabla::op_value(e.op, a, t, c); }, b, 1e-3);
          CHECK(near(db, fd_b, 1e-8, 1e-10));
        }
      }
    }
  }
}

TEST_CASE("op metadata: kinds, names, constant slots") {
  std::set<std::string_view> names;
  for (const Entry& e : all_ops()) {
    INFO(std::string(e.text));
    CHECK(nabla::op_kind(e.op) == e.kind);
    CHECK(nabla::op_name(e.op) == e.text);
    CHECK(names.insert(e.text).second);  // names are unique
    CHECK(nabla::has_constant(e.kind) ==
          (e.kind == Kind::BinaryConst || e.kind == Kind::ConstBinary));
  }
  CHECK(nabla::op_kind(Op::Input) == Kind::Leaf);
  CHECK(nabla::op_kind(Op::Custom) == Kind::Custom);
  CHECK(nabla::op_name(Op::Input) == "input");
  // The Var functions record the constant-operand forms: c − a and c / a are their own ops.
  CHECK(nabla::op_kind(Op::CSub) == Kind::ConstBinary);
  CHECK(nabla::op_kind(Op::PowC) == Kind::BinaryConst);
}

TEST_CASE("Rule<Op>::value equals the runtime dispatch") {
  for (double a : {0.25, 0.9}) {
    CHECK(nabla::Rule<Op::Exp>::value(a, 0, 0) == nabla::op_value(Op::Exp, a, 0, 0));
    CHECK(nabla::Rule<Op::Pow>::value(a, 2.5, 0) == nabla::op_value(Op::Pow, a, 2.5, 0));
    CHECK(nabla::Rule<Op::CPow>::value(a, 0, 3) == std::pow(3.0, a));
    CHECK(nabla::Rule<Op::CDiv>::value(a, 0, 3) == 3.0 / a);
  }
}

TEST_CASE("math:: helpers for functions the C library lacks") {
  CHECK(nabla::math::sigmoid(0.0) == 0.5);
  CHECK(near(nabla::math::sigmoid(1.0), 1.0 / (1.0 + std::exp(-1.0)), 1e-15));
  CHECK(near(nabla::math::sigmoid(-1.0), 1.0 / (1.0 + std::exp(1.0)), 1e-15));
  CHECK(nabla::math::sigmoid(-1e4) == 0.0);
  CHECK(nabla::math::sigmoid(1e4) == 1.0);
  CHECK(near(nabla::math::softplus(0.5), std::log1p(std::exp(0.5)), 1e-15));
  CHECK(nabla::math::softplus(1e4) == 1e4);
  CHECK(nabla::math::softplus(-1e4) == 0.0);
  CHECK(nabla::math::relu(-2.0) == 0.0);
  CHECK(nabla::math::relu(2.0) == 2.0);
  CHECK(nabla::math::square(-3.0) == 9.0);
}
