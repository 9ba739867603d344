// jvp(f, x, v) = J_f(x)·v by forward mode: f is recorded once and one tangent sweep carries v
// through the recording (the Jacobian applied from the right, never formed).
//
//   auto f = [](const nabla::VectorXv& x) { nabla::VectorXv y(2); y << x[0] * x[1], -x[1]; return
//   y; }; Eigen::VectorXd jv = nabla::jvp(f, Eigen::Vector2d(1, 2), Eigen::Vector2d(1, 0));  // (2,
//   0)
#pragma once

#include <Eigen/Core>
#include <type_traits>
#include <vector>

#include <nabla/autodiff/core/error.hpp>
#include <nabla/autodiff/functional/gradient.hpp>
#include <nabla/autodiff/sweeps/tangent.hpp>

namespace nabla {

namespace detail {

// The outputs of f as a vector of Var: a Var result is a vector of one.
template <class R>
VectorXv outputs_of(R&& y) {
  if constexpr (std::is_same_v<std::decay_t<R>, Var>) {
    VectorXv out(1);
    out[0] = y;
    return out;
  } else {
    static_assert(is_plain_vector_v<R>,
                  "nabla: f must return nabla::Var or a plain nabla::VectorXv, not an Eigen "
                  "expression (which may refer to locals of f that no longer exist): return a "
                  "VectorXv or call .eval()");
    static_assert(std::is_same_v<typename std::decay_t<R>::Scalar, Var>,
                  "nabla: f must return a vector of nabla::Var");
    return VectorXv(std::forward<R>(y));
  }
}

}  // namespace detail

// J_f(x)·v for f: Rⁿ → Rᵐ (f returns VectorXv, or Var for m = 1); v has n entries.
template <class F>
requires(!detail::MatFunction<F>) Eigen::VectorXd
    jvp(F&& f, const Eigen::VectorXd& x, const Eigen::VectorXd& v) {
  detail::require_same_size("jvp", "the direction v", x.size(), v.size());
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  auto [xv, y] = detail::record_at(tape, f, x);
  const VectorXv out = detail::outputs_of(std::move(y));
  for (const Var& yk : out) tape.require_recorded_here(yk, "nabla::jvp");
  std::vector<double> tangents(tape.size(), 0.0);
  for (Eigen::Index i = 0; i < x.size(); ++i) tangents[xv[i].index()] = v[i];
  tangent_sweep(tape, tangents.data());
  Eigen::VectorXd jv = Eigen::VectorXd::Zero(out.size());
  for (Eigen::Index k = 0; k < out.size(); ++k)
    if (!out[k].is_constant()) jv[k] = tangents[out[k].index()];
  return jv;
}

// J·v for f(const nabla::Mat&) returning a Mat or a Var, at any Eigen matrix X: the
// derivative of vec(f(X)) along vec(V) (column-major, as jacobian(f, X)); v has X.size()
// entries, the result f(X).size() (1 for a Var). The direction is the tangent of the matrix
// variable, carried through the matrix records by their tangent hooks.
template <class F, class Dx, class Dv>
requires detail::MatFunction<F> Eigen::VectorXd jvp(F&& f, const Eigen::MatrixBase<Dx>& x,
                                                    const Eigen::MatrixBase<Dv>& v) {
  detail::require_same_size("jvp", "the direction v", x.size(), v.size());
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  const Mat xm = variable(x);
  const auto y = std::invoke(f, xm);
  using R = std::decay_t<decltype(y)>;
  static_assert(std::is_same_v<R, Mat> || std::is_same_v<R, Var>,
                "nabla::jvp: a function of a Mat must return a nabla::Mat or a nabla::Var");
  if constexpr (std::is_same_v<R, Var>)
    tape.require_recorded_here(y, "nabla::jvp");
  else if (!y.is_constant())
    tape.require_recorded_here(y.record(), "nabla::jvp");
  Eigen::MatrixXd direction(x.rows(), x.cols());
  direction.reshaped() = v.reshaped();
  detail::leaf_of(xm).set_tangent(direction);
  std::vector<double> tangents(tape.size(), 0.0);
  tangent_sweep(tape, tangents.data());
  if constexpr (std::is_same_v<R, Var>) {
    return Eigen::VectorXd::Constant(1, y.is_constant() ? 0.0 : tangents[y.index()]);
  } else {
    if (y.is_constant()) return Eigen::VectorXd::Zero(y.size());
    return y.node()->tangent_matrix().reshaped();
  }
}

// The m×n Jacobian of f: Rⁿ → Rᵐ from one recording, by n tangent sweeps (Mode::Forward,
// columns J·eⱼ) or m adjoint sweeps (Mode::Reverse, rows eₖᵀ·J); Mode::Auto takes the fewer.
//   nabla::jacobian(f, x, nabla::Mode::Forward)
template <class F>
requires(!detail::MatFunction<F>) Eigen::MatrixXd
    jacobian(F&& f, const Eigen::VectorXd& x, Mode mode) {
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  auto [xv, y] = detail::record_at(tape, f, x);
  const VectorXv out = detail::outputs_of(std::move(y));
  const bool forward = mode == Mode::Forward || (mode == Mode::Auto && x.size() < out.size());
  if (forward) return forward_jacobian(tape, xv, out);
  Eigen::MatrixXd jac = Eigen::MatrixXd::Zero(out.size(), x.size());
  for (Eigen::Index k = 0; k < out.size(); ++k) {
    if (out[k].is_constant()) continue;
    tape.reverse(out[k]);
    jac.row(k) = detail::input_adjoints(tape, xv).transpose();
  }
  return jac;
}

}  // namespace nabla
