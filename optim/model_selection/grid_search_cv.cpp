#include <nabla/optim/model_selection/grid_search_cv.hpp>

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>

#include <fmt/format.h>

#include <nabla/autodiff/core/error.hpp>
#include <nabla/optim/parallel/thread_pool.hpp>

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

struct Task {
  double score = std::numeric_limits<double>::quiet_NaN();
  std::string error;  // empty: the fit succeeded
  std::vector<std::string> warnings;
};

}  // namespace

std::string CvResults::to_string(bool splits) const {
  std::size_t width = 6;
  for (const Params& p : params) width = std::max(width, optim::to_string(p).size());
  std::string out = fmt::format("{:<{}}  {:>10}  {:>10}  {:>4}", "params", width, "mean_test",
                                "std_test", "rank");
  if (splits && !split_test_scores.empty())
    for (std::size_t s = 0; s < split_test_scores[0].size(); ++s)
      out += fmt::format("  {:>10}", fmt::format("split{}", s));
  out += '\n';
  for (std::size_t c = 0; c < params.size(); ++c) {
    out += fmt::format("{:<{}}  {:>10.6f}  {:>10.6f}  {:>4}", optim::to_string(params[c]), width,
                       mean_test_score[c], std_test_score[c], rank_test_score[c]);
    if (splits)
      for (double s : split_test_scores[c]) out += fmt::format("  {:>10.6f}", s);
    out += '\n';
  }
  return out;
}

