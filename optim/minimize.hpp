// minimize(f, x0, method, options): the entry point of nabla::optim.
//
//   auto f = [](const nabla::VectorXv& w) { return (w[0] - 1) * (w[0] - 1) + w[1] * w[1]; };
//   auto r = nabla::optim::minimize(f, Eigen::Vector2d(0, 1), nabla::optim::Adam{.lr = 0.1});
//
// f is either a callable const VectorXv& → Var (a full objective) or an optim::Objective such
// as FiniteSum (the two overloads are constrained so they never collide).
#pragma once

#include <concepts>
#include <type_traits>
#include <utility>

#include <nabla/optim/driver.hpp>
#include <nabla/optim/full_objective.hpp>

namespace nabla::optim {

template <class F>
concept FullObjectiveFunction =
    !std::derived_from<std::decay_t<F>, Objective> && std::invocable<F&, const VectorXv&>;

// A full objective written with nabla.
template <FullObjectiveFunction F>
Result minimize(F&& f, const Eigen::VectorXd& x0, const Method& method,
                const Options& options = {}) {
  FullObjective<std::decay_t<F>> objective(std::forward<F>(f));
  return run(objective, x0, method, options);
}

// A finite-sum (or any other) Objective.
template <class O>
requires std::derived_from<std::decay_t<O>, Objective> Result minimize(
    O& objective, const Eigen::VectorXd& x0, const Method& method, const Options& options = {}) {
  return run(objective, x0, method, options);
}

}  // namespace nabla::optim
