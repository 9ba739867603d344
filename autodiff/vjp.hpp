// vjp(f, x, u) = uᵀ·J_f(x) by reverse mode: f is recorded once, the outputs are combined into
// s = Σ uₖ·yₖ (one linear record) and a single reverse sweep from s gives uᵀJ — the Jacobian
// applied from the left, never formed.
#pragma once

#include <Eigen/Core>
#include <span>
#include <vector>

#include "jvp.hpp"
#include "linear.hpp"

namespace nabla {

// uᵀ·J_f(x) (as a column of n entries) for f: Rⁿ → Rᵐ (f returns VectorXv, or Var for m = 1);
// u has m entries.
template <class F>
Eigen::VectorXd vjp(F&& f, const Eigen::VectorXd& x, const Eigen::VectorXd& u) {
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  auto [xv, y] = detail::record_at(tape, f, x);
  const VectorXv out = detail::outputs_of(std::move(y));
  detail::require_same_size("vjp", "the cotangent u", out.size(), u.size());
  const std::vector<double> weights(u.data(), u.data() + u.size());
  const Var s = linear_combination(std::span<const Var>(out.data(), out.size()), weights);
  tape.reverse(s);
  return detail::input_adjoints(tape, xv);
}

}  // namespace nabla
