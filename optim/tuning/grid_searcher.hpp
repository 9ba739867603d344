// Grid search behind the ask/tell interface: the candidates of a ParameterGrid in its
// (scikit-learn's) order, each once; exhausted after the last.
#pragma once

#include <cstddef>
#include <vector>

#include <nabla/optim/tuning/params.hpp>
#include <nabla/optim/tuning/searcher.hpp>

namespace nabla::optim {

class GridSearcher final : public Searcher {
 public:
  explicit GridSearcher(ParameterGrid grid);

  [[nodiscard]] std::vector<Params> ask(std::size_t k) override;
  [[nodiscard]] bool exhausted() const override { return asked_ >= grid_.size(); }

 private:
  ParameterGrid grid_;
};

}  // namespace nabla::optim
