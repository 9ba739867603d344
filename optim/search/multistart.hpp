// Multistart (000_…txt: "run several times from different points, keep the best"): N start points
// drawn from a box or from the user's distribution, one local run of any method from each, run in
// parallel on the optim thread pool, the best kept and the distinct local minima reported.
//
//   auto r = opt::multistart(himmelblau, opt::LBFGS{},
//                            {.starts = 20, .lower = Eigen::Vector2d(-5, -5),
//                             .upper = Eigen::Vector2d(5, 5), .seed = 1});
//   r.x, r.value, r.minima  // the best point; every distinct minimum with the starts that found it
//
// Reproducible whatever the thread count: the start points are drawn in order from one Rng(seed)
// before any run, run k gets Options::seed + k, and each worker runs on its own copy of the
// objective (Objective::clone()); an objective that cannot be copied runs its starts one after
// another, with a one-line notice (MultistartResult::notice, and stderr). Callbacks in Options
// are called under one lock, so a callback never runs on two threads at once.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nabla/optim/method.hpp>
#include <nabla/optim/minimize.hpp>
#include <nabla/optim/objectives/full_objective.hpp>
#include <nabla/optim/objectives/objective.hpp>
#include <nabla/optim/objectives/value_objective.hpp>
#include <nabla/optim/parallel/thread_pool.hpp>
#include <nabla/optim/run/options.hpp>
#include <nabla/optim/run/random.hpp>
#include <nabla/optim/run/result.hpp>

namespace nabla::optim {

struct MultistartOptions {
  int starts = 20;
  // The box the starts are drawn from, uniformly (size n, or 1 for every coordinate). Ignored
  // when `sample` is set.
  Eigen::VectorXd lower = {}, upper = {};
  // A start distribution instead of the box: called `starts` times, in order, with the Rng.
  std::function<Eigen::VectorXd(Rng&)> sample = {};
  std::uint64_t seed = 0;
  // Two minima are one when ‖x − y‖∞ ≤ distinct_tolerance·max(1, ‖y‖∞).
  double distinct_tolerance = 1e-4;
  // Workers to use (0: the whole pool); the pool (nullptr: ThreadPool::shared()).
  unsigned threads = 0;
  ThreadPool* pool = nullptr;
};

struct LocalMinimum {
  Eigen::VectorXd x;        // the best run's point among those that reached it
  double value = 0.0;       // its value
  std::vector<int> starts;  // the starts (indices into MultistartResult::runs) that reached it
};

struct MultistartResult {
  Eigen::VectorXd x;  // the best point over all runs, and its value
  double value = 0.0;
  int best_start = -1;
  std::vector<Eigen::VectorXd> start_points;
  std::vector<Result> runs;          // one per start, in start order
  std::vector<LocalMinimum> minima;  // distinct minima, best first (finite values only)
  Evaluations evaluations;           // summed over the runs
  unsigned threads = 1;              // workers that ran starts
  std::string notice;                // set when the objective could not be copied
};

// Runs `method` from options.starts points. The dimension comes from the box (size n), from
// `sample`, from the objective (Objective::dimension) or from Options::dimension.
MultistartResult multistart(Objective& objective, const Method& method,
                            const MultistartOptions& starts, const Options& options = {});

// A full objective written with nabla (const VectorXv& → Var), or a value-only function.
template <class F>
requires(FullObjectiveFunction<F> || ValueFunction<F>) MultistartResult
    multistart(F f, const Method& method, const MultistartOptions& starts,
               const Options& options = {}) {
  if constexpr (FullObjectiveFunction<F>) {
    FullObjective<F> objective(std::move(f));
    return multistart(static_cast<Objective&>(objective), method, starts, options);
  } else {
    ValueObjective<F> objective(std::move(f), options.dimension);
    return multistart(static_cast<Objective&>(objective), method, starts, options);
  }
}

}  // namespace nabla::optim
