// The run shared by every method: budgets, stopping criteria, divergence, the best and the
// averaged iterate, history, callbacks, the progress bar, evaluation counts and the Result.
// A method owns its loop and its evaluations; after each accepted iterate it tells the monitor,
// which says whether the run is over (and why). The first-order driver (first_order/driver.cpp)
// and every solver (solvers/solver_run.hpp) use the same monitor, so a criterion, a callback or
// a history column means the same thing for Adam, SAGA and a line-search method.
#pragma once

#include <Eigen/Core>

#include <chrono>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <nabla/optim/run/evaluations.hpp>
#include <nabla/optim/run/history.hpp>
#include <nabla/optim/run/options.hpp>
#include <nabla/optim/run/result.hpp>
#include <nabla/optim/run/run_state.hpp>
#include <nabla/optim/run/stop_reason.hpp>

namespace nabla::optim {

class Monitor {
 public:
  // `keyed_by_iteration`: history rows and progress count updates (full batch, solvers) rather
  // than epochs. `samples` is the objective's number of terms (0 when not a finite sum), `lr`
  // the method's step size, quoted in the divergence message. `descent`: the growth test of
  // divergence applies (a zero-order or global method's worse trial is not divergence).
  Monitor(const Options& options, RunState& state, std::int64_t samples, bool keyed_by_iteration,
          double lr, bool descent = true);

  [[nodiscard]] bool stopped() const noexcept { return reason_.has_value(); }
  [[nodiscard]] std::optional<StopReason> reason() const noexcept { return reason_; }
  void stop(StopReason reason, std::string message);
  void set_message(std::string message) { message_ = std::move(message); }

  // The budgets; each sets the stop reason when spent.
  bool iteration_budget_spent();
  bool epoch_budget_spent();
  // StopCriteria::max_evaluations (value evaluations so far) and max_seconds (since the
  // monitor was made).
  bool evaluation_budget_spent();
  bool time_budget_spent();
  [[nodiscard]] double elapsed_seconds() const;
  [[nodiscard]] std::int64_t max_iterations() const noexcept { return max_iterations_; }

  // Divergence. `exploded` is the growth test on a full-objective value:
  //   Q − Q_best > ρ·max(1, |Q_0|, |Q_best|)  (StopCriteria::divergence_growth = ρ), or
  //   Q > divergence_factor·max(1, |Q_0|).
  [[nodiscard]] bool exploded(double q) const;
  // Stops as Diverged, x ← last_finite; `where` is "iteration 12" or "epoch 7".
  void diverge(double q, double step_size, const Eigen::VectorXd& last_finite);

  void remember_best(const Eigen::VectorXd& x, double q);
  void average(const Eigen::VectorXd& x);
  void record(double q, double gnorm, double step_size, double step_norm, const Eigen::VectorXd& x,
              bool force = false);
  // StopCriteria::validation and ::metric at x (when set), into the history row of this
  // iteration and the next callbacks' Progress. check() calls it; a method calls it at its
  // start point (after its first record) so that the curves start at x0.
  void measure(const Eigen::VectorXd& x);
  // The criteria on an evaluated point (q_prev: the previous evaluation, best_before: the best
  // value before this one). May replace x by the best validation iterate (restore_best).
  bool check(double q, double q_prev, double best_before, double gnorm, double step_norm,
             Eigen::VectorXd& x);
  // An accepted iterate of a full-objective method (full-batch step rules, solvers): x with
  // value q and gradient norm gnorm (NaN: none), reached by a step of size step_size and length
  // step_norm. Best and averaged iterates, history, criteria (x may become the best validation
  // iterate), both callbacks, progress. True when the run is over.
  bool accept(Eigen::VectorXd& x, double q, double gnorm, double step_size, double step_norm);
  // Whether the start point already satisfies a criterion on the point itself (gradient norm,
  // loss below, metric): such a start is not moved.
  [[nodiscard]] bool start_satisfies(double q, double gnorm, const Eigen::VectorXd& x) const;
  bool callback(const std::function<bool(const Progress&)>& cb, double q, double step_size,
                const Eigen::VectorXd& x);
  void progress_bar(double q);
  // Draws the bar about a hundred times over the run (full batch and solvers).
  void progress_tick(double q);

  [[nodiscard]] double final_value() const noexcept { return final_value_; }
  void set_final_value(double q) noexcept { final_value_ = q; }
  // This call's evaluations (a resumed run counts from zero again, as scipy counts per call).
  [[nodiscard]] Evaluations& evaluations() noexcept { return evaluations_; }
  [[nodiscard]] const Evaluations& evaluations_const() const noexcept { return evaluations_; }

  // The Result; `value` evaluates Q at a point (the final x when its value is not known, the
  // averaged iterate), or is empty when the run does not evaluate.
  Result finish(const std::function<double(const Eigen::VectorXd&)>& value);

 private:
  [[nodiscard]] std::int64_t progress_total() const;
  [[nodiscard]] std::string where() const;

  const Options& opt_;
  RunState& state_;
  std::int64_t samples_;
  bool keyed_by_iteration_;
  double lr_;
  bool descent_;
  std::int64_t max_iterations_;
  std::optional<StopReason> reason_;
  std::string message_;
  History history_;
  double final_value_;
  Evaluations evaluations_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  // Validation and metric of the last check(), for the callbacks at the same iteration.
  std::int64_t measured_at_ = -1;
  double measured_validation_ = 0.0;
  double measured_metric_ = 0.0;
};

}  // namespace nabla::optim
