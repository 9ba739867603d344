// to_dot(): the recorded graph of an output in Graphviz DOT, for pictures of the chain rule.
// One node per record the output depends on (operation, value, adjoint), one edge per
// operand labelled with the local partial derivative ∂record/∂operand; the adjoint of a node
// is the sum over its out-edges of (edge partial × adjoint of the edge's head).
//   dot -Tsvg graph.dot -o graph.svg
#pragma once

#include <Eigen/Core>
#include <string>

#include <nabla/autodiff/teaching/explain.hpp>

namespace nabla {

// Runs the reverse sweep from y (the adjoints shown are ∂y/∂record) and returns DOT text.
[[nodiscard]] std::string to_dot(Tape& tape, const Var& y);

// Records f at x (inputs labelled x1, x2, … unless f labels them) and exports its graph.
template <class F>
std::string to_dot(F&& f, const Eigen::VectorXd& x) {
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  const VectorXv xv = labelled_variables(tape, x);
  const auto y = std::invoke(f, std::as_const(xv));
  detail::require_scalar_result<decltype(y)>();
  return to_dot(tape, y);
}

}  // namespace nabla
