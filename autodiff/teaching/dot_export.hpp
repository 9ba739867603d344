// to_dot(): the recorded graph of an output in Graphviz DOT, for pictures of the chain rule.
// One node per record the output depends on (operation, value, adjoint), one edge per
// operand labelled with the local partial derivative ∂record/∂operand; the adjoint of a node
// is the sum over its out-edges of (edge partial × adjoint of the edge's head). A matrix record
// shows its shape, value and adjoint matrices (when small) and its adjoint rule; its edges are
// labelled with the operand's name in the rule (A, B), and constant matrix operands are nodes
// of their own.
//   dot -Tsvg graph.dot -o graph.svg
#pragma once

#include <Eigen/Core>
#include <string>

#include <nabla/autodiff/teaching/explain.hpp>

namespace nabla {

// Runs the reverse sweep from y (the adjoints shown are ∂y/∂record) and returns DOT text.
[[nodiscard]] std::string to_dot(Tape& tape, const Var& y, const ExplainOptions& options = {});

// Records f at x (inputs labelled x1, x2, … unless f labels them) and exports its graph.
template <class F>
requires(!detail::MatFunction<F>) std::string
    to_dot(F&& f, const Eigen::VectorXd& x, const ExplainOptions& options = {}) {
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  const VectorXv xv = labelled_variables(tape, x);
  const auto y = std::invoke(f, std::as_const(xv));
  detail::require_scalar_result<decltype(y)>();
  return to_dot(tape, y, options);
}

// Records f(const Mat&) at X (the variable labelled X) and exports the graph of its Var result.
template <class F>
requires detail::MatFunction<F> std::string to_dot(F&& f, const Eigen::MatrixXd& x,
                                                   const ExplainOptions& options = {}) {
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  const Mat xm = label(variable(x), "X");
  const auto y = std::invoke(f, xm);
  static_assert(std::is_same_v<std::decay_t<decltype(y)>, Var>,
                "nabla::to_dot: a function of a Mat must return a nabla::Var");
  return to_dot(tape, y, options);
}

}  // namespace nabla
