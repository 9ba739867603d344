// Stopping criteria, combinable: every criterion that is set is checked after each update
// (full batch) or after each epoch (stochastic and mini-batch, where Q and ∇Q are full-data
// quantities evaluated once per epoch); the first that holds names the Result's stop_reason.
// Budgets (iterations, epochs) are checked after every update. Divergence is always on.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <optional>

namespace nabla::optim {

struct StopCriteria {
  std::int64_t max_iterations = 1000;        // parameter updates
  std::int64_t max_epochs = 0;               // passes over the data; 0 = no limit
  std::optional<double> step_norm = {};      // stop when ‖w_t − w_{t−1}‖ < ε
  std::optional<double> gradient_norm = {};  // stop when ‖∇Q(w_t)‖ < ε
  std::optional<double> loss_below = {};     // stop when Q(w_t) ≤ ε
  std::optional<double> loss_change = {};    // stop when |Q_t − Q_{t−1}| ≤ ε
  std::optional<double> loss_vs_best =
      {};  // stop when |Q(x_m) − Q(x_t)| ≤ ε, x_m the best before t
  // A metric of w (accuracy, R², …) and its target: stop when metric(w_t) ≥ metric_target.
  std::function<double(const Eigen::VectorXd&)> metric = {};
  double metric_target = 0.0;
  // Validation early stopping: validation(w) is evaluated like the loss; when it has not
  // improved for `patience` evaluations the run stops and (restore_best) returns the best w.
  std::function<double(const Eigen::VectorXd&)> validation = {};
  int patience = 5;
  bool restore_best = true;
  // Divergence: a non-finite loss or gradient, or a loss above divergence_factor·max(1, |Q_0|).
  double divergence_factor = 1e12;
};

}  // namespace nabla::optim
