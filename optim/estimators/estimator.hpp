// The Estimator interface of nabla's scikit-learn-style models: fit(X, y) on the rows of X,
// predict(X), score(X, y) = R² by default (r2_score). Estimators are built from Params (the
// hyper-parameters a grid search varies), and report what scikit-learn would raise as a Python
// warning (ConvergenceWarning, the least-populated-class UserWarning, FitFailedWarning) through a
// WarningSink, a std::function the caller can replace to capture them; the default sink prints
// each distinct message to stderr once, as Python's default warning filter does.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include <fmt/format.h>

#include <Eigen/Core>

#include <nabla/autodiff/core/error.hpp>
#include <nabla/optim/estimators/r2_score.hpp>
#include <nabla/optim/tuning/params.hpp>

namespace nabla::optim {

using WarningSink = std::function<void(const std::string& message)>;

// Prints "nabla warning: <message>" to stderr the first time a message is seen (thread-safe).
[[nodiscard]] inline WarningSink default_warning_sink() {
  return [](const std::string& message) {
    static std::mutex mutex;
    static std::set<std::string, std::less<>> seen;
    const std::lock_guard lock(mutex);
    if (seen.insert(message).second) std::fprintf(stderr, "nabla warning: %s\n", message.c_str());
  };
}

// Delivers a warning to `sink`, or to the default sink when it is empty.
inline void emit_warning(const WarningSink& sink, const std::string& message) {
  if (sink)
    sink(message);
  else
    default_warning_sink()(message);
}

class Estimator {
 public:
  virtual ~Estimator() = default;

  virtual void fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y) = 0;
  [[nodiscard]] virtual Eigen::VectorXd predict(const Eigen::MatrixXd& X) const = 0;
  // R² of the predictions (r2_score), scikit-learn's RegressorMixin.score.
  [[nodiscard]] virtual double score(const Eigen::MatrixXd& X, const Eigen::VectorXd& y) const {
    return r2_score(y, predict(X));
  }

  // Where this estimator's warnings go (an empty function: default_warning_sink()).
  void set_warning_sink(WarningSink sink) { sink_ = std::move(sink); }

 protected:
  void warn(const std::string& message) const { emit_warning(sink_, message); }
  // Checks that X has as many rows as y and at least one, naming the estimator in the error.
  static void check_fit_input(const char* who, const Eigen::MatrixXd& X, const Eigen::VectorXd& y) {
    if (X.rows() != y.size() || X.rows() == 0)
      throw ShapeError(fmt::format("nabla::optim::{}::fit: X has {} rows, y has {} samples", who,
                                   X.rows(), y.size()));
  }

 private:
  WarningSink sink_;
};

// What a grid search calls once per fit: a fresh estimator with these parameters (it may be
// called from several threads at once, so it must not share mutable state).
using EstimatorFactory = std::function<std::unique_ptr<Estimator>(const Params&)>;

}  // namespace nabla::optim
