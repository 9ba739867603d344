// A formula typed as text, recorded on the tape: `Formula::parse("exp(x1)*x2^2")` reads it once,
// and the Formula then records it at any point like the same expression written in C++ (one
// record per elementary operation; constant subexpressions fold into constants, as Var does).
//
// The language: numbers (2, 0.5, .5, 1e-3), variables, + - * / and ^ (also **) with the usual
// precedence, ^ right-associative and binding tighter than unary minus (−x^2 = −(x²), 2^-x is
// 2^(−x)), parentheses, every elementary function of the tape by its C++ name (exp log log1p
// expm1 sqrt cbrt sin cos tan asin acos atan sinh cosh tanh sigmoid softplus abs relu erf square
// stop_gradient; pow atan2 hypot max min of two arguments), the constants pi and e, and several
// outputs separated by ';' (a vector function). Variables: the names FormulaOptions::variables
// lists, in its order; else, when every name is x<k>, x1 … xn with n the largest k (x0 … xn if
// x0 appears; an index the text skips is still a variable, with derivative 0); else every name
// in order of first appearance.
//
// Errors are FormulaError, with the column (1-based, in characters) and the text with a caret
// under it: unknown names suggest the nearest known one, implicit multiplication (2x) says to
// write 2*x, and nesting deeper than FormulaOptions::max_depth is an error, never a stack
// overflow (evaluation walks the parsed nodes in order, without recursion).
#pragma once

#include <Eigen/Core>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nabla/autodiff/core/error.hpp>
#include <nabla/autodiff/core/var.hpp>
#include <nabla/autodiff/scalar/eigen_support.hpp>

namespace nabla {

class FormulaError : public Error {
 public:
  FormulaError(const std::string& message, std::size_t column);
  // 1-based, counted in characters (UTF-8 code points) of the text.
  [[nodiscard]] std::size_t column() const noexcept { return column_; }

 private:
  std::size_t column_;
};

struct FormulaOptions {
  std::vector<std::string> variables = {};  // the variables and their order (empty: inferred)
  std::size_t max_depth = 200;              // nested parentheses, calls, signs and powers
};

namespace detail {
struct FormulaProgram;
}

class Formula {
 public:
  // Throws FormulaError naming the column.
  [[nodiscard]] static Formula parse(std::string_view text, const FormulaOptions& options = {});

  [[nodiscard]] const std::string& text() const noexcept;
  [[nodiscard]] const std::vector<std::string>& variables() const noexcept;
  [[nodiscard]] std::size_t outputs() const noexcept;
  // Elementary operations and leaves the parse produced (a measure of size, before folding).
  [[nodiscard]] std::size_t nodes() const noexcept;

  // Every output at x (one Var per variable, in variables() order) on the active tape. Plain
  // doubles work too: Var constants record nothing.
  [[nodiscard]] std::vector<Var> record(std::span<const Var> x) const;
  // The one output (throws when there are several): a callable for nabla::gradient / hessian.
  [[nodiscard]] Var operator()(const VectorXv& x) const;
  // Every output, for nabla::jacobian.
  [[nodiscard]] VectorXv vector(const VectorXv& x) const;
  // The values at a point of doubles.
  [[nodiscard]] Eigen::VectorXd values(const Eigen::VectorXd& x) const;

 private:
  explicit Formula(std::shared_ptr<const detail::FormulaProgram> program);
  std::shared_ptr<const detail::FormulaProgram> program_;
};

}  // namespace nabla
