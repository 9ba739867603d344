// The operation table (core/op.hpp) against everything built from it. Every row is expanded
// here into calls of its Var, Dual and (mat column 1) Mat functions under the names the table
// gives, so a missing overload or operator does not compile; each call must record the row's
// op and give Rule<op>'s value and partials. Replay must report a flipped kink for exactly
// the rows whose kink column is 1.
//
// Points: unary ops at a = 0.5 (asin = π/6, sqrt = 1/√2, …); ops of two variables at
// (a, b) = (1.5, 2) (hypot = 2.5, ∂/∂a = 0.6); ops with a constant at a = 1.5, c = 2
// (pow = 2.25, d/da = 3). The kink check moves a across the kink point (0, b or c): unary
// 0.5 → −0.5, the others 1.5 → 2.5.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/core/dual.hpp>
#include <nabla/autodiff/core/op.hpp>
#include <nabla/autodiff/core/op_rules.hpp>
#include <nabla/autodiff/functional/replay.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <string>

using Eigen::VectorXd;
using nabla::Dual;
using nabla::Kind;
using nabla::Mat;
using nabla::Op;
using nabla::Rule;
using nabla::Var;
using nabla::VectorXv;

namespace {

constexpr double kB = 2.0;  // the second variable of Binary ops
constexpr double kC = 2.0;  // the constant of BinaryConst and ConstBinary ops

// The point of the value checks, and its mirror across the kink point.
constexpr double here(Kind kind) { return kind == Kind::Unary ? 0.5 : 1.5; }
constexpr double there(Kind kind) { return kind == Kind::Unary ? -0.5 : 2.5; }

VectorXd point(double a, double b) {
  VectorXd x(2);
  x << a, b;
  return x;
}

// What Rule<op> says at a: its value and partials, with the operands in the slots op reads.
struct Expected {
  double value, da, db;
};
template <Op op>
Expected expected(double a) {
  constexpr Kind kind = nabla::op_kind(op);
  const double b = kind == Kind::Binary ? kB : 0.0;
  const double c = nabla::has_constant(kind) ? kC : 0.0;
  Expected e{Rule<op>::value(a, b, c), 0.0, 0.0};
  Rule<op>::template partials<double>(a, b, c, e.value, e.da, e.db);
  return e;
}

// call(a, b, c) applies one row's function (b is read only by Binary ops, c only by ops with a
// constant); it is generic so that the same text runs on Var and Dual.
template <Op op, class Call>
void check_scalar(const std::string& expr, Call call) {
  const std::string what = expr + " for " + std::string(nabla::op_name(op));
  INFO(what);
  constexpr Kind kind = nabla::op_kind(op);
  const double a = here(kind);
  const Expected e = expected<op>(a);
  {  // Var: records op, with the rule's value and partials.
    nabla::Tape tape;
    const nabla::TapeScope scope(tape);
    const Var x = tape.variable(a);
    const Var y = tape.variable(kB);
    const Var r = call(x, y, kC);
    CHECK(tape.op(r.index()) == op);
    CHECK(r.value() == e.value);
    tape.reverse(r);
    CHECK(tape.adjoint(x) == e.da);
    if (kind == Kind::Binary) CHECK(tape.adjoint(y) == e.db);
  }
  {  // Dual: the value, and the tangent along a (and along b).
    const Dual r = call(Dual(a, 1.0), Dual(kB, 0.0), kC);
    CHECK(r.v == e.value);
    CHECK(r.t == e.da);
    if (kind == Kind::Binary) CHECK(call(Dual(a, 0.0), Dual(kB, 1.0), kC).t == e.db);
  }
  {  // Replay: a kink flips when a crosses it; no other op reports one.
    auto f = [call](const VectorXv& x) -> Var { return call(x[0], x[1], kC); };
    nabla::Function fn(f, point(a, kB));
    fn.value(point(there(kind), kB));
    CHECK(fn.status().flipped_kinks == (nabla::has_kink(op) ? 1U : 0U));
  }
}

// f(a, b) with a constant operand records the constant form the row names.
template <Op when_b_constant, Op when_a_constant, class Call>
void check_constant_forms(Call call) {
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  const Var x = tape.variable(1.5);
  CHECK(tape.op(call(x, Var(kC), 0.0).index()) == when_b_constant);
  CHECK(tape.op(call(Var(kC), x, 0.0).index()) == when_a_constant);
}

// call(A, c) applies a Mat element-wise function to a 1×1 matrix.
template <Op op, class Call>
void check_mat(const std::string& expr, Call call) {
  const std::string what = expr + " on a Mat for " + std::string(nabla::op_name(op));
  INFO(what);
  constexpr Kind kind = nabla::op_kind(op);
  const double a = here(kind);
  const Expected e = expected<op>(a);
  auto f = [call](const Mat& m) { return nabla::sum(call(m, kC)); };
  const auto [v, g] = nabla::value_and_gradient(f, VectorXd::Constant(1, a));
  CHECK(v == e.value);
  CHECK(g[0] == e.da);
  nabla::Function fn(f, VectorXd::Constant(1, a));
  fn.value(VectorXd::Constant(1, there(kind)));
  CHECK(fn.status().flipped_kinks == (nabla::has_kink(op) ? 1U : 0U));
}

// One expansion per form of the table.
#define NABLA_CHECK_FN1(Name, f) \
  check_scalar<Op::Name>(#f "(a)", [](const auto& a, const auto&, double) { return f(a); });
#define NABLA_CHECK_FN(Name, ...) NABLA_OP_EACH_NAME(NABLA_CHECK_FN1, Name, __VA_ARGS__)
#define NABLA_CHECK_FN_AB(Name, f, WhenBConstant, WhenAConstant)                        \
  check_scalar<Op::Name>(#f "(a, b)",                                                   \
                         [](const auto& a, const auto& b, double) { return f(a, b); }); \
  check_constant_forms<Op::WhenBConstant, Op::WhenAConstant>(                           \
      [](const auto& a, const auto& b, double) { return f(a, b); });
#define NABLA_CHECK_FN_AC(Name, f) \
  check_scalar<Op::Name>(#f "(a, c)", [](const auto& a, const auto&, double c) { return f(a, c); });
#define NABLA_CHECK_FN_CA(Name, f) \
  check_scalar<Op::Name>(#f "(c, a)", [](const auto& a, const auto&, double c) { return f(c, a); });
#define NABLA_CHECK_FN_AC_CA(Name, f) NABLA_CHECK_FN_AC(Name, f) NABLA_CHECK_FN_CA(Name, f)
#define NABLA_CHECK_OP_A(Name, op) \
  check_scalar<Op::Name>(#op "a", [](const auto& a, const auto&, double) { return op a; });
#define NABLA_CHECK_OP_AB(Name, op)     \
  check_scalar<Op::Name>("a " #op " b", \
                         [](const auto& a, const auto& b, double) { return a op b; });
#define NABLA_CHECK_OP_AC(Name, op)     \
  check_scalar<Op::Name>("a " #op " c", \
                         [](const auto& a, const auto&, double c) { return a op c; });
#define NABLA_CHECK_OP_CA(Name, op)     \
  check_scalar<Op::Name>("c " #op " a", \
                         [](const auto& a, const auto&, double c) { return c op a; });
#define NABLA_CHECK_OP_AC_CA(Name, op) NABLA_CHECK_OP_AC(Name, op) NABLA_CHECK_OP_CA(Name, op)

#define NABLA_CHECK_MAT_FN(Name, f, ...) \
  check_mat<Op::Name>(#f "(A)", [](const Mat& a, double) { return f(a); });
#define NABLA_CHECK_MAT_FN_AC(Name, f) \
  check_mat<Op::Name>(#f "(A, c)", [](const Mat& a, double c) { return f(a, c); });
#define NABLA_CHECK_MAT_FN_AC_CA(Name, f) NABLA_CHECK_MAT_FN_AC(Name, f)
#define NABLA_CHECK_MAT_0(Name, form, ...)
#define NABLA_CHECK_MAT_1(Name, form, ...) NABLA_CHECK_MAT_##form(Name, __VA_ARGS__)

}  // namespace

TEST_CASE("every op of the table has its Var and Dual functions, and replay checks its kink"){
#define NABLA_X(P, Name, kind, text, kink, inf, mat, form, ...) \
  NABLA_CHECK_##form(Name, __VA_ARGS__)
    NABLA_OP_TABLE(NABLA_X, )
#undef NABLA_X
}

TEST_CASE("every op whose mat column is 1 has its Mat element-wise function"){
#define NABLA_X(P, Name, kind, text, kink, inf, mat, form, ...) \
  NABLA_CHECK_MAT_##mat(Name, form, __VA_ARGS__)
    NABLA_OP_TABLE(NABLA_X, )
#undef NABLA_X
}

TEST_CASE("the kink and infinite-derivative columns as generated") {
  // Spot checks of has_kink and may_be_infinite against the rows they come from.
  static_assert(nabla::has_kink(Op::Abs) && nabla::has_kink(Op::MaxC));
  static_assert(!nabla::has_kink(Op::Exp) && !nabla::has_kink(Op::Input));
  static_assert(nabla::may_be_infinite(Op::Sqrt) && nabla::may_be_infinite(Op::PowC));
  static_assert(!nabla::may_be_infinite(Op::Abs) && !nabla::may_be_infinite(Op::Custom));
  // An infinite derivative meets a zero adjoint: sqrt'(0) = +inf, but an entry at 0 that
  // the loss ignores must get the gradient 0, not 0·inf = NaN.
  const auto g = nabla::gradient(
      [](const Mat& m) { return nabla::sum(nabla::sqrt(m).block(1, 0, 1, 1)); }, point(0.0, 4.0));
  CHECK(g[0] == 0.0);
  CHECK(g[1] == 0.25);
}

TEST_CASE("closed forms a reader can check") {
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  const Var a = tape.variable(1.5);
  const Var b = tape.variable(2.0);
  const Var h = hypot(a, b);  // the 3-4-5 triangle halved
  CHECK(h.value() == 2.5);
  tape.reverse(h);
  CHECK(tape.adjoint(a) == doctest::Approx(0.6));
  CHECK(tape.adjoint(b) == doctest::Approx(0.8));
  const Dual p = pow(Dual(1.5, 1.0), 2.0);  // 1.5² and 2·1.5
  CHECK(p.v == 2.25);
  CHECK(p.t == 3.0);
}
