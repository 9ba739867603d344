// explain(): the chain rule made visible. For a recorded output it prints every record it
// depends on (index, operation, inputs, value, local partial derivatives — for a matrix record
// its operands, shapes, value and the rule that carries the adjoint back, "dA += dC·Bᵀ"), then
// the reverse sweep step by step: the adjoint arriving at each record, what it passes to each
// input and that input's adjoint so far, and finally the gradient, matrix variables included.
// Numbers have 6 significant digits; ExplainOptions::exact() prints the exact doubles.
//
//   nabla::Tape tape;  nabla::TapeScope scope(tape);
//   nabla::Var x = nabla::label(tape.variable(2.0), "x");
//   nabla::Var y = nabla::label(x * x + 1.0, "y");
//   fmt::print("{}", nabla::explain(tape, y));
#pragma once

#include <Eigen/Core>
#include <string>
#include <type_traits>

#include <nabla/autodiff/core/tape.hpp>
#include <nabla/autodiff/functional/gradient.hpp>
#include <nabla/autodiff/matrix/mat.hpp>
#include <nabla/autodiff/teaching/format.hpp>
#include <nabla/autodiff/teaching/label.hpp>

namespace nabla {

// The records up to y and the reverse sweep from y (which leaves the tape's adjoints, and the
// gradients of matrix variables, as tape.reverse(y) would).
[[nodiscard]] std::string explain(Tape& tape, const Var& y, const ExplainOptions& options = {});

// How record i is named in explain and DOT output: "#i" or "#i (label)".
[[nodiscard]] std::string record_name(const Tape& tape, std::size_t i);

// Independent variables for x on `tape`, labelled x1, x2, ….
[[nodiscard]] VectorXv labelled_variables(Tape& tape, const Eigen::VectorXd& x);

// Records f at x (inputs labelled x1, x2, … unless f labels them) and explains f's result.
template <class F>
requires(!detail::MatFunction<F>) std::string
    explain(F&& f, const Eigen::VectorXd& x, const ExplainOptions& options = {}) {
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  const VectorXv xv = labelled_variables(tape, x);
  const auto y = std::invoke(f, std::as_const(xv));
  detail::require_scalar_result<decltype(y)>();
  return explain(tape, y, options);
}

// Records f(const Mat&) at the matrix X (the variable labelled X) and explains its Var result.
template <class F>
requires detail::MatFunction<F> std::string explain(F&& f, const Eigen::MatrixXd& x,
                                                    const ExplainOptions& options = {}) {
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  const Mat xm = label(variable(x), "X");
  const auto y = std::invoke(f, xm);
  static_assert(std::is_same_v<std::decay_t<decltype(y)>, Var>,
                "nabla::explain: a function of a Mat must return a nabla::Var");
  return explain(tape, y, options);
}

}  // namespace nabla
