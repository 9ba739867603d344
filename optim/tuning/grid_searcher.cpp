// GridSearcher and the Searcher base's bookkeeping (tell, save, restore, best).
#include <nabla/optim/tuning/grid_searcher.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

void Searcher::tell(const std::vector<Params>& params, const std::vector<double>& scores) {
  if (params.size() != scores.size())
    throw Error(fmt::format("nabla::optim::Searcher::tell: {} params but {} scores", params.size(),
                            scores.size()));
  params_.insert(params_.end(), params.begin(), params.end());
  scores_.insert(scores_.end(), scores.begin(), scores.end());
}

SearcherState Searcher::save() const {
  SearcherState s;
  s.params = params_;
  s.scores = scores_;
  s.asked = asked_;
  return s;
}

void Searcher::restore(const SearcherState& state) {
  if (state.params.size() != state.scores.size())
    throw Error(fmt::format("nabla::optim::Searcher::restore: {} params but {} scores",
                            state.params.size(), state.scores.size()));
  params_ = state.params;
  scores_ = state.scores;
  asked_ = state.asked;
}

std::size_t Searcher::best_index() const noexcept {
  std::size_t best = scores_.size();
  for (std::size_t i = 0; i < scores_.size(); ++i)
    if (!std::isnan(scores_[i]) && (best == scores_.size() || scores_[i] < scores_[best])) best = i;
  return best;
}

GridSearcher::GridSearcher(ParameterGrid grid) : grid_(std::move(grid)) {}

std::vector<Params> GridSearcher::ask(std::size_t k) {
  if (k == 0) throw Error("nabla::optim::GridSearcher::ask: k = 0 must be at least 1");
  std::vector<Params> out;
  while (out.size() < k && asked_ < grid_.size()) out.push_back(grid_[asked_++]);
  return out;
}

}  // namespace nabla::optim
