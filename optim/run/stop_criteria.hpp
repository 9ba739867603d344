// Stopping criteria, combinable: every criterion that is set is checked after each update
// (full batch) or after each epoch (stochastic and mini-batch, where Q and ∇Q are full-data
// quantities evaluated once per epoch); the first that holds names the Result's stop_reason.
// Budgets (iterations, epochs) are checked after every update. Divergence is always on.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>

namespace nabla::optim {

// The norm ‖∇Q‖ is measured in, by StopCriteria::gradient_norm and the history's column:
// Two (‖g‖₂, the default) or Infinity (max |gᵢ|, scipy's gtol and the solvers' own gtol).
enum class GradientNorm { Two, Infinity };

[[nodiscard]] inline double norm_of(const Eigen::VectorXd& g, GradientNorm type) {
  if (type == GradientNorm::Two || g.size() == 0) return g.norm();
  return g.lpNorm<Eigen::Infinity>();
}

struct StopCriteria {
  // The default of max_iterations: 1000 updates when max_epochs is not set, no iteration limit
  // when it is (`.max_epochs = 30` alone runs 30 epochs, however many updates they take).
  static constexpr std::int64_t automatic = -1;
  std::int64_t max_iterations = automatic;  // parameter updates
  std::int64_t max_epochs = 0;              // passes over the data; 0 = no limit
  // Budgets of the methods that own their loop (solvers, zero-order and global search), checked
  // after every accepted iterate: value evaluations (0 = no limit) and wall-clock seconds.
  std::int64_t max_evaluations = 0;
  std::optional<double> max_seconds = {};
  std::optional<double> step_norm = {};                 // stop when ‖w_t − w_{t−1}‖ < ε
  std::optional<double> gradient_norm = {};             // stop when ‖∇Q(w_t)‖ < ε
  GradientNorm gradient_norm_type = GradientNorm::Two;  // ‖·‖₂ or ‖·‖∞, here and in the history
  std::optional<double> loss_below = {};                // stop when Q(w_t) ≤ ε
  std::optional<double> loss_change = {};               // stop when |Q_t − Q_{t−1}| ≤ ε
  std::optional<double> loss_vs_best =
      {};  // stop when |Q(x_m) − Q(x_t)| ≤ ε, x_m the best before t
  // A metric of w (accuracy, R², …), evaluated like the loss and recorded in the history's
  // `metric` column and in Progress::metric; with a target, stop when metric(w_t) ≥ target.
  std::function<double(const Eigen::VectorXd&)> metric = {};
  std::optional<double> metric_target = {};
  // Validation early stopping: validation(w) (a loss on held-out data) is evaluated like the
  // loss and recorded (history column `validation`, Progress::validation); when it has not
  // improved for `patience` evaluations the run stops and (restore_best) returns the best w.
  std::function<double(const Eigen::VectorXd&)> validation = {};
  int patience = 5;
  bool restore_best = true;
  // Divergence, tested on full-objective values only (every iteration in full batch, every
  // epoch in stochastic runs; a batch loss stops the run only when it is not finite): a
  // non-finite loss or gradient, a loss above divergence_factor·max(1, |Q_0|), or growth from
  // the best value Q_best by more than divergence_growth·max(1, |Q_0|, |Q_best|).
  double divergence_factor = 1e12;
  double divergence_growth = 1e4;
};

// The iteration budget a run uses: max_iterations when set; else 1000 without an epoch budget
// and no limit with one.
[[nodiscard]] constexpr std::int64_t effective_max_iterations(const StopCriteria& s) noexcept {
  if (s.max_iterations != StopCriteria::automatic) return s.max_iterations;
  return s.max_epochs > 0 ? std::numeric_limits<std::int64_t>::max() : 1000;
}

}  // namespace nabla::optim
