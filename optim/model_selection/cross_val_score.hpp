// scikit-learn 1.2.1's cross_val_score (error_score = nan) for one set of hyper-parameters: a fresh
// estimator from the factory fitted on each fold's training rows and scored on its test rows
// (R² by default), the split scores with their unweighted mean and ddof-0 std. A fit that throws
// scores NaN on its split and is reported in one FitFailedWarning through the sink (when every
// fit fails it throws, as scikit-learn). The splits run serially: a search runs its candidates in
// parallel instead (tune() over any Searcher, each candidate with its own cross-validation).
//
// detail:: holds what grid_search_cv shares with it: the checks of X, y and the folds, one fit
// and score, and FitFailedWarning's text.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include <nabla/optim/estimators/estimator.hpp>
#include <nabla/optim/model_selection/kfold.hpp>
#include <nabla/optim/tuning/params.hpp>

namespace nabla::optim {

struct CrossValScore {
  std::vector<double> scores;  // one per split, in fold order (NaN: the fit failed)
  double mean = std::numeric_limits<double>::quiet_NaN();
  double std = std::numeric_limits<double>::quiet_NaN();  // ddof 0
};

[[nodiscard]] CrossValScore cross_val_score(const EstimatorFactory& make_estimator,
                                            const Params& params, const Eigen::MatrixXd& X,
                                            const Eigen::VectorXd& y, const Folds& cv,
                                            const WarningSink& warnings = {});
// cv folds of KFold(cv).
[[nodiscard]] CrossValScore cross_val_score(const EstimatorFactory& make_estimator,
                                            const Params& params, const Eigen::MatrixXd& X,
                                            const Eigen::VectorXd& y, int cv = 5,
                                            const WarningSink& warnings = {});

namespace detail {

// X and y of the same length, at least one fold, every fold index < X.rows(); `where` names the
// caller in the error.
void check_cv(std::string_view where, const Eigen::MatrixXd& X, const Eigen::VectorXd& y,
              const Folds& cv);

struct FitScore {
  double score = std::numeric_limits<double>::quiet_NaN();
  std::string error;                  // empty: the fit succeeded
  std::vector<std::string> warnings;  // the estimator's, in order
};

// One fit on fold.train and score on fold.test; an exception is caught into `error`.
[[nodiscard]] FitScore fit_and_score(const EstimatorFactory& make_estimator, const Params& params,
                                     const Eigen::MatrixXd& X, const Eigen::VectorXd& y,
                                     const Fold& fold);

// FitFailedWarning for the failed fits among `fits` (none: nothing); throws when all failed.
void report_failed_fits(std::string_view where, const std::vector<FitScore>& fits,
                        const WarningSink& warnings);

// The unweighted mean and ddof-0 std of split scores (NaN when one is NaN).
void mean_std(const std::vector<double>& scores, double& mean, double& std);

}  // namespace detail

}  // namespace nabla::optim
