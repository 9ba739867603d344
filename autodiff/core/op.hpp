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

// X(Name, Kind, "printed name"). Every elementary operation appears once here and once in
// op_rules.hpp, where its value and local partial derivatives are defined.
#define NABLA_ELEMENTARY_OPS(X)           \
  X(Neg, Unary, "neg")                    \
  X(Exp, Unary, "exp")                    \
  X(Log, Unary, "log")                    \
  X(Log1p, Unary, "log1p")                \
  X(Expm1, Unary, "expm1")                \
  X(Sqrt, Unary, "sqrt")                  \
  X(Cbrt, Unary, "cbrt")                  \
  X(Sin, Unary, "sin")                    \
  X(Cos, Unary, "cos")                    \
  X(Tan, Unary, "tan")                    \
  X(Asin, Unary, "asin")                  \
  X(Acos, Unary, "acos")                  \
  X(Atan, Unary, "atan")                  \
  X(Sinh, Unary, "sinh")                  \
  X(Cosh, Unary, "cosh")                  \
  X(Tanh, Unary, "tanh")                  \
  X(Sigmoid, Unary, "sigmoid")            \
  X(Softplus, Unary, "softplus")          \
  X(Abs, Unary, "abs")                    \
  X(Relu, Unary, "relu")                  \
  X(Erf, Unary, "erf")                    \
  X(Square, Unary, "square")              \
  X(StopGradient, Unary, "stop_gradient") \
  X(Add, Binary, "add")                   \
  X(Sub, Binary, "sub")                   \
  X(Mul, Binary, "mul")                   \
  X(Div, Binary, "div")                   \
  X(Pow, Binary, "pow")                   \
  X(Atan2, Binary, "atan2")               \
  X(Hypot, Binary, "hypot")               \
  X(Max, Binary, "max")                   \
  X(Min, Binary, "min")                   \
  X(AddC, BinaryConst, "add_const")       \
  X(SubC, BinaryConst, "sub_const")       \
  X(MulC, BinaryConst, "mul_const")       \
  X(DivC, BinaryConst, "div_const")       \
  X(PowC, BinaryConst, "pow_const")       \
  X(Atan2C, BinaryConst, "atan2_const")   \
  X(HypotC, BinaryConst, "hypot_const")   \
  X(MaxC, BinaryConst, "max_const")       \
  X(MinC, BinaryConst, "min_const")       \
  X(CSub, ConstBinary, "const_sub")       \
  X(CDiv, ConstBinary, "const_div")       \
  X(CPow, ConstBinary, "const_pow")       \
  X(CAtan2, ConstBinary, "const_atan2")

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

// True when slot 1 of the record indexes the constant pool.
constexpr bool has_constant(Kind kind) noexcept {
  return kind == Kind::BinaryConst || kind == Kind::ConstBinary;
}

}  // namespace nabla
