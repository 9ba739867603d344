#include <nabla/optim/estimators/sgd_regressor.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

namespace {

bool flag(const Params& params, const std::string& name) { return as_integer(params, name) != 0; }

}  // namespace

SGDRegressor::SGDRegressor(Options options) : options_(std::move(options)) { validate(); }

SGDRegressor::SGDRegressor(const Params& params, Options base) : options_(std::move(base)) {
  for (const auto& [name, value] : params) {
    if (name == "alpha") {
      options_.alpha = as_real(params, name);
    } else if (name == "penalty") {
      options_.penalty = as_text(params, name);
    } else if (name == "l1_ratio") {
      options_.l1_ratio = as_real(params, name);
    } else if (name == "fit_intercept") {
      options_.fit_intercept = flag(params, name);
    } else if (name == "max_iter") {
      options_.max_iter = static_cast<int>(as_integer(params, name));
    } else if (name == "tol") {
      options_.tol = std::holds_alternative<None>(value) ? -std::numeric_limits<double>::infinity()
                                                         : as_real(params, name);
    } else if (name == "learning_rate") {
      options_.learning_rate = as_text(params, name);
    } else if (name == "eta0") {
      options_.eta0 = as_real(params, name);
    } else if (name == "power_t") {
      options_.power_t = as_real(params, name);
    } else if (name == "n_iter_no_change") {
      options_.n_iter_no_change = static_cast<int>(as_integer(params, name));
    } else if (name == "loss" || name == "shuffle" || name == "random_state" || name == "verbose") {
      // Only scikit-learn's value of these is reproduced: squared_error, no shuffling, silent.
      const bool ok = name == "loss"      ? as_text(params, name) == "squared_error"
                      : name == "shuffle" ? !flag(params, name)
                      : name == "verbose" ? as_integer(params, name) == 0
                                          : true;
      if (!ok)
        throw Error(
            fmt::format("nabla::optim::SGDRegressor: {} = {} is not supported (only "
                        "loss='squared_error', shuffle=False, verbose=0)",
                        name, to_string(value)));
    } else {
      throw Error(fmt::format("nabla::optim::SGDRegressor: invalid parameter '{}' (value {})", name,
                              to_string(value)));
    }
  }
  validate();
}

void SGDRegressor::validate() const {
  const Options& o = options_;
  const auto fail = [](const std::string& what) {
    throw Error("nabla::optim::SGDRegressor: " + what);
  };
  if (o.penalty != "l2" && o.penalty != "l1" && o.penalty != "elasticnet" && o.penalty != "None" &&
      o.penalty != "none")
    fail(fmt::format("penalty = '{}' must be 'l2', 'l1', 'elasticnet' or None", o.penalty));
  if (o.learning_rate != "constant" && o.learning_rate != "optimal" &&
      o.learning_rate != "invscaling" && o.learning_rate != "adaptive")
    fail(
        fmt::format("learning_rate = '{}' must be 'constant', 'optimal', 'invscaling' or "
                    "'adaptive'",
                    o.learning_rate));
  if (!(o.alpha >= 0.0)) fail(fmt::format("alpha = {} must be >= 0", o.alpha));
  if (o.learning_rate == "optimal" && o.alpha == 0.0)
    fail("alpha must be > 0 since learning_rate is 'optimal'");
  if (!(o.l1_ratio >= 0.0 && o.l1_ratio <= 1.0))
    fail(fmt::format("l1_ratio = {} must be in [0, 1]", o.l1_ratio));
  if (o.max_iter < 1) fail(fmt::format("max_iter = {} must be >= 1", o.max_iter));
  if (std::isnan(o.tol)) fail("tol = nan must be a number or None");
  if (!(o.eta0 >= 0.0)) fail(fmt::format("eta0 = {} must be >= 0", o.eta0));
  if (o.learning_rate != "optimal" && o.eta0 <= 0.0)
    fail(fmt::format("eta0 = {} must be > 0 for learning_rate = '{}'", o.eta0, o.learning_rate));
  if (!std::isfinite(o.power_t)) fail(fmt::format("power_t = {} must be finite", o.power_t));
  if (o.n_iter_no_change < 1)
    fail(fmt::format("n_iter_no_change = {} must be >= 1", o.n_iter_no_change));
}

