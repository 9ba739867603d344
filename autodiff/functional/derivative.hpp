// f'(x) for a function of one variable — where the lectures start. Needs no Eigen.
#pragma once

#include <functional>
#include <type_traits>

#include <nabla/autodiff/core/scoped_tape.hpp>
#include <nabla/autodiff/core/tape.hpp>
#include <nabla/autodiff/core/var.hpp>

namespace nabla {

// f'(x) for f: R → R written with Var.
template <class F>
double derivative(F&& f, double x) {
  static_assert(std::is_invocable_v<F&, Var>, "nabla::derivative: f must be callable as f(Var)");
  static_assert(std::is_same_v<std::decay_t<std::invoke_result_t<F&, Var>>, Var>,
                "nabla::derivative: f must return nabla::Var (a double result would carry no "
                "derivative)");
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  const Var xv = tape.variable(x);
  const Var y = std::invoke(f, xv);
  tape.reverse(y);
  return tape.adjoint(xv);
}

}  // namespace nabla
