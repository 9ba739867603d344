// The contract of a solver (the second tier of methods): a struct with its parameters as fields
// and one member that owns the loop,
//   void solve(SolverRun& run) const;
// evaluating through run (counted), reporting each accepted iterate with run.accept and ending
// with run.stop when its own test ends the run (solvers/solver_run.hpp shows the loop).
// Optionally a static `name` (its method_name) and a static `needs` (capabilities.hpp; value
// and gradient when absent): minimize checks them against the objective before the first
// evaluation, at compile time when the objective's type says what it has.
#pragma once

#include <concepts>

#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

template <class S>
concept Solver = requires(const S& s, SolverRun& run) {
  { s.solve(run) } -> std::same_as<void>;
};

namespace detail {
// A rule's or solver's declared needs, value and gradient by default.
template <class M>
constexpr Capabilities needs_of() {
  if constexpr (requires { M::needs; })
    return Capabilities(M::needs);
  else
    return Capability::Value | Capability::Gradient;
}
// A solver's static `descent` (false for zero-order and global methods: a worse trial is not
// divergence); true when absent.
template <class M>
constexpr bool descent_of() {
  if constexpr (requires { M::descent; })
    return static_cast<bool>(M::descent);
  else
    return true;
}
}  // namespace detail

}  // namespace nabla::optim
