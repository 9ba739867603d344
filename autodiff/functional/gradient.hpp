// The functional API: derivatives of plain callables at a point. Each call records f once on a
// fresh tape of its own (nesting is safe) and sweeps it in reverse.
//
//   auto f = [](const nabla::VectorXv& x) { return exp(x[0]) * x[1] * x[1]; };
//   Eigen::VectorXd g = nabla::gradient(f, Eigen::Vector2d(0, 1));   // (1, 2)
#pragma once

#include <Eigen/Core>
#include <concepts>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include <nabla/autodiff/core/scoped_tape.hpp>
#include <nabla/autodiff/core/tape.hpp>
#include <nabla/autodiff/functional/derivative.hpp>
#include <nabla/autodiff/matrix/mat.hpp>
#include <nabla/autodiff/scalar/eigen_support.hpp>
#include <nabla/autodiff/sweeps/tangent.hpp>

namespace nabla {

namespace detail {

template <class R>
constexpr bool is_plain_vector_v =
    std::is_base_of_v<Eigen::PlainObjectBase<std::decay_t<R>>, std::decay_t<R>>;

// Calls f on fresh independent variables for x; returns them and f's result.
template <class F>
auto record_at(Tape& tape, F& f, const Eigen::VectorXd& x) {
  static_assert(std::is_invocable_v<F&, const VectorXv&>,
                "nabla: f must be callable as f(const nabla::VectorXv&)");
  VectorXv xv(x.size());
  tape.variables(x.data(), static_cast<std::size_t>(x.size()), xv.data());
  auto y = std::invoke(f, std::as_const(xv));
  return std::pair<VectorXv, decltype(y)>(std::move(xv), std::move(y));
}

template <class R>
void require_scalar_result() {
  static_assert(std::is_same_v<std::decay_t<R>, Var>,
                "nabla: f must return nabla::Var (a double result would carry no derivative)");
}

// The inputs are the tape's first records (a fresh pooled tape), and inputs propagate
// nothing, so the sweep can stop where they begin.
inline void reverse_to_inputs(Tape& tape, const Var& y, const VectorXv& xv) {
  if (y.is_constant() || xv.size() == 0 || y.stamp() != tape.stamp() || xv[0].index() != 0 ||
      y.index() < static_cast<std::uint32_t>(xv.size())) {
    tape.reverse(y);  // the general path: checks and full sweep
    return;
  }
  tape.reverse_from(y.index(), 1.0, static_cast<std::uint32_t>(xv.size()));
}

inline Eigen::VectorXd input_adjoints(const Tape& tape, const VectorXv& xv) {
  Eigen::VectorXd g(xv.size());
  for (Eigen::Index i = 0; i < xv.size(); ++i) g[i] = tape.adjoint_at(xv[i].index());
  return g;
}

}  // namespace detail

// f(x) and ∇f(x) for f: Rⁿ → R written with Var.
template <class F>
requires(!detail::MatFunction<F>) std::pair<double, Eigen::VectorXd> value_and_gradient(
    F&& f, const Eigen::VectorXd& x) {
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  auto [xv, y] = detail::record_at(tape, f, x);
  detail::require_scalar_result<decltype(y)>();
  detail::reverse_to_inputs(tape, y, xv);
  return {y.value(), detail::input_adjoints(tape, xv)};
}

// Writes ∇f(x) into g (resized if needed) and returns f(x). Reuses its buffers across calls on
// a thread, so an optimizer loop allocates nothing once warm.
template <class F>
requires(!detail::MatFunction<F>) double value_and_gradient(F&& f, const Eigen::VectorXd& x,
                                                            Eigen::VectorXd& g) {
  static_assert(std::is_invocable_v<F&, const VectorXv&>,
                "nabla: f must be callable as f(const nabla::VectorXv&)");
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  // unique_ptr keeps each buffer in place while a nested call grows the list.
  thread_local std::vector<std::unique_ptr<VectorXv>> inputs_by_depth;
  const std::size_t depth = detail::pooled_tape_depth();
  while (inputs_by_depth.size() < depth) inputs_by_depth.push_back(std::make_unique<VectorXv>());
  VectorXv& xv = *inputs_by_depth[depth - 1];
  xv.resize(x.size());
  tape.variables(x.data(), static_cast<std::size_t>(x.size()), xv.data());
  const auto y = std::invoke(f, std::as_const(xv));
  detail::require_scalar_result<decltype(y)>();
  detail::reverse_to_inputs(tape, y, xv);
  g.resize(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i) g[i] = tape.adjoint_at(xv[i].index());
  return y.value();
}

// ∇f(x) for f: Rⁿ → R written with Var.
template <class F>
requires(!detail::MatFunction<F>) Eigen::VectorXd gradient(F&& f, const Eigen::VectorXd& x) {
  return value_and_gradient(std::forward<F>(f), x).second;
}

// The m×n Jacobian of f: Rⁿ → Rᵐ (f returns a VectorXv): one recording, then whichever needs
// fewer sweeps: one reverse sweep per output, or (n < m) one forward sweep per input. To choose
// yourself: jacobian(f, x, nabla::Mode::Forward / Reverse) from jvp.hpp.
template <class F>
requires(!detail::MatFunction<F>) Eigen::MatrixXd jacobian(F&& f, const Eigen::VectorXd& x) {
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  auto [xv, y] = detail::record_at(tape, f, x);
  using R = decltype(y);
  static_assert(detail::is_plain_vector_v<R>,
                "nabla::jacobian: f must return a plain nabla::VectorXv, not an Eigen "
                "expression (which may refer to locals of f that no longer exist): "
                "return a VectorXv or call .eval()");
  static_assert(std::is_same_v<typename std::decay_t<R>::Scalar, Var>,
                "nabla::jacobian: f must return a vector of nabla::Var");
  if (x.size() < y.size()) return forward_jacobian(tape, xv, VectorXv(y));
  Eigen::MatrixXd jac = Eigen::MatrixXd::Zero(y.size(), x.size());
  for (Eigen::Index k = 0; k < y.size(); ++k) {
    if (y[k].is_constant()) continue;
    detail::reverse_to_inputs(tape, y[k], xv);
    jac.row(k) = detail::input_adjoints(tape, xv).transpose();
  }
  return jac;
}

}  // namespace nabla

#include <nabla/autodiff/functional/mat_gradient.hpp>  // the same API for functions written on matrix nodes
