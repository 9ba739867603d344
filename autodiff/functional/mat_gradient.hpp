// The functional API (value_and_gradient, gradient, jacobian) for functions written on matrix
// nodes, chosen by the parameter type f declares: f(const nabla::Mat&) gets one matrix variable
// (a generic lambda keeps getting VectorXv); and value_and_gradients / gradients for a loss of
// several parameter blocks, differentiated in one sweep.
//
//   const nabla::Mat Xc = nabla::constant(X);
//   auto loss = [&](const nabla::Mat& w) { return nabla::mse(Xc * w, y); };
//   auto [q, g] = nabla::value_and_gradient(loss, w0);     // g = (2/l)·Xᵀ(Xw − y)
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cstddef>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <nabla/autodiff/core/scoped_tape.hpp>
#include <nabla/autodiff/core/tape.hpp>
#include <nabla/autodiff/functional/gradient.hpp>
#include <nabla/autodiff/matrix/mat.hpp>
#include <nabla/autodiff/sweeps/tangent.hpp>

namespace nabla {

namespace detail {
inline LeafNode& leaf_of(const Mat& m) { return static_cast<LeafNode&>(*m.node()); }
}  // namespace detail

template <class F, class Derived>
requires detail::MatFunction<F> std::pair<double, typename Derived::PlainObject> value_and_gradient(
    F&& f, const Eigen::MatrixBase<Derived>& x) {
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  const Mat xm = variable(x);
  auto y = std::invoke(f, xm);
  detail::require_scalar_result<decltype(y)>();
  detail::LeafNode& leaf = detail::leaf_of(xm);
  leaf.forget_gradient();
  tape.reverse(y);
  typename Derived::PlainObject g(x.rows(), x.cols());
  leaf.copy_gradient(g.data());
  return {y.value(), std::move(g)};
}

template <class F, class Derived>
requires detail::MatFunction<F>
typename Derived::PlainObject gradient(F&& f, const Eigen::MatrixBase<Derived>& x) {
  return value_and_gradient(std::forward<F>(f), x).second;
}

// The Jacobian of vec(f(X)) with respect to vec(X) (column-major), for f returning a Mat, from
// one recording: one reverse sweep per output entry (rows), or one tangent sweep per input
// entry (columns, carried through the matrix records' tangent hooks). Mode::Auto takes the
// fewer sweeps; Mode::Forward / Mode::Reverse choose.
template <class F, class Derived>
requires detail::MatFunction<F> Eigen::MatrixXd jacobian(F&& f, const Eigen::MatrixBase<Derived>& x,
                                                         Mode mode = Mode::Auto) {
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  const Mat xm = variable(x);
  const auto y = std::invoke(f, xm);
  static_assert(std::is_same_v<std::decay_t<decltype(y)>, Mat>,
                "nabla::jacobian: a function of a Mat must return a nabla::Mat");
  Eigen::MatrixXd jac = Eigen::MatrixXd::Zero(y.size(), x.size());
  if (y.is_constant()) return jac;
  detail::LeafNode& leaf = detail::leaf_of(xm);
  if (mode == Mode::Forward || (mode == Mode::Auto && x.size() < y.size())) {
    Eigen::MatrixXd direction = Eigen::MatrixXd::Zero(x.rows(), x.cols());
    std::vector<double> tangents(tape.size());
    for (Eigen::Index j = 0; j < x.size(); ++j) {
      direction(j) = 1.0;
      leaf.set_tangent(direction);
      direction(j) = 0.0;
      std::fill(tangents.begin(), tangents.end(), 0.0);
      tangent_sweep(tape, tangents.data());
      jac.col(j) = y.node()->tangent_matrix().reshaped();
    }
    return jac;
  }
  Eigen::MatrixXd seed = Eigen::MatrixXd::Zero(y.rows(), y.cols());
  for (Eigen::Index k = 0; k < y.size(); ++k) {
    seed(k) = 1.0;
    y.node()->set_adjoint(seed);
    seed(k) = 0.0;
    leaf.forget_gradient();
    tape.reverse_from(y.record().index(), 0.0);
    jac.row(k) = leaf.gradient().reshaped().transpose();
  }
  return jac;
}

// --- Several parameter blocks -----------------------------------------------------------------
// f(const Mat& b1, const Mat& b2, …) returning a Var, differentiated with respect to every
// block in one reverse sweep; the gradients come back in order, each with its block's shape:
//
//   auto loss = [&](const Mat& W1, const Mat& b1, const Mat& W2, const Mat& b2) { … };
//   auto [value, g] = nabla::value_and_gradients(loss, W1, b1, W2, b2);   // g[0] is ∂/∂W1
//   auto [gW1, gb1, gW2, gb2] = nabla::gradients(loss, W1, b1, W2, b2);

namespace detail {
template <class F, class... Blocks>
concept MatFunctionOfBlocks =
    (sizeof...(Blocks) >= 1) &&
    std::is_invocable_v<F&, std::conditional_t<true, const Mat&, Blocks>...>;
}  // namespace detail

template <class F, class... Blocks>
requires detail::MatFunctionOfBlocks<F, Blocks...>
    std::pair<double, std::array<Eigen::MatrixXd, sizeof...(Blocks)>> value_and_gradients(
        F&& f, const Blocks&... blocks) {
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  const std::array<Mat, sizeof...(Blocks)> xs{variable(blocks)...};
  auto y = std::apply([&f](const auto&... m) { return std::invoke(f, m...); }, xs);
  detail::require_scalar_result<decltype(y)>();
  for (const Mat& m : xs) detail::leaf_of(m).forget_gradient();
  tape.reverse(y);
  std::array<Eigen::MatrixXd, sizeof...(Blocks)> g;
  for (std::size_t k = 0; k < xs.size(); ++k) g[k] = detail::leaf_of(xs[k]).take_gradient();
  return {y.value(), std::move(g)};
}

template <class F, class... Blocks>
requires detail::MatFunctionOfBlocks<F, Blocks...> std::array<Eigen::MatrixXd, sizeof...(Blocks)>
gradients(F&& f, const Blocks&... blocks) {
  return value_and_gradients(std::forward<F>(f), blocks...).second;
}

}  // namespace nabla
