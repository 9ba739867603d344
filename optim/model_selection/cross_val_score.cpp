#include <nabla/optim/model_selection/cross_val_score.hpp>

#include <algorithm>
#include <cmath>
#include <exception>
#include <utility>

#include <fmt/format.h>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

namespace {

Eigen::MatrixXd rows(const Eigen::MatrixXd& X, const std::vector<std::size_t>& index) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(index.size()), X.cols());
  for (std::size_t i = 0; i < index.size(); ++i)
    out.row(static_cast<Eigen::Index>(i)) = X.row(static_cast<Eigen::Index>(index[i]));
  return out;
}

Eigen::VectorXd rows(const Eigen::VectorXd& y, const std::vector<std::size_t>& index) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(index.size()));
  for (std::size_t i = 0; i < index.size(); ++i)
    out[static_cast<Eigen::Index>(i)] = y[static_cast<Eigen::Index>(index[i])];
  return out;
}

}  // namespace

namespace detail {

void check_cv(std::string_view where, const Eigen::MatrixXd& X, const Eigen::VectorXd& y,
              const Folds& cv) {
  if (X.rows() != y.size())
    throw ShapeError(fmt::format("nabla::optim::{}: X has {} rows, y has {} samples", where,
                                 X.rows(), y.size()));
  if (cv.empty()) throw Error(fmt::format("nabla::optim::{}: cv has no folds", where));
  for (const Fold& f : cv)
    for (const auto* part : {&f.train, &f.test})
      for (std::size_t i : *part)
        if (i >= static_cast<std::size_t>(X.rows()))
          throw Error(fmt::format("nabla::optim::{}: fold index {} is out of range for {} samples",
                                  where, i, X.rows()));
}

FitScore fit_and_score(const EstimatorFactory& make_estimator, const Params& params,
                       const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const Fold& fold) {
  FitScore out;
  try {
    std::unique_ptr<Estimator> est = make_estimator(params);
    if (!est) throw Error("nabla::optim: the estimator factory returned no estimator");
    est->set_warning_sink([&out](const std::string& m) { out.warnings.push_back(m); });
    est->fit(rows(X, fold.train), rows(y, fold.train));
    out.score = est->score(rows(X, fold.test), rows(y, fold.test));
  } catch (const std::exception& e) {
    out.error = e.what();
    out.score = std::numeric_limits<double>::quiet_NaN();
  }
  return out;
}

void report_failed_fits(std::string_view where, const std::vector<FitScore>& fits,
                        const WarningSink& warnings) {
  // Counted per distinct message, in order of first appearance (scikit-learn's text).
  std::vector<std::pair<std::string, std::size_t>> errors;
  std::size_t failed = 0;
  for (const FitScore& t : fits) {
    if (t.error.empty()) continue;
    ++failed;
    auto it = std::find_if(errors.begin(), errors.end(),
                           [&t](const auto& e) { return e.first == t.error; });
    if (it == errors.end())
      errors.emplace_back(t.error, 1);
    else
      ++it->second;
  }
  if (failed == 0) return;
  std::string summary;
  for (const auto& [message, count] : errors)
    summary += fmt::format("{}\n{} fits failed with the following error:\n{}\n",
                           std::string(80, '-'), count, message);
  if (failed == fits.size())
    throw Error(fmt::format(
        "nabla::optim::{}: All the {} fits failed.\nIt is very likely that your model is "
        "misconfigured.\n\nBelow are more details about the failures:\n{}",
        where, failed, summary));
  emit_warning(warnings,
               fmt::format("FitFailedWarning: \n{} fits failed out of a total of {}.\nThe score "
                           "on these train-test partitions for these parameters will be set "
                           "to nan.\n\nBelow are more details about the failures:\n{}",
                           failed, fits.size(), summary));
}

void mean_std(const std::vector<double>& scores, double& mean, double& std) {
  double sum = 0.0;
  for (double s : scores) sum += s;
  const auto k = static_cast<double>(scores.size());
  mean = sum / k;
  double ss = 0.0;
  for (double v : scores) ss += (v - mean) * (v - mean);
  std = std::sqrt(ss / k);
}

}  // namespace detail

CrossValScore cross_val_score(const EstimatorFactory& make_estimator, const Params& params,
                              const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const Folds& cv,
                              const WarningSink& warnings) {
  detail::check_cv("cross_val_score", X, y, cv);
  std::vector<detail::FitScore> fits;
  fits.reserve(cv.size());
  for (const Fold& fold : cv)
    fits.push_back(detail::fit_and_score(make_estimator, params, X, y, fold));
  for (const detail::FitScore& f : fits)
    for (const std::string& m : f.warnings) emit_warning(warnings, m);
  detail::report_failed_fits("cross_val_score", fits, warnings);
  CrossValScore out;
  for (const detail::FitScore& f : fits) out.scores.push_back(f.score);
  detail::mean_std(out.scores, out.mean, out.std);
  return out;
}

CrossValScore cross_val_score(const EstimatorFactory& make_estimator, const Params& params,
                              const Eigen::MatrixXd& X, const Eigen::VectorXd& y, int cv,
                              const WarningSink& warnings) {
  return cross_val_score(make_estimator, params, X, y,
                         KFold(cv).split(static_cast<std::size_t>(X.rows())), warnings);
}

}  // namespace nabla::optim
