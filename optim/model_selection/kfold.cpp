#include <nabla/optim/model_selection/kfold.hpp>

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

namespace {

void check_n_splits(const char* who, int n_splits) {
  if (n_splits < 2)
    throw Error(fmt::format(
        "nabla::optim::{}: k-fold cross-validation requires at least one train/test split by "
        "setting n_splits=2 or more, got n_splits={}.",
        who, n_splits));
}

void check_n_samples(const char* who, int n_splits, std::size_t n) {
  if (static_cast<std::size_t>(n_splits) > n)
    throw Error(fmt::format(
        "nabla::optim::{}: Cannot have number of splits n_splits={} greater than the number of "
        "samples: n_samples={}.",
        who, n_splits, n));
}

}  // namespace

Folds folds_from_test_ids(const std::vector<int>& test_fold) {
  int k = -1;
  for (int f : test_fold) {
    if (f < 0)
      throw Error(fmt::format("nabla::optim::folds_from_test_ids: test fold id {} is negative", f));
    k = std::max(k, f);
  }
  Folds folds(static_cast<std::size_t>(k + 1));
  for (std::size_t f = 0; f < folds.size(); ++f)
    for (std::size_t i = 0; i < test_fold.size(); ++i)
      (static_cast<std::size_t>(test_fold[i]) == f ? folds[f].test : folds[f].train).push_back(i);
  return folds;
}

KFold::KFold(int n_splits) : n_splits_(n_splits) { check_n_splits("KFold", n_splits); }

std::vector<int> KFold::test_folds(std::size_t n_samples) const {
  check_n_samples("KFold", n_splits_, n_samples);
  const std::size_t k = static_cast<std::size_t>(n_splits_);
  std::vector<int> ids(n_samples);
  std::size_t start = 0;
  for (std::size_t f = 0; f < k; ++f) {
    const std::size_t size = n_samples / k + (f < n_samples % k ? 1 : 0);
    std::fill_n(ids.begin() + static_cast<std::ptrdiff_t>(start), size, static_cast<int>(f));
    start += size;
  }
  return ids;
}

Folds KFold::split(std::size_t n_samples) const {
  return folds_from_test_ids(test_folds(n_samples));
}

StratifiedKFold::StratifiedKFold(int n_splits, WarningSink warnings)
    : n_splits_(n_splits), warnings_(std::move(warnings)) {
  check_n_splits("StratifiedKFold", n_splits);
}

std::vector<int> StratifiedKFold::test_folds(const std::vector<std::int64_t>& y) const {
  const std::size_t n = y.size();
  check_n_samples("StratifiedKFold", n_splits_, n);
  const std::size_t k = static_cast<std::size_t>(n_splits_);
  // Classes numbered in order of first appearance.
  std::map<std::int64_t, std::size_t> code;
  std::vector<std::size_t> encoded(n);
  for (std::size_t i = 0; i < n; ++i)
    encoded[i] = code.try_emplace(y[i], code.size()).first->second;
  const std::size_t n_classes = code.size();
  std::vector<std::size_t> counts(n_classes, 0);
  for (std::size_t c : encoded) ++counts[c];
  const std::size_t min_count = *std::min_element(counts.begin(), counts.end());
  if (std::all_of(counts.begin(), counts.end(), [k](std::size_t c) { return c < k; }))
    throw Error(fmt::format(
        "nabla::optim::StratifiedKFold: n_splits={} cannot be greater than the number of members "
        "in each class.",
        n_splits_));
  if (min_count < k)
    emit_warning(warnings_, fmt::format("The least populated class in y has only {} members, "
                                        "which is less than n_splits={}.",
                                        min_count, n_splits_));
  // allocation[f][c] = members of class c among the sorted codes at positions f, f + k, f + 2k, …
  std::vector<std::size_t> sorted = encoded;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::vector<std::size_t>> allocation(k, std::vector<std::size_t>(n_classes, 0));
  for (std::size_t i = 0; i < n; ++i) ++allocation[i % k][sorted[i]];
  std::vector<int> ids(n);
  for (std::size_t c = 0; c < n_classes; ++c) {
    std::size_t fold = 0, used = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (encoded[i] != c) continue;
      while (used == allocation[fold][c]) {
        ++fold;
        used = 0;
      }
      ids[i] = static_cast<int>(fold);
      ++used;
    }
  }
  return ids;
}

Folds StratifiedKFold::split(const std::vector<std::int64_t>& y) const {
  return folds_from_test_ids(test_folds(y));
}

}  // namespace nabla::optim
