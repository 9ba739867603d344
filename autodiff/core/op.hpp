// The operation codes a tape records, and what each operand slot of a record means.
#pragma once

#include <cstdint>
#include <string_view>

namespace nabla {

// How a record's two operand slots are read.
enum class Kind : std::uint8_t {
  Leaf,         // an independent variable: no operands
  Unary,        // f(a): slot 0 is a node
  Binary,       // f(a, b): both slots are nodes
  BinaryConst,  // f(a, c): slot 0 is a node, slot 1 indexes the constant pool
  ConstBinary,  // f(c, a): slot 0 is a node, slot 1 indexes the constant pool
  Custom,       // n inputs with stored partials: slot 0 indexes the custom-record table
  Extension,  // a multi-value operation (matrix nodes, vector functions): slot 0 indexes extensions
  ExtOutput,  // output k (slot 1) of extension slot 0
};

// The operation table: one row per elementary operation, holding every fact about it except its
// value and partial derivatives (those are its Rule in op_rules.hpp, the only other place an op
// is written). Everything else is generated from these rows: the Op enumerators, op_kind,
// op_name, has_kink, may_be_infinite, the Var functions (scalar/var_math.hpp), the Dual
// functions (core/dual.hpp), the Mat element-wise functions (matrix/elementwise.*) and the
// kink checks of replay. tests/autodiff/core/op_test.cpp checks every row against all of them.
//
// NABLA_OP_TABLE(X, P) expands X(P, Name, Kind, "printed name", kink, inf, mat, form, names...);
// P is passed through untouched so that a narrower view can forward to a macro of its own.
//   kink  1: the derivative jumps where a equals the kink point (0, b or c); replay re-checks
//         the side recorded (functional/replay.cpp, the Mat element-wise node).
//   inf   1: the derivative can be infinite, so a zero adjoint must not become 0·inf = NaN.
//   mat   1: a Mat element-wise function exists, named by the first name (abs, not fabs).
//   form and names: how the op is called, with a and b variables and c a double constant.
//     FN f...        f(a), under each name (at most two)
//     FN_AB f, AC, CA  f(a, b); AC and CA are the ops recorded when b or a is a constant
//     FN_AC f        f(a, c)      FN_CA f: f(c, a)      FN_AC_CA f: both f(a, c) and f(c, a)
//     OP_A, OP_AB, OP_AC, OP_CA, OP_AC_CA ⊕: the same shapes written as operators (⊕a, a ⊕ b,
//         …). These are the one special case: the Var and Dual operators are written by hand
//         (Dual's are closed formulas, not rules); the table names them so the test checks them.
// clang-format off
#define NABLA_OP_TABLE(X, P)                                                        \
  /*   Name          Kind         printed name    kink inf mat  form      names */  \
  X(P, Neg,          Unary,       "neg",           0,  0,  0,   OP_A,     -)        \
  X(P, Exp,          Unary,       "exp",           0,  1,  1,   FN,       exp)      \
  X(P, Log,          Unary,       "log",           0,  1,  1,   FN,       log)      \
  X(P, Log1p,        Unary,       "log1p",         0,  1,  1,   FN,       log1p)    \
  X(P, Expm1,        Unary,       "expm1",         0,  1,  1,   FN,       expm1)    \
  X(P, Sqrt,         Unary,       "sqrt",          0,  1,  1,   FN,       sqrt)     \
  X(P, Cbrt,         Unary,       "cbrt",          0,  0,  0,   FN,       cbrt)     \
  X(P, Sin,          Unary,       "sin",           0,  0,  1,   FN,       sin)      \
  X(P, Cos,          Unary,       "cos",           0,  0,  1,   FN,       cos)      \
  X(P, Tan,          Unary,       "tan",           0,  0,  0,   FN,       tan)      \
  X(P, Asin,         Unary,       "asin",          0,  0,  0,   FN,       asin)     \
  X(P, Acos,         Unary,       "acos",          0,  0,  0,   FN,       acos)     \
  X(P, Atan,         Unary,       "atan",          0,  0,  0,   FN,       atan)     \
  X(P, Sinh,         Unary,       "sinh",          0,  0,  0,   FN,       sinh)     \
  X(P, Cosh,         Unary,       "cosh",          0,  0,  0,   FN,       cosh)     \
  X(P, Tanh,         Unary,       "tanh",          0,  0,  1,   FN,       tanh)     \
  X(P, Sigmoid,      Unary,       "sigmoid",       0,  0,  1,   FN,       sigmoid)  \
  X(P, Softplus,     Unary,       "softplus",      0,  0,  1,   FN,       softplus) \
  X(P, Abs,          Unary,       "abs",           1,  0,  1,   FN,       abs, fabs) \
  X(P, Relu,         Unary,       "relu",          1,  0,  1,   FN,       relu)     \
  X(P, Erf,          Unary,       "erf",           0,  0,  0,   FN,       erf)      \
  X(P, Square,       Unary,       "square",        0,  0,  1,   FN,       square)   \
  X(P, StopGradient, Unary,       "stop_gradient", 0,  0,  0,   FN,       stop_gradient) \
  X(P, Add,          Binary,      "add",           0,  0,  0,   OP_AB,    +)        \
  X(P, Sub,          Binary,      "sub",           0,  0,  0,   OP_AB,    -)        \
  X(P, Mul,          Binary,      "mul",           0,  0,  0,   OP_AB,    *)        \
  X(P, Div,          Binary,      "div",           0,  0,  0,   OP_AB,    /)        \
  X(P, Pow,          Binary,      "pow",           0,  0,  0,   FN_AB,    pow, PowC, CPow) \
  X(P, Atan2,        Binary,      "atan2",         0,  0,  0,   FN_AB,    atan2, Atan2C, CAtan2) \
  X(P, Hypot,        Binary,      "hypot",         0,  0,  0,   FN_AB,    hypot, HypotC, HypotC) \
  X(P, Max,          Binary,      "max",           1,  0,  0,   FN_AB,    max, MaxC, MaxC) \
  X(P, Min,          Binary,      "min",           1,  0,  0,   FN_AB,    min, MinC, MinC) \
  X(P, AddC,         BinaryConst, "add_const",     0,  0,  0,   OP_AC_CA, +)        \
  X(P, SubC,         BinaryConst, "sub_const",     0,  0,  0,   OP_AC,    -)        \
  X(P, MulC,         BinaryConst, "mul_const",     0,  0,  0,   OP_AC_CA, *)        \
  X(P, DivC,         BinaryConst, "div_const",     0,  0,  0,   OP_AC,    /)        \
  X(P, PowC,         BinaryConst, "pow_const",     0,  1,  1,   FN_AC,    pow)      \
  X(P, Atan2C,       BinaryConst, "atan2_const",   0,  0,  0,   FN_AC,    atan2)    \
  X(P, HypotC,       BinaryConst, "hypot_const",   0,  0,  0,   FN_AC_CA, hypot)    \
  X(P, MaxC,         BinaryConst, "max_const",     1,  0,  1,   FN_AC_CA, max)      \
  X(P, MinC,         BinaryConst, "min_const",     1,  0,  1,   FN_AC_CA, min)      \
  X(P, CSub,         ConstBinary, "const_sub",     0,  0,  0,   OP_CA,    -)        \
  X(P, CDiv,         ConstBinary, "const_div",     0,  0,  0,   OP_CA,    /)        \
  X(P, CPow,         ConstBinary, "const_pow",     0,  0,  0,   FN_CA,    pow)      \
  X(P, CAtan2,       ConstBinary, "const_atan2",   0,  0,  0,   FN_CA,    atan2)
// clang-format on

// The narrow view X(Name, Kind, "printed name") that the tape, the sweeps and replay iterate.
#define NABLA_OP_FIRST_THREE(X, name, kind, text, ...) X(name, kind, text)
#define NABLA_ELEMENTARY_OPS(X) NABLA_OP_TABLE(NABLA_OP_FIRST_THREE, X)

// Applies M(Name, f) to each name of an FN row (the second, if any, is an alias: fabs).
#define NABLA_OP_EACH_NAME(M, Name, f, ...) M(Name, f) __VA_OPT__(M(Name, __VA_ARGS__))

enum class Op : std::uint8_t {
  Input,
  Custom,  // a user function (CustomFunction) of n inputs, partials stored at record time
  Linear,  // offset + Σ coefficientₖ·inputₖ: a custom record with no function whose partials are
           // the coefficients; slot 1 indexes the offset in the constant pool
  Extension,
  ExtOutput,
#define NABLA_X(name, kind, text) name,
  NABLA_ELEMENTARY_OPS(NABLA_X)
#undef NABLA_X
};

constexpr Kind op_kind(Op op) noexcept {
  switch (op) {
    case Op::Input: return Kind::Leaf;
    case Op::Custom: return Kind::Custom;
    case Op::Linear: return Kind::Custom;
    case Op::Extension: return Kind::Extension;
    case Op::ExtOutput: return Kind::ExtOutput;
#define NABLA_X(name, kind, text) \
  case Op::name: return Kind::kind;
      NABLA_ELEMENTARY_OPS(NABLA_X)
#undef NABLA_X
  }
  return Kind::Leaf;
}

constexpr std::string_view op_name(Op op) noexcept {
  switch (op) {
    case Op::Input: return "input";
    case Op::Custom: return "custom";
    case Op::Linear: return "linear";
    case Op::Extension: return "extension";
    case Op::ExtOutput: return "extension_output";
#define NABLA_X(name, kind, text) \
  case Op::name: return text;
      NABLA_ELEMENTARY_OPS(NABLA_X)
#undef NABLA_X
  }
  return "?";
}

// Whether the derivative jumps at a point that replay must re-check (the kink column).
constexpr bool has_kink(Op op) noexcept {
  switch (op) {
#define NABLA_X(P, name, kind, text, kink, ...) \
  case Op::name: return kink != 0;
    NABLA_OP_TABLE(NABLA_X, )
#undef NABLA_X
    default: return false;
  }
}

// Whether the derivative can be infinite (the inf column): sqrt or log at 0, pow(0, ½), ….
constexpr bool may_be_infinite(Op op) noexcept {
  switch (op) {
#define NABLA_X(P, name, kind, text, kink, inf, ...) \
  case Op::name: return inf != 0;
    NABLA_OP_TABLE(NABLA_X, )
#undef NABLA_X
    default: return false;
  }
}

// True when slot 1 of the record indexes the constant pool.
constexpr bool has_constant(Kind kind) noexcept {
  return kind == Kind::BinaryConst || kind == Kind::ConstBinary;
}

}  // namespace nabla
