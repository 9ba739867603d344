// scikit-learn 1.2.1's SGDRegressor with shuffle=False, as the scalar loop of its _plain_sgd (not
// a tape: one pass per sample over a dense row). Per sample, t counted in samples from 1:
//   p = wscale·(w·x) + b,  eta = eta0 / t^power_t ('invscaling'; also 'constant', 'optimal',
//   'adaptive'),  dloss = p − y clipped to ±1e12 (squared_error's 0.5 (p − y)² summed into the
//   epoch loss),  update = −eta·dloss;
//   L2 / elasticnet: wscale *= max(0, 1 − (1 − l1_ratio)·eta·alpha) (w·wscale reset to w,
//   wscale = 1 when wscale < 1e-9), then w += x·update / wscale, b += update;
//   L1 / elasticnet: u += l1_ratio·eta·alpha and each weight is truncated towards 0 by what the
//   cumulative penalty u has not yet taken (q), Tsuruoka, Tsujii & Ananiadou (2009).
// penalty 'l2' means l1_ratio = 0, 'l1' means 1, None (or "none") no penalty. After each epoch:
// no_improvement += (sumloss > best_loss − tol·n), else reset; stop when it reaches
// n_iter_no_change (adaptive: eta /= 5 instead while eta > 1e-6), or after max_iter epochs with
// the ConvergenceWarning through the sink. n_iter() = epochs run, t() = 1 + n_iter()·n.
// The arithmetic is scikit-learn's, in its order, so coefficients agree to rounding (tests: 1e-8).
// Params: alpha, penalty, l1_ratio, fit_intercept, max_iter, tol (None: no stopping rule),
// learning_rate, eta0, power_t, n_iter_no_change, loss ("squared_error" only), shuffle (false
// only), random_state (accepted; unused without shuffling), verbose (0 only).
#pragma once

#include <limits>
#include <string>

#include <Eigen/Core>

#include <nabla/optim/estimators/estimator.hpp>

namespace nabla::optim {

struct SGDRegressorOptions {
  double alpha = 1e-4;
  std::string penalty = "l2";  // "l2", "l1", "elasticnet", "None"
  double l1_ratio = 0.15;
  bool fit_intercept = true;
  int max_iter = 1000;
  double tol = 1e-3;                         // −∞ (or Params "tol": None): no stopping rule
  std::string learning_rate = "invscaling";  // "constant", "optimal", "invscaling", "adaptive"
  double eta0 = 0.01;
  double power_t = 0.25;
  int n_iter_no_change = 5;
};

class SGDRegressor final : public Estimator {
 public:
  using Options = SGDRegressorOptions;

  SGDRegressor() = default;
  explicit SGDRegressor(Options options);
  // The options with the named parameters replaced; an unknown name or value is an Error.
  explicit SGDRegressor(const Params& params, Options base = {});

  void fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y) override;
  [[nodiscard]] Eigen::VectorXd predict(const Eigen::MatrixXd& X) const override;

  [[nodiscard]] const Options& options() const noexcept { return options_; }
  [[nodiscard]] const Eigen::VectorXd& coef() const noexcept { return coef_; }
  [[nodiscard]] double intercept() const noexcept { return intercept_; }
  [[nodiscard]] int n_iter() const noexcept { return n_iter_; }
  [[nodiscard]] double t() const noexcept { return t_; }

 private:
  void validate() const;

  Options options_;
  Eigen::VectorXd coef_;
  double intercept_ = 0.0;
  int n_iter_ = 0;
  double t_ = 1.0;
  bool fitted_ = false;
};

}  // namespace nabla::optim
