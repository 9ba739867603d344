// explain(): the chain rule made visible. For a recorded output it prints every record it
// depends on (index, operation, inputs, value, local partial derivatives), then the reverse
// sweep step by step: the adjoint arriving at each record, what it passes to each input
// (adjoint × local partial) and that input's adjoint so far, and finally the gradient.
// Numbers are printed in shortest round-trip form: what you read is the exact double.
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
#include <nabla/autodiff/teaching/label.hpp>

namespace nabla {

// The records up to y and the reverse sweep from y (which leaves the tape's adjoints as
// tape.reverse(y) would).
[[nodiscard]] std::string explain(Tape& tape, const Var& y);

// How record i is named in explain and DOT output: "#i" or "#i (label)".
[[nodiscard]] std::string record_name(const Tape& tape, std::size_t i);

// Independent variables for x on `tape`, labelled x1, x2, ….
[[nodiscard]] VectorXv labelled_variables(Tape& tape, const Eigen::VectorXd& x);

// Records f at x (inputs labelled x1, x2, … unless f labels them) and explains f's result.
template <class F>
std::string explain(F&& f, const Eigen::VectorXd& x) {
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  const VectorXv xv = labelled_variables(tape, x);
  const auto y = std::invoke(f, std::as_const(xv));
  detail::require_scalar_result<decltype(y)>();
  return explain(tape, y);
}

}  // namespace nabla
