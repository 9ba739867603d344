// What a solver (a method that owns its loop) works with: counted evaluations of the objective
// (with Options::penalty added), the run monitor it reports each accepted iterate to, and a
// memory that is saved and resumed with the run. The loop of a solver reads
//
//   void solve(SolverRun& run) const {
//     Eigen::VectorXd x = run.x0(), g;
//     double q = run.value_gradient(x, g);
//     if (run.start(x, q, g)) return;            // non-finite start, or a start that satisfies
//     while (true) {                             // a criterion, ends the run here
//       … choose the next x (and its q, g) …
//       if (run.accept(x, q, g, step)) return;   // budgets, criteria, callbacks, divergence
//     }
//   }
//
// A solver ends the run itself with run.stop(reason, message), e.g. when its line search fails.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nabla/autodiff/core/mode.hpp>
#include <nabla/optim/first_order/step_state.hpp>
#include <nabla/optim/objectives/objective.hpp>
#include <nabla/optim/run/monitor.hpp>
#include <nabla/optim/run/options.hpp>
#include <nabla/optim/run/result.hpp>
#include <nabla/optim/run/run_state.hpp>

namespace nabla::optim {

class SolverRun {
 public:
  // `descent`: the monitor's growth test of divergence applies (false for zero-order and
  // global methods). Throws before any evaluation when the objective lacks what `needs` names.
  SolverRun(Objective& objective, const Eigen::VectorXd& x0, std::string_view method,
            Capabilities needs, const Options& options, bool descent = true);

  [[nodiscard]] const Eigen::VectorXd& x0() const noexcept { return state_.x; }
  [[nodiscard]] Eigen::Index size() const noexcept { return state_.x.size(); }
  [[nodiscard]] const Options& options() const noexcept { return opt_; }
  // What the objective evaluates (a global method's local search uses the gradient when there).
  [[nodiscard]] Capabilities objective_capabilities() const { return obj_.capabilities(); }
  [[nodiscard]] std::int64_t iteration() const noexcept { return state_.iteration; }
  [[nodiscard]] bool resumed() const noexcept { return resumed_; }
  // The solver's own state (L-BFGS pairs, a simplex, …): saved with the run, handed back on
  // resume. Empty on a fresh start.
  [[nodiscard]] StepState& memory() noexcept { return state_.step; }

  // Counted evaluations (Result::evaluations). A non-finite value is returned as it is: a line
  // search or a zero-order method treats it as +inf. Each keeps the batch statistics it saw
  // (batch norm) pending; accept() commits those of the accepted point's evaluation, so the
  // running statistics update once per iteration, never for a rejected trial.
  double value(const Eigen::VectorXd& x);
  double value_gradient(const Eigen::VectorXd& x, Eigen::VectorXd& g);
  void hessian_vector(const Eigen::VectorXd& x, const Eigen::VectorXd& v, Eigen::VectorXd& hv);
  // For the methods that treat Options::penalty's L1 part exactly (ProximalGradient, OWLQN):
  // the objective with only the penalty's L2 part (counted as value_gradient), and the L1
  // weight of each coordinate (0 for the excluded one).
  double smooth_value(const Eigen::VectorXd& x);
  double smooth_value_gradient(const Eigen::VectorXd& x, Eigen::VectorXd& g);
  [[nodiscard]] Eigen::VectorXd l1_weights() const;
  void hessian(const Eigen::VectorXd& x, Eigen::MatrixXd& h);

  // The start point's evaluation (g empty for a method without gradients). Returns true when
  // the run is already over: a non-finite start (Diverged, "check the start point"), or a start
  // that satisfies a criterion on the point.
  bool start(const Eigen::VectorXd& x, double q, const Eigen::VectorXd& g);
  // An accepted iterate: one iteration. Returns true when the run is over (a budget, a
  // criterion, a callback, or divergence — then x is the last finite iterate).
  bool accept(const Eigen::VectorXd& x, double q, const Eigen::VectorXd& g, double step_size);
  // StopCriteria::max_evaluations or max_seconds is spent: the run is stopped (MaxEvaluations,
  // TimeLimit) and true returned. accept() checks it; a method that evaluates many points per
  // iteration (a population, a batch of trials) polls it between them.
  bool out_of_budget();
  [[nodiscard]] std::int64_t evaluations() const noexcept {
    return monitor_.evaluations_const().values;
  }
  [[nodiscard]] double elapsed_seconds() const { return monitor_.elapsed_seconds(); }
  // The solver ends the run (a failed line search, a converged simplex, …).
  void stop(StopReason reason, std::string message);
  [[nodiscard]] bool stopped() const noexcept { return monitor_.stopped(); }
  // The second-order check at the last point (Result::second_order): stationary when
  // ‖g‖∞ ≤ gtol, then the signs of the eigenvalues of the symmetric h decide.
  void check_second_order(const Eigen::VectorXd& g, const Eigen::MatrixXd& h, double gtol);

  // For the method's Result: called by minimize after solve() returns.
  Result finish();

 private:
  Objective& obj_;
  const Options& opt_;
  RunState state_;
  Monitor monitor_;
  bool resumed_ = false;
  Eigen::VectorXd previous_x_;
  double last_gnorm_ = 0.0;
  double last_step_size_ = 0.0;
  double last_step_norm_ = 0.0;
  std::optional<StationaryKind> second_order_;
  Eigen::VectorXd hessian_eigenvalues_;
  // The batch statistics of the latest evaluation (pending) and the point they were seen at.
  StatisticsUpdates latest_statistics_;
  bool has_model_state_ = false;  // Objective::model_state() is not empty
  Eigen::VectorXd statistics_at_;
  template <class Evaluate>
  double capturing(const Eigen::VectorXd& x, Evaluate evaluate);
  // At an accepted x: commits the pending statistics when they were seen at x, else drops them.
  void settle_statistics(const Eigen::VectorXd& x);
};

}  // namespace nabla::optim
