#include <nabla/optim/search/differential_evolution.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/run/random.hpp>
#include <nabla/optim/search/box.hpp>

namespace nabla::optim {

void DifferentialEvolution::solve(SolverRun& run) const {
  if (popsize <= 0 || max_iterations <= 0 || max_evaluations < 0 || !(mutation_min >= 0.0) ||
      !(mutation_max >= mutation_min) || !(mutation_max <= 2.0) ||
      !(recombination >= 0.0 && recombination <= 1.0) || !(tol >= 0.0) || !(atol >= 0.0))
    throw Error(fmt::format(
        "nabla::optim::DifferentialEvolution: need popsize = {} > 0, max_iterations = {} > 0, "
        "max_evaluations = {} >= 0, 0 <= mutation_min = {} <= mutation_max = {} <= 2, "
        "recombination = {} in [0, 1], tol = {} >= 0 and atol = {} >= 0",
        popsize, max_iterations, max_evaluations, mutation_min, mutation_max, recombination, tol,
        atol));
  const detail::Box box = detail::validated_box("DifferentialEvolution", lower, upper, run.x0());
  const Eigen::Index n = run.size();
  const std::size_t members =
      std::max<std::size_t>(5, static_cast<std::size_t>(popsize) * static_cast<std::size_t>(n));
  const std::int64_t budget =
      max_evaluations > 0 ? max_evaluations : std::numeric_limits<std::int64_t>::max();
  const bool has_gradient = run.objective_capabilities().has(Capability::Gradient);
  Rng rng(run.options().seed);
  detail::BoxEvaluator eval(run, budget);
  const Eigen::VectorXd width = box.width();
  // Members live in the unit cube, as scipy's; scaled into the box to be evaluated.
  auto scaled = [&](const Eigen::VectorXd& u) {
    return (box.lower.array() + u.array() * width.array()).matrix().eval();
  };
  std::vector<Eigen::VectorXd> pop(members, Eigen::VectorXd(n));
  if (latin_hypercube) {  // one member in each of `members` strata, per coordinate
    const double segment = 1.0 / static_cast<double>(members);
    std::vector<std::size_t> order(members);
    for (Eigen::Index j = 0; j < n; ++j) {
      for (std::size_t i = 0; i < members; ++i) order[i] = i;
      for (std::size_t i = members - 1; i > 0; --i)  // Fisher–Yates
        std::swap(order[i], order[rng.below(i + 1)]);
      for (std::size_t i = 0; i < members; ++i)
        pop[i][j] = segment * (static_cast<double>(order[i]) + rng.uniform());
    }
  } else {
    for (auto& m : pop)
      for (Eigen::Index j = 0; j < n; ++j) m[j] = rng.uniform();
  }
  pop[0] = ((run.x0() - box.lower).array() / width.array()).matrix();
  std::vector<double> energy(members, std::numeric_limits<double>::infinity());
  const std::string own_budget = fmt::format("max_evaluations = {}", max_evaluations);
  try {
    for (std::size_t i = 0; i < members; ++i) energy[i] = eval(scaled(pop[i]));
    // The best member is kept at index 0.
    const auto lowest =
        static_cast<std::size_t>(std::min_element(energy.begin(), energy.end()) - energy.begin());
    std::swap(pop[0], pop[lowest]);
    std::swap(energy[0], energy[lowest]);
    if (run.start(scaled(pop[0]), energy[0], Eigen::VectorXd())) return;
    Eigen::VectorXd trial(n), mutant(n);
    std::string why;
    StopReason reason = StopReason::MaxIterations;
    for (int generation = 1;; ++generation) {
      const double f_scale = mutation_min + (mutation_max - mutation_min) * rng.uniform();
      for (std::size_t c = 0; c < members; ++c) {
        // best1bin: two distinct members other than c.
        std::size_t r0 = rng.below(members - 1);
        if (r0 >= c) ++r0;
        std::size_t r1 = rng.below(members - 2);
        for (const std::size_t taken : {std::min(c, r0), std::max(c, r0)})
          if (r1 >= taken) ++r1;
        const auto fill = static_cast<Eigen::Index>(rng.below(static_cast<std::uint64_t>(n)));
        mutant = pop[0] + f_scale * (pop[r0] - pop[r1]);
        trial = pop[c];
        for (Eigen::Index j = 0; j < n; ++j)
          if (rng.uniform() < recombination || j == fill) trial[j] = mutant[j];
        for (Eigen::Index j = 0; j < n; ++j)
          if (trial[j] < 0.0 || trial[j] > 1.0) trial[j] = rng.uniform();
        const double e = eval(scaled(trial));
        if (e <= energy[c]) {
          pop[c] = trial;
          energy[c] = e;
          if (e <= energy[0]) {
            pop[0] = trial;
            energy[0] = e;
          }
        }
      }
      if (eval.report()) return;
      bool finite = true;
      double mean = 0.0;
      for (const double e : energy) {
        finite = finite && std::isfinite(e);
        mean += e;
      }
      mean /= static_cast<double>(members);
      double var = 0.0;
      for (const double e : energy) var += (e - mean) * (e - mean);
      const double spread = finite ? std::sqrt(var / static_cast<double>(members)) : 0.0;
      if (finite && spread <= atol + tol * std::abs(mean)) {
        reason = StopReason::Converged;
        why = fmt::format(
            "generation {}: the population's values spread std(f) = {:.3g} <= atol + "
            "tol·|mean f| = {:.3g}",
            generation, spread, atol + tol * std::abs(mean));
        break;
      }
      if (generation >= max_iterations) {
        why = fmt::format("{} generations (max_iterations)", generation);
        break;
      }
    }
    if (polish) {
      const detail::LocalMinimum m =
          detail::box_local_search(eval, box, has_gradient, scaled(pop[0]), 1000);
      why += m.value < energy[0]
                 ? fmt::format("; polished by L-BFGS-B{} to f = {:.10g}",
                               has_gradient ? "" : " (forward differences)", m.value)
                 : "; L-BFGS-B's polish did not improve it";
      if (eval.best_value() < energy[0] && eval.report()) return;
    }
    run.stop(reason, why);
  } catch (const detail::OutOfBudget&) {
    eval.stop_out_of_budget(own_budget);
  }
}

}  // namespace nabla::optim
