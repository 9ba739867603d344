// A real-coded genetic algorithm in the box (Eshelman & Schaffer 1993; Deb 2001, ch. 4): a
// population (x0 and uniform random points) evolves by tournament selection (the best of
// `tournament` random members, 2 or 3), blend crossover BLX-α (each coordinate of the child
// uniform in [min − α·d, max + α·d] of its parents', d = |difference|, clipped to the box),
// Gaussian mutation of each coordinate with probability mutation_rate (1/n by default) with a
// σ relative to the box width that decays geometrically from mutation_sigma to final_sigma over
// max_generations, and elitism (the best `elite` members survive unchanged). Stops after
// max_generations, or when the best has not improved for `stall_generations`. The box is
// required and x0 must lie in it; seeded by Options::seed. A NaN value counts as +∞.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <string_view>

#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

struct GeneticAlgorithm {
  static constexpr std::string_view name = "genetic_algorithm";
  static constexpr Capabilities needs = Capability::Value;
  static constexpr bool descent = false;
  Eigen::VectorXd lower = {};  // the box: size n, or 1 for every coordinate (required)
  Eigen::VectorXd upper = {};
  int population = 50;               // members
  int max_generations = 1000;        // generations
  std::int64_t max_evaluations = 0;  // 0: no limit of its own
  int tournament = 2;                // selection: the best of 2 (or 3) random members
  double alpha = 0.5;                // BLX-α
  double crossover_rate = 0.9;       // a child is a blend with this probability, else a copy
  double mutation_rate = 0.0;        // per coordinate; 0: 1/n
  double mutation_sigma = 0.1;       // σ of the mutation at the first generation, × box width
  double final_sigma = 1e-4;         // … and at max_generations (geometric decay)
  int elite = 2;                     // best members kept unchanged
  int stall_generations = 300;       // stop when the best has not improved (0: never)

  void solve(SolverRun& run) const;
};

}  // namespace nabla::optim
