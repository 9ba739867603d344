// minimize(f, x0, method, options): the entry point of nabla::optim.
//
//   auto f = [](const nabla::VectorXv& w) { return (w[0] - 1) * (w[0] - 1) + w[1] * w[1]; };
//   auto r = nabla::optim::minimize(f, Eigen::Vector2d(0, 1), nabla::optim::Adam{.lr = 0.1});
//
// f is either a callable const VectorXv& → Var (a full objective) or an optim::Objective such
// as FiniteSum (the overloads are constrained so they never collide). The method is a step
// rule or a solver, built-in or the user's own, or a Method holding one. When both the
// objective's and the method's types are known here, a method that needs what the objective
// cannot give (a Hessian from a finite sum) is a compile-time error naming it.
#pragma once

#include <concepts>
#include <type_traits>
#include <utility>

#include <nabla/optim/method.hpp>
#include <nabla/optim/objectives/full_objective.hpp>
#include <nabla/optim/objectives/value_objective.hpp>

namespace nabla::optim {

template <class F>
concept FullObjectiveFunction =
    !std::derived_from<std::decay_t<F>, Objective> && std::invocable<F&, const VectorXv&> &&
    // A function of Eigen::VectorXd returning double is value-only (Eigen would convert the
    // VectorXv argument through Var's conversion): ValueObjective, below.
    (std::same_as<std::invoke_result_t<F&, const VectorXv&>, Var> ||
     !std::invocable<F&, const Eigen::VectorXd&>);

namespace detail {
// What an objective type provides whatever its values: O::static_capabilities when it says.
template <class O>
constexpr bool has_static_capabilities = requires {
  O::static_capabilities;
};

template <class O, class M>
constexpr void check_capabilities() {
  if constexpr (has_static_capabilities<O>) {
    constexpr Capabilities have = O::static_capabilities;
    constexpr Capabilities need = needs_of<M>();
    static_assert(!need.has(Capability::Value) || have.has(Capability::Value),
                  "nabla::optim::minimize: the method needs the objective's value, which this "
                  "objective type does not provide");
    static_assert(!need.has(Capability::Gradient) || have.has(Capability::Gradient),
                  "nabla::optim::minimize: the method needs the gradient, which this objective "
                  "type does not provide");
    static_assert(!need.has(Capability::HessianVector) || have.has(Capability::HessianVector),
                  "nabla::optim::minimize: the method needs the Hessian-vector product, which "
                  "this objective type does not provide");
    static_assert(!need.has(Capability::Hessian) || have.has(Capability::Hessian),
                  "nabla::optim::minimize: the method needs the Hessian, which this objective "
                  "type does not provide");
    static_assert(!need.has(Capability::FiniteSum) || have.has(Capability::FiniteSum),
                  "nabla::optim::minimize: the method needs batches of a finite sum, which this "
                  "objective type does not provide");
  }
}
}  // namespace detail

// A full objective written with nabla.
template <FullObjectiveFunction F>
Result minimize(F&& f, const Eigen::VectorXd& x0, const Method& method,
                const Options& options = {}) {
  FullObjective<std::decay_t<F>> objective(std::forward<F>(f));
  return run(objective, x0, method, options);
}

// The same, with the method's type known: its needs are checked at compile time.
template <FullObjectiveFunction F, detail::MethodType M>
Result minimize(F&& f, const Eigen::VectorXd& x0, M&& method, const Options& options = {}) {
  detail::check_capabilities<FullObjective<std::decay_t<F>>, std::decay_t<M>>();
  FullObjective<std::decay_t<F>> objective(std::forward<F>(f));
  return run(objective, x0, Method(std::forward<M>(method)), options);
}

// A function of values only (const Eigen::VectorXd& → double): zero-order and global methods.
// A generic lambda that nabla can record goes to the overloads above.
template <class F>
requires(ValueFunction<F> && !FullObjectiveFunction<F>) Result
    minimize(F&& f, const Eigen::VectorXd& x0, const Method& method, const Options& options = {}) {
  ValueObjective<std::decay_t<F>> objective(std::forward<F>(f), options.dimension);
  return run(objective, x0, method, options);
}

template <class F, detail::MethodType M>
requires(ValueFunction<F> && !FullObjectiveFunction<F>) Result
    minimize(F&& f, const Eigen::VectorXd& x0, M&& method, const Options& options = {}) {
  detail::check_capabilities<ValueObjective<std::decay_t<F>>, std::decay_t<M>>();
  ValueObjective<std::decay_t<F>> objective(std::forward<F>(f), options.dimension);
  return run(objective, x0, Method(std::forward<M>(method)), options);
}

// A finite-sum (or any other) Objective.
template <class O>
requires std::derived_from<std::decay_t<O>, Objective> Result minimize(
    O& objective, const Eigen::VectorXd& x0, const Method& method, const Options& options = {}) {
  return run(objective, x0, method, options);
}

template <class O, detail::MethodType M>
requires std::derived_from<std::decay_t<O>, Objective> Result
minimize(O& objective, const Eigen::VectorXd& x0, M&& method, const Options& options = {}) {
  detail::check_capabilities<std::decay_t<O>, std::decay_t<M>>();
  return run(objective, x0, Method(std::forward<M>(method)), options);
}

}  // namespace nabla::optim
