// tune(f, searcher, options): a hyper-parameter search loop. f is any callable Params → double
// (a validation loss, a cross-validated score); the searcher proposes batches of
// `options.batch` points (ask/tell, searcher.hpp) until `max_evaluations` trials, `max_seconds`
// (0: no limit) or the searcher's exhaustion. A batch is evaluated on ThreadPool::shared() with
// one copy of f per worker when f is copy-constructible (f is never called from two threads at
// once), serially otherwise with a one-line notice on stderr. A score that throws or is NaN is a
// failed trial: recorded as NaN, never the best, the search goes on. Searchers minimise;
// `maximize = true` hands them −score (the trials keep f's own scores).
#pragma once

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <optional>
#include <type_traits>
#include <vector>

#include <nabla/optim/parallel/thread_pool.hpp>
#include <nabla/optim/tuning/params.hpp>
#include <nabla/optim/tuning/searcher.hpp>

namespace nabla::optim {

struct TuneOptions {
  std::size_t max_evaluations = 50;
  double max_seconds = 0.0;  // 0: no time limit (checked between batches)
  std::size_t batch = 1;     // points asked and evaluated together
  bool maximize = false;     // f is a score to maximise (accuracy), not a loss
};

struct Trial {
  Params params;
  double score = std::numeric_limits<double>::quiet_NaN();  // f's value; NaN: failed
  std::size_t order = 0;                                    // 0, 1, … in the order asked
};

struct TuneResult {
  std::vector<Trial> trials;
  Trial best;             // score NaN when every trial failed
  bool parallel = false;  // the batches ran on the pool
};

namespace detail {
template <class F>
double score_or_nan(F& f, const Params& p) noexcept {
  try {
    return static_cast<double>(f(p));
  } catch (...) {
    return std::numeric_limits<double>::quiet_NaN();
  }
}
}  // namespace detail

template <class F>
TuneResult tune(F&& f, Searcher& searcher, const TuneOptions& options = {}) {
  using Fn = std::decay_t<F>;
  const std::size_t batch = options.batch == 0 ? 1 : options.batch;
  const auto t0 = std::chrono::steady_clock::now();
  TuneResult result;
  ThreadPool& pool = ThreadPool::shared();
  std::vector<std::optional<Fn>> copies;
  if constexpr (std::is_copy_constructible_v<Fn>) {
    result.parallel = batch > 1 && pool.size() > 1;
    if (result.parallel)
      for (unsigned w = 0; w < pool.size(); ++w) copies.emplace_back(f);
  } else if (batch > 1) {
    std::fprintf(stderr,
                 "nabla::optim::tune: the objective cannot be copied; its batches run serially\n");
  }
  while (result.trials.size() < options.max_evaluations && !searcher.exhausted()) {
    if (options.max_seconds > 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() >=
            options.max_seconds)
      break;
    const std::size_t k = std::min(batch, options.max_evaluations - result.trials.size());
    const std::vector<Params> points = searcher.ask(k);
    if (points.empty()) break;
    std::vector<double> scores(points.size());
    if (result.parallel) {
      pool.parallel_for(points.size(), [&](std::size_t task, unsigned worker) {
        scores[task] = detail::score_or_nan(*copies[worker], points[task]);
      });
    } else {
      for (std::size_t i = 0; i < points.size(); ++i)
        scores[i] = detail::score_or_nan(f, points[i]);
    }
    std::vector<double> told(scores.size());
    for (std::size_t i = 0; i < scores.size(); ++i) {
      told[i] = options.maximize ? -scores[i] : scores[i];
      result.trials.push_back({points[i], scores[i], result.trials.size()});
    }
    searcher.tell(points, told);
  }
  for (const Trial& t : result.trials) {
    if (std::isnan(t.score)) continue;
    if (std::isnan(result.best.score) ||
        (options.maximize ? t.score > result.best.score : t.score < result.best.score))
      result.best = t;
  }
  return result;
}

}  // namespace nabla::optim
