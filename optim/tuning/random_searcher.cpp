// RandomSearcher (without replacement on a finite grid) and RandomWalkSearcher.
#include <nabla/optim/tuning/random_searcher.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>
#include <variant>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

RandomSearcher::RandomSearcher(Space space, std::uint64_t seed)
    : space_(std::move(space)), rng_(seed) {
  if (space_.size() == 0) throw Error("nabla::optim::RandomSearcher: the space is empty");
  if (space_.all_categorical()) {
    grid_ = ParameterGrid(space_.grid());
    order_.resize(grid_.size());
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    for (std::size_t i = order_.size(); i > 1; --i)  // Fisher–Yates
      std::swap(order_[i - 1], order_[rng_.below(i)]);
  }
}

bool RandomSearcher::exhausted() const {
  return space_.all_categorical() && asked_ >= order_.size();
}

std::vector<Params> RandomSearcher::ask(std::size_t k) {
  if (k == 0) throw Error("nabla::optim::RandomSearcher::ask: k = 0 must be at least 1");
  std::vector<Params> out;
  while (out.size() < k && !exhausted()) {
    out.push_back(space_.all_categorical() ? grid_[order_[asked_]] : space_.sample(rng_));
    ++asked_;
  }
  return out;
}

SearcherState RandomSearcher::save() const {
  SearcherState s = Searcher::save();
  s.rng = rng_.state();
  s.order = order_;
  return s;
}

void RandomSearcher::restore(const SearcherState& state) {
  if (state.order.size() != order_.size())
    throw Error(
        fmt::format("nabla::optim::RandomSearcher::restore: the state's grid has {} "
                    "points, this space {}",
                    state.order.size(), order_.size()));
  Searcher::restore(state);
  rng_.set_state(state.rng);
  order_ = state.order;
}

RandomWalkSearcher::RandomWalkSearcher(Space space, std::uint64_t seed, RandomWalkOptions options)
    : space_(std::move(space)), rng_(seed), options_(options), step_(options.initial_step) {
  if (space_.size() == 0) throw Error("nabla::optim::RandomWalkSearcher: the space is empty");
  if (!(options_.initial_step > 0 && options_.min_step > 0 &&
        options_.min_step <= options_.max_step && options_.grow > 1))
    throw Error(
        fmt::format("nabla::optim::RandomWalkSearcher: initial_step = {}, min_step = {}, "
                    "max_step = {} must be positive with min ≤ max, and grow = {} > 1",
                    options_.initial_step, options_.min_step, options_.max_step, options_.grow));
}

namespace {
// Reflect into [0, 1] (a step of any length lands inside).
double reflect(double x) {
  x = std::fmod(std::abs(x), 2.0);
  return x > 1.0 ? 2.0 - x : x;
}
}  // namespace

std::vector<Params> RandomWalkSearcher::ask(std::size_t k) {
  if (k == 0) throw Error("nabla::optim::RandomWalkSearcher::ask: k = 0 must be at least 1");
  std::vector<Params> out;
  const std::size_t best = best_index();
  for (std::size_t j = 0; j < k; ++j) {
    if (best == scores_.size()) {
      out.push_back(space_.sample(rng_));
    } else {
      const Eigen::VectorXd u0 = space_.to_unit(params_[best]);
      Eigen::VectorXd u = u0;
      for (Eigen::Index i = 0; i < u.size(); ++i) {
        if (std::holds_alternative<Categorical>(space_.dimension(static_cast<std::size_t>(i)))) {
          if (rng_.uniform() < options_.categorical_resample) u[i] = rng_.uniform();
        } else {
          u[i] = reflect(u0[i] + step_ * rng_.normal());
        }
      }
      out.push_back(space_.from_unit(u));
    }
    ++asked_;
  }
  return out;
}

void RandomWalkSearcher::tell(const std::vector<Params>& params,
                              const std::vector<double>& scores) {
  const std::size_t before = best_index();
  const double best = before == scores_.size() ? 0.0 : scores_[before];
  const bool had_best = before != scores_.size();
  Searcher::tell(params, scores);
  if (!had_best) return;
  for (const double s : scores) {
    if (std::isnan(s)) continue;
    step_ *= s < best ? options_.grow : std::pow(options_.grow, -0.25);
    step_ = std::clamp(step_, options_.min_step, options_.max_step);
  }
}

SearcherState RandomWalkSearcher::save() const {
  SearcherState s = Searcher::save();
  s.rng = rng_.state();
  s.reals = {step_};
  return s;
}

void RandomWalkSearcher::restore(const SearcherState& state) {
  if (state.reals.size() != 1)
    throw Error("nabla::optim::RandomWalkSearcher::restore: the state is not a random walk's");
  Searcher::restore(state);
  rng_.set_state(state.rng);
  step_ = state.reals[0];
}

}  // namespace nabla::optim