GridSearchResult grid_search_cv(const EstimatorFactory& make_estimator, const ParameterGrid& grid,
                                const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const Folds& cv,
                                const GridSearchOptions& options) {
  if (X.rows() != y.size())
    throw ShapeError(fmt::format("nabla::optim::grid_search_cv: X has {} rows, y has {} samples",
                                 X.rows(), y.size()));
  if (cv.empty()) throw Error("nabla::optim::grid_search_cv: cv has no folds");
  for (const Fold& f : cv)
    for (const auto* part : {&f.train, &f.test})
      for (std::size_t i : *part)
        if (i >= static_cast<std::size_t>(X.rows()))
          throw Error(fmt::format(
              "nabla::optim::grid_search_cv: fold index {} is out of range for {} samples", i,
              X.rows()));
  const std::vector<Params> candidates = grid.all();
  if (candidates.empty()) throw Error("nabla::optim::grid_search_cv: the grid has no candidate");
  const std::size_t n_cand = candidates.size(), k = cv.size();

  // Candidate-major, split-minor: scikit-learn's order of fits (and so of its warnings).
  std::vector<Task> tasks(n_cand * k);
  const auto run = [&](std::size_t task, unsigned /*worker*/) {
    Task& out = tasks[task];
    const Params& params = candidates[task / k];
    const Fold& fold = cv[task % k];
    try {
      std::unique_ptr<Estimator> est = make_estimator(params);
      if (!est) throw Error("nabla::optim::grid_search_cv: the factory returned no estimator");
      est->set_warning_sink([&out](const std::string& m) { out.warnings.push_back(m); });
      est->fit(rows(X, fold.train), rows(y, fold.train));
      out.score = est->score(rows(X, fold.test), rows(y, fold.test));
    } catch (const std::exception& e) {
      out.error = e.what();
      out.score = std::numeric_limits<double>::quiet_NaN();
    }
  };
  if (options.parallel)
    ThreadPool::shared().parallel_for(tasks.size(), run);
  else
    for (std::size_t t = 0; t < tasks.size(); ++t) run(t, 0);

  for (const Task& t : tasks)
    for (const std::string& m : t.warnings) emit_warning(options.warnings, m);
  // FitFailedWarning: failures counted per distinct message, in order of first appearance.
  std::vector<std::pair<std::string, std::size_t>> errors;
  std::size_t failed = 0;
  for (const Task& t : tasks) {
    if (t.error.empty()) continue;
    ++failed;
    auto it = std::find_if(errors.begin(), errors.end(),
                           [&t](const auto& e) { return e.first == t.error; });
    if (it == errors.end())
      errors.emplace_back(t.error, 1);
    else
      ++it->second;
  }
  if (failed > 0) {
    std::string summary;
    for (const auto& [message, count] : errors)
      summary += fmt::format("{}\n{} fits failed with the following error:\n{}\n",
                             std::string(80, '-'), count, message);
    if (failed == tasks.size())
      throw Error(fmt::format(
          "nabla::optim::grid_search_cv: All the {} fits failed.\nIt is very likely that your "
          "model is misconfigured.\n\nBelow are more details about the failures:\n{}",
          failed, summary));
    emit_warning(options.warnings,
                 fmt::format("FitFailedWarning: \n{} fits failed out of a total of {}.\nThe score "
                             "on these train-test partitions for these parameters will be set "
                             "to nan.\n\nBelow are more details about the failures:\n{}",
                             failed, tasks.size(), summary));
  }

  GridSearchResult result;
  CvResults& r = result.cv_results;
  r.params = candidates;
  r.split_test_scores.assign(n_cand, std::vector<double>(k));
  r.mean_test_score.resize(n_cand);
  r.std_test_score.resize(n_cand);
  for (std::size_t c = 0; c < n_cand; ++c) {
    double sum = 0.0;
    for (std::size_t s = 0; s < k; ++s) {
      r.split_test_scores[c][s] = tasks[c * k + s].score;
      sum += tasks[c * k + s].score;
    }
    const double mean = sum / static_cast<double>(k);
    double ss = 0.0;
    for (double v : r.split_test_scores[c]) ss += (v - mean) * (v - mean);
    r.mean_test_score[c] = mean;
    r.std_test_score[c] = std::sqrt(ss / static_cast<double>(k));
  }
  bool any_nonfinite = false;
  for (double m : r.mean_test_score) any_nonfinite = any_nonfinite || !std::isfinite(m);
  if (any_nonfinite) {
    std::string list;
    for (double m : r.mean_test_score) list += (list.empty() ? "" : " ") + fmt::format("{}", m);
    emit_warning(
        options.warnings,
        fmt::format("UserWarning: One or more of the test scores are non-finite: [{}]", list));
  }
  // rankdata(−mean, 'min') with NaN replaced by (the smallest finite mean − 1).
  std::vector<double> keyed = r.mean_test_score;
  double lowest = std::numeric_limits<double>::infinity();
  for (double m : keyed)
    if (!std::isnan(m)) lowest = std::min(lowest, m);
  r.rank_test_score.assign(n_cand, 1);
  if (std::any_of(keyed.begin(), keyed.end(), [](double m) { return !std::isnan(m); })) {
    for (double& m : keyed)
      if (std::isnan(m)) m = lowest - 1.0;
    for (std::size_t c = 0; c < n_cand; ++c) {
      int better = 0;
      for (double m : keyed) better += m > keyed[c] ? 1 : 0;
      r.rank_test_score[c] = better + 1;
    }
  }
  result.n_splits = k;
  result.best_index = static_cast<std::size_t>(
      std::min_element(r.rank_test_score.begin(), r.rank_test_score.end()) -
      r.rank_test_score.begin());
  result.best_params = candidates[result.best_index];
  result.best_score = r.mean_test_score[result.best_index];
  if (options.refit) {
    result.best_estimator = make_estimator(result.best_params);
    if (options.warnings) result.best_estimator->set_warning_sink(options.warnings);
    result.best_estimator->fit(X, y);
  }
  return result;
}

GridSearchResult grid_search_cv(const EstimatorFactory& make_estimator, const ParameterGrid& grid,
                                const Eigen::MatrixXd& X, const Eigen::VectorXd& y, int cv,
                                const GridSearchOptions& options) {
  return grid_search_cv(make_estimator, grid, X, y,
                        KFold(cv).split(static_cast<std::size_t>(X.rows())), options);
}

}  // namespace nabla::optim
