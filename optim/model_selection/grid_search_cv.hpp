// GridSearchCV as scikit-learn 1.2.1's (refit=True, error_score=nan, the estimator's score):
// every candidate of a ParameterGrid fitted on each split's training rows by a fresh estimator
// from the factory and scored on its test rows; per candidate the mean (unweighted) and the
// standard deviation (ddof 0) of the split scores, rank_test_score = scipy's rankdata(−mean,
// 'min') (ties share the smallest rank), NaN means (a failed fit) counted as tied below the worst
// finite mean, all-NaN all ranked 1; best_index = the first candidate of rank 1 in grid order,
// refitted on all the data. A fit that throws scores NaN on its split and is reported in one
// FitFailedWarning through the sink; when every fit fails the search throws, as scikit-learn.
// cv as an int is KFold(cv) (scikit-learn picks StratifiedKFold only for classifiers; these
// estimators are regressors); stratified or any other splits go in as explicit Folds.
// The candidate × split fits run on ThreadPool::shared(); each task has its own estimator and
// writes only its own slot, and warnings are delivered in scikit-learn's order afterwards, so
// nothing depends on the thread count. The factory is called under a lock (one call at a time:
// it may keep state); the fits themselves run in parallel.
#pragma once

#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include <nabla/optim/estimators/estimator.hpp>
#include <nabla/optim/model_selection/kfold.hpp>
#include <nabla/optim/tuning/params.hpp>

namespace nabla::optim {

struct GridSearchOptions {
  bool refit = true;     // fit best_estimator on all the data
  bool parallel = true;  // the fits on ThreadPool::shared()
  WarningSink warnings;  // empty: default_warning_sink()
};

// scikit-learn's cv_results_ (test scores only).
struct CvResults {
  std::vector<Params> params;
  std::vector<std::vector<double>> split_test_scores;  // [candidate][split]
  std::vector<double> mean_test_score, std_test_score;
  std::vector<int> rank_test_score;

  // One line per candidate: params, mean, std, rank (and the split scores when asked).
  [[nodiscard]] std::string to_string(bool splits = false) const;
};

struct GridSearchResult {
  CvResults cv_results;
  std::size_t n_splits = 0;
  std::size_t best_index = 0;
  Params best_params;
  double best_score = std::numeric_limits<double>::quiet_NaN();
  std::unique_ptr<Estimator> best_estimator;  // null when refit is false
};

[[nodiscard]] GridSearchResult grid_search_cv(const EstimatorFactory& make_estimator,
                                              const ParameterGrid& grid, const Eigen::MatrixXd& X,
                                              const Eigen::VectorXd& y, const Folds& cv,
                                              const GridSearchOptions& options = {});
// cv folds of KFold(cv).
[[nodiscard]] GridSearchResult grid_search_cv(const EstimatorFactory& make_estimator,
                                              const ParameterGrid& grid, const Eigen::MatrixXd& X,
                                              const Eigen::VectorXd& y, int cv = 5,
                                              const GridSearchOptions& options = {});

}  // namespace nabla::optim
