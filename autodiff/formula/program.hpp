// What Formula::parse makes of a text (formula.hpp): its nodes in an order where every operand
// comes before its users, so recording is one loop over them, and the functions the language
// knows (generated from the operation table, core/op.hpp).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nabla/autodiff/core/op.hpp>
#include <nabla/autodiff/formula/formula.hpp>

namespace nabla::detail {

struct FormulaNode {
  enum class Kind : std::uint8_t { Number, Variable, Neg, Add, Sub, Mul, Div, Pow, Call1, Call2 };
  Kind kind = Kind::Number;
  Op op = Op::Input;           // Call1 / Call2: the function's operation (Var, Var form)
  std::uint32_t a = 0, b = 0;  // operand nodes; Variable: a is the variable's index
  double number = 0.0;         // Number
};

struct FormulaProgram {
  std::string text;
  std::vector<std::string> variables;
  std::vector<FormulaNode> nodes;
  std::vector<std::uint32_t> outputs;  // one node per output
};

struct FormulaFunction {
  std::string_view name;
  int arity;  // 1 or 2
  Op op;
};

// Every function a formula can call, by name (abs also as fabs).
[[nodiscard]] std::span<const FormulaFunction> formula_functions();

[[nodiscard]] FormulaProgram parse_formula(std::string_view text, const FormulaOptions& options);

}  // namespace nabla::detail
