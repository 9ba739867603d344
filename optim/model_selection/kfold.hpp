// K-fold cross-validation splits as scikit-learn 1.2.1's KFold and StratifiedKFold without
// shuffling. KFold: contiguous test folds in sample order, the first n mod k of them one sample
// larger. StratifiedKFold: classes encoded in order of first appearance, the per-fold allocation of
// each class counted over the sorted encoded labels taken every k-th (np.bincount(y_order[i::k])),
// then each class's samples, in order, assigned to folds 0, 0, …, 1, 1, … by that allocation.
// Errors as scikit-learn's: n_splits < 2 (construction), n_splits > n_samples, and n_splits greater
// than the size of every class; a class smaller than n_splits is a warning, through the sink.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <nabla/optim/estimators/estimator.hpp>

namespace nabla::optim {

// One split: the training rows and the test rows, each ascending.
struct Fold {
  std::vector<std::size_t> train, test;
};
using Folds = std::vector<Fold>;

// The splits a test-fold id per sample defines (scikit-learn's PredefinedSplit): fold f tests the
// samples with id f, for f = 0 … max id.
[[nodiscard]] Folds folds_from_test_ids(const std::vector<int>& test_fold);

class KFold {
 public:
  explicit KFold(int n_splits = 5);
  [[nodiscard]] int n_splits() const noexcept { return n_splits_; }
  // The test-fold id of each of n samples; Error when n_splits > n.
  [[nodiscard]] std::vector<int> test_folds(std::size_t n_samples) const;
  [[nodiscard]] Folds split(std::size_t n_samples) const;

 private:
  int n_splits_;
};

class StratifiedKFold {
 public:
  explicit StratifiedKFold(int n_splits = 5, WarningSink warnings = {});
  [[nodiscard]] int n_splits() const noexcept { return n_splits_; }
  [[nodiscard]] std::vector<int> test_folds(const std::vector<std::int64_t>& y) const;
  [[nodiscard]] Folds split(const std::vector<std::int64_t>& y) const;

 private:
  int n_splits_;
  WarningSink warnings_;
};

}  // namespace nabla::optim
