// Random search and a random walk behind the ask/tell interface.
//
// RandomSearcher: seeded independent draws from the space (uniform, log-uniform on log
// dimensions). When every dimension is categorical the space is a finite grid of m points and
// the draws are WITHOUT replacement: m asks cover it exactly once (a seeded random permutation),
// then the searcher is exhausted.
//
// RandomWalkSearcher: the first point a uniform draw; then each proposal is a Gaussian step
// from the best point so far in the unit box, u' = u_best + σ·N(0, I), reflected at the bounds
// into [0, 1]; each categorical dimension is instead redrawn uniformly with probability
// `categorical_resample`. σ adapts by the 1/5 success rule: × `grow` after a told score that
// improves on the best, × grow^(−1/4) otherwise, kept in [min_step, max_step].
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <nabla/optim/run/random.hpp>
#include <nabla/optim/tuning/searcher.hpp>
#include <nabla/optim/tuning/space.hpp>

namespace nabla::optim {

class RandomSearcher final : public Searcher {
 public:
  explicit RandomSearcher(Space space, std::uint64_t seed = 0);

  [[nodiscard]] std::vector<Params> ask(std::size_t k) override;
  [[nodiscard]] bool exhausted() const override;
  [[nodiscard]] SearcherState save() const override;
  void restore(const SearcherState& state) override;

 private:
  Space space_;
  Rng rng_;
  std::vector<std::size_t> order_;  // all-categorical: the permutation of the grid
  ParameterGrid grid_{Grid{}};
};

struct RandomWalkOptions {
  double initial_step = 0.2;  // σ in the unit box
  double grow = 1.5;          // σ's factor after a success
  double min_step = 1e-4;
  double max_step = 0.5;
  double categorical_resample = 0.1;  // probability of redrawing a categorical dimension
};

class RandomWalkSearcher final : public Searcher {
 public:
  explicit RandomWalkSearcher(Space space, std::uint64_t seed = 0, RandomWalkOptions options = {});

  [[nodiscard]] std::vector<Params> ask(std::size_t k) override;
  void tell(const std::vector<Params>& params, const std::vector<double>& scores) override;
  [[nodiscard]] SearcherState save() const override;
  void restore(const SearcherState& state) override;
  [[nodiscard]] double step() const noexcept { return step_; }

 private:
  Space space_;
  Rng rng_;
  RandomWalkOptions options_;
  double step_;
};

}  // namespace nabla::optim
