// Differential evolution (Storn & Price 1997), as scipy 1.10's differential_evolution at its
// defaults: a population of popsize·n points (at least 5) in the box, Latin-hypercube
// initialised with x0 as its first member; each generation, for every member, the trial
// "best1bin" — the best member plus F·(x_r0 − x_r1) for two other random members, F drawn
// uniformly in [mutation_min, mutation_max) once per generation (dithering), taken
// coordinate-wise with probability `recombination` (at least one coordinate) — replaces the
// member when it is no worse ("immediate" updating); coordinates leaving the box are redrawn
// uniformly. Converged when std(f) ≤ atol + tol·|mean(f)| over the population. Then (polish) a
// bounded L-BFGS-B from the best member: with the objective's gradient when it has one, else with
// forward differences as scipy does; its evaluations count in the run. The box is required and
// x0 must lie in it; seeded by Options::seed. A NaN value counts as +∞.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <string_view>

#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

struct DifferentialEvolution {
  static constexpr std::string_view name = "differential_evolution";
  static constexpr Capabilities needs = Capability::Value;
  static constexpr bool descent = false;
  Eigen::VectorXd lower = {};  // the box: size n, or 1 for every coordinate (required)
  Eigen::VectorXd upper = {};
  int popsize = 15;                  // the population is popsize·n members (at least 5)
  int max_iterations = 1000;         // generations (scipy's maxiter)
  std::int64_t max_evaluations = 0;  // 0: no limit of its own (scipy's maxfun = inf)
  double mutation_min = 0.5;         // F ~ U[mutation_min, mutation_max) per generation;
  double mutation_max = 1.0;         // equal values: a constant F
  double recombination = 0.7;        // crossover probability CR
  double tol = 0.01;                 // relative spread of the values at which it has converged
  double atol = 0.0;                 // absolute spread
  bool latin_hypercube = true;       // false: a uniform random initial population
  bool polish = true;                // a bounded L-BFGS-B from the best member at the end

  void solve(SolverRun& run) const;
};

}  // namespace nabla::optim
