#include <nabla/optim/search/genetic_algorithm.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/run/random.hpp>
#include <nabla/optim/search/box.hpp>

namespace nabla::optim {

void GeneticAlgorithm::solve(SolverRun& run) const {
  if (population < 4 || max_generations <= 0 || max_evaluations < 0 || tournament < 2 ||
      tournament > 3 || !(alpha >= 0.0) || !(crossover_rate >= 0.0 && crossover_rate <= 1.0) ||
      !(mutation_rate >= 0.0 && mutation_rate <= 1.0) || !(mutation_sigma > 0.0) ||
      !(final_sigma > 0.0) || elite < 0 || elite >= population || stall_generations < 0)
    throw Error(fmt::format(
        "nabla::optim::GeneticAlgorithm: need population = {} >= 4, max_generations = {} > 0, "
        "max_evaluations = {} >= 0, tournament = {} of 2 or 3, alpha = {} >= 0, crossover_rate "
        "= {} and mutation_rate = {} in [0, 1], mutation_sigma = {} and final_sigma = {} > 0, "
        "0 <= elite = {} < population and stall_generations = {} >= 0",
        population, max_generations, max_evaluations, tournament, alpha, crossover_rate,
        mutation_rate, mutation_sigma, final_sigma, elite, stall_generations));
  const detail::Box box = detail::validated_box("GeneticAlgorithm", lower, upper, run.x0());
  const Eigen::Index n = run.size();
  const auto members = static_cast<std::size_t>(population);
  const std::int64_t budget =
      max_evaluations > 0 ? max_evaluations : std::numeric_limits<std::int64_t>::max();
  const double p_mutate = mutation_rate > 0.0 ? mutation_rate : 1.0 / static_cast<double>(n);
  const double decay =
      std::pow(final_sigma / mutation_sigma, 1.0 / std::max(1, max_generations - 1));
  const Eigen::VectorXd width = box.width();
  Rng rng(run.options().seed);
  detail::BoxEvaluator eval(run, budget);
  std::vector<Eigen::VectorXd> pop(members, run.x0()), next(members);
  for (std::size_t i = 1; i < members; ++i)
    for (Eigen::Index j = 0; j < n; ++j) pop[i][j] = box.lower[j] + rng.uniform() * width[j];
  std::vector<double> fit(members), next_fit(members);
  std::vector<std::size_t> rank(members);
  auto sort_ranks = [&] {
    std::iota(rank.begin(), rank.end(), 0);
    std::stable_sort(rank.begin(), rank.end(),
                     [&](std::size_t a, std::size_t b) { return fit[a] < fit[b]; });
  };
  auto select = [&] {
    std::size_t best = rng.below(members);
    for (int k = 1; k < tournament; ++k) {
      const std::size_t other = rng.below(members);
      if (fit[other] < fit[best]) best = other;
    }
    return best;
  };
  const std::string own_budget = fmt::format("max_evaluations = {}", max_evaluations);
  try {
    for (std::size_t i = 0; i < members; ++i) fit[i] = eval(pop[i]);
    sort_ranks();
    if (run.start(pop[rank[0]], fit[rank[0]], Eigen::VectorXd())) return;
    double sigma = mutation_sigma;
    double best = fit[rank[0]];
    int stalled = 0;
    for (int generation = 1;; ++generation) {
      const auto kept = static_cast<std::size_t>(elite);
      for (std::size_t i = 0; i < kept; ++i) {
        next[i] = pop[rank[i]];
        next_fit[i] = fit[rank[i]];
      }
      for (std::size_t i = kept; i < members; ++i) {
        const Eigen::VectorXd& a = pop[select()];
        const Eigen::VectorXd& b = pop[select()];
        Eigen::VectorXd child = a;
        if (rng.uniform() < crossover_rate)
          for (Eigen::Index j = 0; j < n; ++j) {
            const double lo = std::min(a[j], b[j]), d = std::abs(a[j] - b[j]);
            child[j] = lo - alpha * d + rng.uniform() * (1.0 + 2.0 * alpha) * d;
          }
        for (Eigen::Index j = 0; j < n; ++j) {
          if (rng.uniform() < p_mutate) child[j] += sigma * width[j] * rng.normal();
          child[j] = std::clamp(child[j], box.lower[j], box.upper[j]);
        }
        next_fit[i] = eval(child);
        next[i] = std::move(child);
      }
      pop.swap(next);
      fit.swap(next_fit);
      sort_ranks();
      sigma *= decay;
      if (eval.report()) return;
      if (fit[rank[0]] < best) {
        best = fit[rank[0]];
        stalled = 0;
      } else if (++stalled >= stall_generations && stall_generations > 0) {
        run.stop(StopReason::Converged,
                 fmt::format("the best (f = {:.10g}) has not improved for {} generations "
                             "(stall_generations)",
                             best, stalled));
        return;
      }
      if (generation >= max_generations) {
        run.stop(
            StopReason::MaxIterations,
            fmt::format("{} generations (max_generations); best f = {:.10g}", generation, best));
        return;
      }
    }
  } catch (const detail::OutOfBudget&) {
    eval.stop_out_of_budget(own_budget);
  }
}

}  // namespace nabla::optim
