// The line search a solver takes, chosen by value: strong Wolfe (Moré–Thuente, the default of
// the quasi-Newton solvers: their updates need the curvature condition) or backtracking Armijo
// (value evaluations only). Every solver with a line search has a `line_search` field of this
// type, so a method name's parameters select it as text: line_search=armijo.
#pragma once

#include <string_view>

#include <nabla/optim/line_search/backtracking.hpp>
#include <nabla/optim/line_search/line_function.hpp>
#include <nabla/optim/line_search/more_thuente.hpp>

namespace nabla::optim {

struct LineSearch {
  enum class Kind { StrongWolfe, Armijo };
  Kind kind = Kind::StrongWolfe;
  MoreThuente strong_wolfe = {};
  Backtracking armijo = {};

  static LineSearch wolfe(MoreThuente s = {}) { return {Kind::StrongWolfe, s, {}}; }
  static LineSearch backtracking(Backtracking s = {}) { return {Kind::Armijo, {}, s}; }

  void validate() const {
    if (kind == Kind::StrongWolfe)
      strong_wolfe.validate();
    else
      armijo.validate();
  }
  LineSearchOutcome search(LineFunction& phi, double alpha0) const {
    return kind == Kind::StrongWolfe ? strong_wolfe.search(phi, alpha0)
                                     : armijo.search(phi, alpha0);
  }
  [[nodiscard]] std::string_view name() const noexcept {
    return kind == Kind::StrongWolfe ? "strong_wolfe" : "armijo";
  }
};

}  // namespace nabla::optim
