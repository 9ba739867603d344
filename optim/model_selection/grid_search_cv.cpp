#include <nabla/optim/model_selection/grid_search_cv.hpp>

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include <nabla/autodiff/core/error.hpp>
#include <nabla/optim/model_selection/cross_val_score.hpp>
#include <nabla/optim/parallel/thread_pool.hpp>

namespace nabla::optim {

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
  detail::check_cv("grid_search_cv", X, y, cv);
  const std::vector<Params> candidates = grid.all();
  if (candidates.empty()) throw Error("nabla::optim::grid_search_cv: the grid has no candidate");
  const std::size_t n_cand = candidates.size(), k = cv.size();

  // Candidate-major, split-minor: scikit-learn's order of fits (and so of its warnings).
  std::vector<detail::FitScore> tasks(n_cand * k);
  // The factory is the user's and may keep state: one call at a time; the fits run in parallel.
  std::mutex factory_mutex;
  const EstimatorFactory locked = [&](const Params& p) {
    const std::lock_guard lock(factory_mutex);
    return make_estimator(p);
  };
  const auto run = [&](std::size_t task, unsigned /*worker*/) {
    tasks[task] = detail::fit_and_score(locked, candidates[task / k], X, y, cv[task % k]);
  };
  if (options.parallel)
    ThreadPool::shared().parallel_for(tasks.size(), run);
  else
    for (std::size_t t = 0; t < tasks.size(); ++t) run(t, 0);

  for (const detail::FitScore& t : tasks)
    for (const std::string& m : t.warnings) emit_warning(options.warnings, m);
  detail::report_failed_fits("grid_search_cv", tasks, options.warnings);

  GridSearchResult result;
  CvResults& r = result.cv_results;
  r.params = candidates;
  r.split_test_scores.assign(n_cand, std::vector<double>(k));
  r.mean_test_score.resize(n_cand);
  r.std_test_score.resize(n_cand);
  for (std::size_t c = 0; c < n_cand; ++c) {
    for (std::size_t s = 0; s < k; ++s) r.split_test_scores[c][s] = tasks[c * k + s].score;
    detail::mean_std(r.split_test_scores[c], r.mean_test_score[c], r.std_test_score[c]);
  }
  bool any_nonfinite = false;
  for (double m : r.mean_test_score) any_nonfinite = any_nonfinite || !std::isfinite(m);
  if (any_nonfinite) {
    std::string list;
    for (double m : r.mean_test_score) list += fmt::format("{}{}", list.empty() ? "" : " ", m);
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
