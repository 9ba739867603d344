// Formula: the function table (generated from the operation table, so every elementary function
// of the tape is callable by its C++ name), and recording a parsed program on the tape.
#include <nabla/autodiff/formula/formula.hpp>

#include <fmt/format.h>

#include <array>
#include <utility>

#include <nabla/autodiff/formula/program.hpp>
#include <nabla/autodiff/scalar/var_math.hpp>

namespace nabla {

namespace detail {

namespace {

// One entry per name of every FN (unary) and FN_AB (binary) row of NABLA_OP_TABLE.
#define NABLA_FORMULA_FN1(Name, f) FormulaFunction{#f, 1, Op::Name},
#define NABLA_FORMULA_FN(Name, ...) NABLA_OP_EACH_NAME(NABLA_FORMULA_FN1, Name, __VA_ARGS__)
#define NABLA_FORMULA_FN_AB(Name, f, WhenBConstant, WhenAConstant) FormulaFunction{#f, 2, Op::Name},
#define NABLA_FORMULA_FN_AC(Name, f)
#define NABLA_FORMULA_FN_CA(Name, f)
#define NABLA_FORMULA_FN_AC_CA(Name, f)
#define NABLA_FORMULA_OP_A(Name, op)
#define NABLA_FORMULA_OP_AB(Name, op)
#define NABLA_FORMULA_OP_AC(Name, op)
#define NABLA_FORMULA_OP_CA(Name, op)
#define NABLA_FORMULA_OP_AC_CA(Name, op)
#define NABLA_X(P, Name, kind, text, kink, inf, mat, form, ...) \
  NABLA_FORMULA_##form(Name, __VA_ARGS__)
constexpr FormulaFunction table[] = {NABLA_OP_TABLE(NABLA_X, )};
#undef NABLA_X

// f(a) for the unary function op.
Var call1(Op op, const Var& a) {
  switch (op) {
#define NABLA_FORMULA_CASE1(Name, f) \
  case Op::Name:                     \
    return unary<Op::Name>(a);
#undef NABLA_FORMULA_FN
#define NABLA_FORMULA_FN(Name, f, ...) NABLA_FORMULA_CASE1(Name, f)
#undef NABLA_FORMULA_FN_AB
#define NABLA_FORMULA_FN_AB(Name, f, WhenBConstant, WhenAConstant)
#define NABLA_X(P, Name, kind, text, kink, inf, mat, form, ...) \
  NABLA_FORMULA_##form(Name, __VA_ARGS__)
    NABLA_OP_TABLE(NABLA_X, )
#undef NABLA_X
    default: throw Error(fmt::format("nabla::Formula: {} is not a unary function", op_name(op)));
  }
}

// f(a, b) for the binary function op (constants recorded as its constant forms).
Var call2(Op op, const Var& a, const Var& b) {
  switch (op) {
#undef NABLA_FORMULA_FN
#define NABLA_FORMULA_FN(Name, ...)
#undef NABLA_FORMULA_FN_AB
#define NABLA_FORMULA_FN_AB(Name, f, WhenBConstant, WhenAConstant) \
  case Op::Name:                                                   \
    return binary<Op::Name, Op::WhenBConstant, Op::WhenAConstant>(a, b);
#define NABLA_X(P, Name, kind, text, kink, inf, mat, form, ...) \
  NABLA_FORMULA_##form(Name, __VA_ARGS__)
    NABLA_OP_TABLE(NABLA_X, )
#undef NABLA_X
    default: throw Error(fmt::format("nabla::Formula: {} is not a binary function", op_name(op)));
  }
}

#undef NABLA_FORMULA_CASE1
#undef NABLA_FORMULA_FN1
#undef NABLA_FORMULA_FN
#undef NABLA_FORMULA_FN_AB
#undef NABLA_FORMULA_FN_AC
#undef NABLA_FORMULA_FN_CA
#undef NABLA_FORMULA_FN_AC_CA
#undef NABLA_FORMULA_OP_A
#undef NABLA_FORMULA_OP_AB
#undef NABLA_FORMULA_OP_AC
#undef NABLA_FORMULA_OP_CA
#undef NABLA_FORMULA_OP_AC_CA

}  // namespace

std::span<const FormulaFunction> formula_functions() { return table; }

}  // namespace detail

FormulaError::FormulaError(const std::string& message, std::size_t column)
    : Error(message), column_(column) {}

Formula::Formula(std::shared_ptr<const detail::FormulaProgram> program)
    : program_(std::move(program)) {}

Formula Formula::parse(std::string_view text, const FormulaOptions& options) {
  return Formula(
      std::make_shared<const detail::FormulaProgram>(detail::parse_formula(text, options)));
}

const std::string& Formula::text() const noexcept { return program_->text; }
const std::vector<std::string>& Formula::variables() const noexcept { return program_->variables; }
std::size_t Formula::outputs() const noexcept { return program_->outputs.size(); }
std::size_t Formula::nodes() const noexcept { return program_->nodes.size(); }

std::vector<Var> Formula::record(std::span<const Var> x) const {
  const detail::FormulaProgram& p = *program_;
  if (x.size() != p.variables.size())
    throw ShapeError(fmt::format("nabla::Formula: '{}' has {} variable{} ({}), x has {} values",
                                 p.text, p.variables.size(), p.variables.size() == 1 ? "" : "s",
                                 fmt::join(p.variables, ", "), x.size()));
  // Operands come before their users: one pass, no recursion, however deep the text nests.
  std::vector<Var> v(p.nodes.size());
  using Kind = detail::FormulaNode::Kind;
  for (std::size_t i = 0; i < p.nodes.size(); ++i) {
    const detail::FormulaNode& n = p.nodes[i];
    switch (n.kind) {
      case Kind::Number: v[i] = Var(n.number); break;
      case Kind::Variable: v[i] = x[n.a]; break;
      case Kind::Neg: v[i] = -v[n.a]; break;
      case Kind::Add: v[i] = v[n.a] + v[n.b]; break;
      case Kind::Sub: v[i] = v[n.a] - v[n.b]; break;
      case Kind::Mul: v[i] = v[n.a] * v[n.b]; break;
      case Kind::Div: v[i] = v[n.a] / v[n.b]; break;
      case Kind::Pow: v[i] = pow(v[n.a], v[n.b]); break;
      case Kind::Call1: v[i] = detail::call1(n.op, v[n.a]); break;
      case Kind::Call2: v[i] = detail::call2(n.op, v[n.a], v[n.b]); break;
    }
  }
  std::vector<Var> out;
  out.reserve(p.outputs.size());
  for (const std::uint32_t o : p.outputs) out.push_back(v[o]);
  return out;
}

Var Formula::operator()(const VectorXv& x) const {
  if (outputs() != 1)
    throw ShapeError(fmt::format(
        "nabla::Formula: '{}' has {} outputs; a scalar function has one (use vector() and "
        "jacobian)",
        text(), outputs()));
  return record(std::span<const Var>(x.data(), static_cast<std::size_t>(x.size())))[0];
}

VectorXv Formula::vector(const VectorXv& x) const {
  const std::vector<Var> out =
      record(std::span<const Var>(x.data(), static_cast<std::size_t>(x.size())));
  VectorXv y(static_cast<Eigen::Index>(out.size()));
  for (std::size_t i = 0; i < out.size(); ++i) y[static_cast<Eigen::Index>(i)] = out[i];
  return y;
}

Eigen::VectorXd Formula::values(const Eigen::VectorXd& x) const {
  std::vector<Var> constants(x.data(), x.data() + x.size());
  const std::vector<Var> out = record(constants);
  Eigen::VectorXd y(static_cast<Eigen::Index>(out.size()));
  for (std::size_t i = 0; i < out.size(); ++i) y[static_cast<Eigen::Index>(i)] = out[i].value();
  return y;
}

}  // namespace nabla
