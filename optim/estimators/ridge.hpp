// Ridge regression in closed form, as scikit-learn 1.2.1's Ridge on dense data (solver
// 'cholesky'): with fit_intercept the columns of X and y are centred (x̄, ȳ), the penalty leaves
// the intercept alone, (XcᵀXc + αI) w = Xcᵀyc is solved by LDLᵀ and intercept = ȳ − x̄ᵀw.
// α < 0 is an Error, raised by fit as scikit-learn's parameter validation raises it in fit (so a
// grid candidate with α < 0 fails and is scored NaN). Params: "alpha", "fit_intercept" (0/1).
#pragma once

#include <Eigen/Core>

#include <nabla/optim/estimators/estimator.hpp>

namespace nabla::optim {

struct RidgeOptions {
  double alpha = 1.0;
  bool fit_intercept = true;
};

class Ridge final : public Estimator {
 public:
  using Options = RidgeOptions;

  Ridge() = default;
  explicit Ridge(Options options) : options_(options) {}
  // The options with the named parameters replaced; an unknown name is an Error.
  explicit Ridge(const Params& params, Options base = {});

  void fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y) override;
  [[nodiscard]] Eigen::VectorXd predict(const Eigen::MatrixXd& X) const override;

  [[nodiscard]] const Options& options() const noexcept { return options_; }
  [[nodiscard]] const Eigen::VectorXd& coef() const noexcept { return coef_; }
  [[nodiscard]] double intercept() const noexcept { return intercept_; }

 private:
  Options options_;
  Eigen::VectorXd coef_;
  double intercept_ = 0.0;
  bool fitted_ = false;
};

}  // namespace nabla::optim
