// vjp(f, x, u) = uᵀ·J_f(x) by reverse mode: f is recorded once, the outputs are combined into
// s = Σ uₖ·yₖ (one linear record) and a single reverse sweep from s gives uᵀJ — the Jacobian
// applied from the left, never formed.
#pragma once

#include <Eigen/Core>
#include <span>
#include <vector>

#include <nabla/autodiff/functional/jvp.hpp>
#include <nabla/autodiff/scalar/linear.hpp>

namespace nabla {

// uᵀ·J_f(x) (as a column of n entries) for f: Rⁿ → Rᵐ (f returns VectorXv, or Var for m = 1);
// u has m entries.
template <class F>
requires(!detail::MatFunction<F>) Eigen::VectorXd
    vjp(F&& f, const Eigen::VectorXd& x, const Eigen::VectorXd& u) {
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

// uᵀ·J for f(const nabla::Mat&) returning a Mat or a Var, at any Eigen matrix X, in the vec
// convention of jacobian(f, X): u has f(X).size() entries (vec(U), column-major; 1 for a Var),
// the result X.size(). One reverse sweep seeded with U at the output record.
template <class F, class Dx, class Du>
requires detail::MatFunction<F> Eigen::VectorXd vjp(F&& f, const Eigen::MatrixBase<Dx>& x,
                                                    const Eigen::MatrixBase<Du>& u) {
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  const Mat xm = variable(x);
  const auto y = std::invoke(f, xm);
  using R = std::decay_t<decltype(y)>;
  static_assert(std::is_same_v<R, Mat> || std::is_same_v<R, Var>,
                "nabla::vjp: a function of a Mat must return a nabla::Mat or a nabla::Var");
  detail::LeafNode& leaf = detail::leaf_of(xm);
  leaf.forget_gradient();
  if constexpr (std::is_same_v<R, Var>) {
    detail::require_same_size("vjp", "the cotangent u", 1, u.size());
    if (!y.is_constant()) tape.reverse(y, u.reshaped()(0));
  } else {
    detail::require_same_size("vjp", "the cotangent u", y.size(), u.size());
    if (!y.is_constant()) {
      Eigen::MatrixXd seed(y.rows(), y.cols());
      seed.reshaped() = u.reshaped();
      y.node()->set_adjoint(seed);
      tape.reverse_from(y.record().index(), 0.0);
    }
  }
  Eigen::VectorXd g(x.size());
  leaf.copy_gradient(g.data());
  return g;
}

}  // namespace nabla
