// The slide's grid search, GridSearchCV(SGDRegressor(), {"alpha": [0.01, 0.1, 1, 10, 100],
// "penalty": ["l2", "l1", None]}, cv=3), with nabla's scikit-learn replicas (SGDRegressor as
// scikit-learn 1.2.1's with shuffle=False) on a generated regression data set (n = 200, d = 5,
// y = Xw + 0.5 + a deterministic residual): the cv_results_-like table, the best parameters and,
// when /usr/bin/python3 has scikit-learn, the same search by scikit-learn itself
// (examples/grid_search.py, the same data by the same formula) printed beside it.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <fmt/format.h>

#include <Eigen/Core>

#include <nabla/optim.hpp>

namespace opt = nabla::optim;

int main() {
  // X(i, j) = ((7i + 13j + ij) mod 23) / 11.5 − 1, y = Xw + 0.5 + ((37i mod 17) / 17 − 0.5).
  const Eigen::Index n = 200, d = 5;
  const double w[] = {1.5, -2.0, 0.5, 3.0, -1.0};
  Eigen::MatrixXd X(n, d);
  Eigen::VectorXd y(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    double s = 0.5;
    for (Eigen::Index j = 0; j < d; ++j) {
      X(i, j) = static_cast<double>((i * 7 + j * 13 + i * j) % 23) / 11.5 - 1.0;
      s += X(i, j) * w[j];
    }
    y[i] = s + static_cast<double>((i * 37) % 17) / 17.0 - 0.5;
  }

  using opt::ParamValue;
  const opt::ParameterGrid grid = opt::Grid{
      {"alpha",
       {ParamValue{0.01}, ParamValue{0.1}, ParamValue{std::int64_t{1}},
        ParamValue{std::int64_t{10}}, ParamValue{std::int64_t{100}}}},
      {"penalty",
       {ParamValue{std::string("l2")}, ParamValue{std::string("l1")}, ParamValue{opt::none}}}};
  const opt::EstimatorFactory make_sgd = [](const opt::Params& p) {
    return std::make_unique<opt::SGDRegressor>(p);
  };
  const opt::GridSearchResult search = opt::grid_search_cv(make_sgd, grid, X, y, 3);
  fmt::print("nabla::optim::grid_search_cv (SGDRegressor, cv=3):\n{}",
             search.cv_results.to_string());
  fmt::print("best_params: {} best_score: {:.6f}\n", opt::to_string(search.best_params),
             search.best_score);

  fmt::print("\nscikit-learn (examples/grid_search.py):\n");
  std::fflush(stdout);
  if (std::system("/usr/bin/python3 -c \"import sklearn\" > /dev/null 2>&1") != 0) {
    fmt::print("(no /usr/bin/python3 with scikit-learn here: skipped)\n");
    return 0;
  }
  const std::string command = "/usr/bin/python3 " NABLA_EXAMPLES_DIR "/grid_search.py";
  if (std::system(command.c_str()) != 0) fmt::print("(grid_search.py failed)\n");
  return 0;
}
