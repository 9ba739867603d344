// The ask/tell interface of every hyper-parameter searcher (grid, random, random walk, Bayesian
// optimisation). ask(k) proposes up to k Params (fewer once the searcher is exhausted), the
// caller evaluates them (possibly in parallel) and tell(params, scores) reports the scores.
// Searchers MINIMISE: lower is better (tune's `maximize` negates a score to be maximised). A NaN
// score is a failed trial: kept in the observations, never the best, and the searchers that
// model scores treat it as the worst one seen.
//
// save() returns the whole state as plain data (the Rng words, the observations, counters);
// restore() on a searcher built with the same space / grid and options continues the search
// bit-identically: the asks after restore are those the saved searcher would have made. Save
// after a tell (asked-but-untold points are not part of the state).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include <nabla/optim/tuning/params.hpp>

namespace nabla::optim {

struct SearcherState {
  std::array<std::uint64_t, 4> rng{};
  std::vector<Params> params;      // every point told, in order
  std::vector<double> scores;      // their scores (NaN: failed)
  std::size_t asked = 0;           // points handed out so far
  std::vector<std::size_t> order;  // random search over a grid: the permutation
  std::vector<double> reals;       // searcher-specific numbers (random walk: the step)
};

class Searcher {
 public:
  virtual ~Searcher() = default;

  // Up to k new points (k ≥ 1); an empty vector when exhausted().
  [[nodiscard]] virtual std::vector<Params> ask(std::size_t k) = 0;
  // Scores of points asked before (sizes must agree). Lower is better; NaN: failed.
  virtual void tell(const std::vector<Params>& params, const std::vector<double>& scores);
  // No further points (a grid walked through); searches over continuous spaces never are.
  [[nodiscard]] virtual bool exhausted() const { return false; }

  [[nodiscard]] virtual SearcherState save() const;
  virtual void restore(const SearcherState& state);

  [[nodiscard]] const std::vector<Params>& observed_params() const noexcept { return params_; }
  [[nodiscard]] const std::vector<double>& observed_scores() const noexcept { return scores_; }
  // The index of the lowest non-NaN score, or observed_scores().size() when there is none.
  [[nodiscard]] std::size_t best_index() const noexcept;

 protected:
  std::vector<Params> params_;
  std::vector<double> scores_;
  std::size_t asked_ = 0;
};

}  // namespace nabla::optim