void SGDRegressor::fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y) {
  check_fit_input("SGDRegressor", X, y);
  const Options& o = options_;
  const Eigen::Index n = X.rows(), d = X.cols();
  enum { None_ = 0, L1 = 1, L2 = 2, ElasticNet = 3 } penalty = None_;
  if (o.penalty == "l1") penalty = L1;
  if (o.penalty == "l2") penalty = L2;
  if (o.penalty == "elasticnet") penalty = ElasticNet;
  const bool optimal = o.learning_rate == "optimal", invscaling = o.learning_rate == "invscaling",
             adaptive = o.learning_rate == "adaptive";
  double l1_ratio = o.l1_ratio;
  if (penalty == L2) l1_ratio = 0.0;
  if (penalty == L1) l1_ratio = 1.0;
  const double alpha = o.alpha;
  constexpr double max_dloss = 1e12;

  // Rows are read one at a time: a row-major copy keeps each sample contiguous, as numpy's is.
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> Xr = X;
  std::vector<double> w(static_cast<std::size_t>(d), 0.0);
  std::vector<double> q(penalty == L1 || penalty == ElasticNet ? w.size() : 0, 0.0);
  double wscale = 1.0, intercept = 0.0, u = 0.0, t = 1.0;
  const auto reset_wscale = [&] {
    for (double& v : w) v *= wscale;
    wscale = 1.0;
  };
  double eta = o.eta0, optimal_init = 0.0;
  if (optimal) {
    // scikit-learn: typw = sqrt(1/sqrt(alpha)), eta0 = typw / max(1, dloss(−typw, 1)); the squared
    // loss's dloss there is −typw − 1 < 1.
    const double typw = std::sqrt(1.0 / std::sqrt(alpha));
    const double initial_eta0 = typw / std::max(1.0, -typw - 1.0);
    optimal_init = 1.0 / (initial_eta0 * alpha);
  }
  double best_loss = std::numeric_limits<double>::infinity();
  int no_improvement = 0, epoch = 0;
  bool converged = false;
  for (epoch = 0; epoch < o.max_iter; ++epoch) {
    double sumloss = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double* x = Xr.data() + i * d;
      double p = 0.0;
      for (Eigen::Index j = 0; j < d; ++j) p += w[static_cast<std::size_t>(j)] * x[j];
      p = p * wscale + intercept;
      if (optimal)
        eta = 1.0 / (alpha * (optimal_init + t - 1.0));
      else if (invscaling)
        eta = o.eta0 / std::pow(t, o.power_t);
      const double r = p - y[i];
      sumloss += 0.5 * r * r;
      const double dloss = std::clamp(r, -max_dloss, max_dloss);
      const double update = -eta * dloss;  // × class weight × sample weight = 1
      if (penalty >= L2) {
        // Never a negative scale when eta·alpha is large: the weights become zero instead.
        wscale *= std::max(0.0, 1.0 - (1.0 - l1_ratio) * eta * alpha);
        if (wscale < 1e-9) reset_wscale();
      }
      if (update != 0.0) {
        const double step = update / wscale;
        for (Eigen::Index j = 0; j < d; ++j) w[static_cast<std::size_t>(j)] += x[j] * step;
        if (o.fit_intercept) intercept += update;  // intercept_decay = 1 for dense data
      }
      if (penalty == L1 || penalty == ElasticNet) {
        u += l1_ratio * eta * alpha;
        for (std::size_t j = 0; j < w.size(); ++j) {
          const double z = w[j];
          if (wscale * z > 0.0)
            w[j] = std::max(0.0, w[j] - (u + q[j]) / wscale);
          else if (wscale * z < 0.0)
            w[j] = std::min(0.0, w[j] + (u - q[j]) / wscale);
          q[j] += wscale * (w[j] - z);
        }
      }
      t += 1.0;
    }
    bool finite = std::isfinite(intercept);
    for (double v : w) finite = finite && std::isfinite(v);
    if (!finite)
      throw Error(fmt::format(
          "nabla::optim::SGDRegressor::fit: Floating-point under-/overflow occurred at epoch #{}. "
          "Scaling input data with StandardScaler or MinMaxScaler might help.",
          epoch + 1));
    const double tol_n = o.tol * static_cast<double>(n);
    if (o.tol > -std::numeric_limits<double>::infinity() && sumloss > best_loss - tol_n)
      ++no_improvement;
    else
      no_improvement = 0;
    best_loss = std::min(best_loss, sumloss);
    if (no_improvement >= o.n_iter_no_change) {
      if (adaptive && eta > 1e-6) {
        eta /= 5.0;
        no_improvement = 0;
      } else {
        converged = true;
        break;
      }
    }
  }
  reset_wscale();
  n_iter_ = converged ? epoch + 1 : o.max_iter;
  t_ = 1.0 + static_cast<double>(n_iter_) * static_cast<double>(n);
  coef_ = Eigen::Map<const Eigen::VectorXd>(w.data(), d);
  intercept_ = intercept;
  fitted_ = true;
  if (o.tol > -std::numeric_limits<double>::infinity() && n_iter_ == o.max_iter)
    warn(
        "ConvergenceWarning: Maximum number of iteration reached before convergence. Consider "
        "increasing max_iter to improve the fit.");
}

Eigen::VectorXd SGDRegressor::predict(const Eigen::MatrixXd& X) const {
  if (!fitted_) throw Error("nabla::optim::SGDRegressor::predict: not fitted (call fit first)");
  if (X.cols() != coef_.size())
    throw ShapeError(
        fmt::format("nabla::optim::SGDRegressor::predict: X has {} columns, fitted on {}", X.cols(),
                    coef_.size()));
  return (X * coef_).array() + intercept_;
}

}  // namespace nabla::optim
