#include <nabla/optim/run/monitor.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

#include <nabla/autodiff/core/mode.hpp>

namespace nabla::optim {

Monitor::Monitor(const Options& options, RunState& state, std::int64_t samples,
                 bool keyed_by_iteration, double lr, bool descent)
    : opt_(options),
      state_(state),
      samples_(samples),
      keyed_by_iteration_(keyed_by_iteration),
      lr_(lr),
      descent_(descent),
      max_iterations_(effective_max_iterations(options.stop)),
      final_value_(std::numeric_limits<double>::quiet_NaN()) {}

void Monitor::stop(StopReason reason, std::string message) {
  reason_ = reason;
  message_ = std::move(message);
}

bool Monitor::iteration_budget_spent() {
  if (state_.iteration < max_iterations_) return false;
  stop(StopReason::MaxIterations,
       fmt::format("reached the iteration budget ({})", max_iterations_));
  return true;
}

bool Monitor::evaluation_budget_spent() {
  const std::int64_t budget = opt_.stop.max_evaluations;
  if (budget <= 0 || evaluations_.values < budget) return false;
  stop(StopReason::MaxEvaluations,
       fmt::format("reached the evaluation budget ({} values)", evaluations_.values));
  return true;
}

double Monitor::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

bool Monitor::time_budget_spent() {
  if (!opt_.stop.max_seconds) return false;
  const double t = elapsed_seconds();
  if (t < *opt_.stop.max_seconds) return false;
  stop(StopReason::TimeLimit,
       fmt::format("reached the time budget ({:.3g} s of {:g} s)", t, *opt_.stop.max_seconds));
  return true;
}

bool Monitor::epoch_budget_spent() {
  if (opt_.stop.max_epochs <= 0 || state_.epoch < opt_.stop.max_epochs) return false;
  stop(StopReason::MaxEpochs, fmt::format("reached the epoch budget ({})", opt_.stop.max_epochs));
  return true;
}

bool Monitor::exploded(double q) const {
  if (!descent_) return false;
  const double q0 = state_.first_loss;
  const double scale0 = std::isfinite(q0) ? std::max(1.0, std::abs(q0)) : 1.0;
  if (q > opt_.stop.divergence_factor * scale0) return true;
  const double best = state_.best_value;
  if (!std::isfinite(best)) return false;
  return q - best > opt_.stop.divergence_growth * std::max(scale0, std::abs(best));
}

std::string Monitor::where() const {
  return keyed_by_iteration_ ? fmt::format("iteration {}", state_.iteration)
                             : fmt::format("epoch {}", state_.epoch);
}

void Monitor::diverge(double q, double step_size, const Eigen::VectorXd& last_finite) {
  std::string what;
  if (std::isnan(q))
    what = "the loss became NaN";
  else if (std::isinf(q))
    what = "the loss became infinite";
  else
    what = fmt::format("the loss grew from {:.6g} to {:.6g}", state_.best_value, q);
  if (std::isfinite(lr_))
    stop(StopReason::Diverged,
         fmt::format("diverged at {}: {}; lower the learning rate (lr = {:g}, step size at "
                     "divergence {:g}). x is the last iterate with a finite loss.",
                     where(), what, lr_, step_size));
  else
    stop(StopReason::Diverged,
         fmt::format("diverged at {}: {} (step {:g}). x is the last iterate with a finite loss.",
                     where(), what, step_size));
  state_.x = last_finite;
  final_value_ = std::numeric_limits<double>::quiet_NaN();
}

void Monitor::remember_best(const Eigen::VectorXd& x, double q) {
  if (q < state_.best_value) {
    state_.best_value = q;
    if (opt_.track_best) state_.best_x = x;
  }
}

void Monitor::average(const Eigen::VectorXd& x) {
  const Averaging& a = opt_.averaging;
  if (a.kind == Averaging::Kind::None || state_.iteration < a.start) return;
  const double w = a.kind == Averaging::Kind::Uniform ? 1.0 : static_cast<double>(state_.iteration);
  if (state_.average.size() != x.size()) {
    state_.average = x;
    state_.average_weight = w;
    return;
  }
  state_.average_weight += w;
  state_.average += (w / state_.average_weight) * (x - state_.average);
}

void Monitor::record(double q, double gnorm, double step_size, double step_norm,
                     const Eigen::VectorXd& x, bool force) {
  if (!opt_.history.enabled) return;
  const std::int64_t key = keyed_by_iteration_ ? state_.iteration : state_.epoch;
  if (!force && key % opt_.history.every != 0) return;
  if (!history_.rows.empty() && history_.rows.back().iteration == state_.iteration &&
      history_.rows.back().epoch == state_.epoch)
    return;
  HistoryRow row{state_.iteration, state_.epoch, q, gnorm, step_size, step_norm, {}};
  if (opt_.history.record_x) row.x = x;
  history_.rows.push_back(std::move(row));
}

bool Monitor::start_satisfies(double q, double gnorm, const Eigen::VectorXd& x) const {
  const StopCriteria& s = opt_.stop;
  return (s.gradient_norm && gnorm < *s.gradient_norm) || (s.loss_below && q <= *s.loss_below) ||
         (s.metric && s.metric_target && s.metric(x) >= *s.metric_target);
}

void Monitor::measure(const Eigen::VectorXd& x) {
  const StopCriteria& s = opt_.stop;
  if ((!s.metric && !s.validation) || measured_at_ == state_.iteration) return;
  measured_at_ = state_.iteration;
  // Validation is the model's evaluation: batch norm with running statistics, no dropout.
  TrainModeScope mode(TrainMode::Evaluation);
  measured_metric_ = s.metric ? s.metric(x) : std::numeric_limits<double>::quiet_NaN();
  measured_validation_ = s.validation ? s.validation(x) : std::numeric_limits<double>::quiet_NaN();
  if (!history_.rows.empty() && history_.rows.back().iteration == state_.iteration) {
    history_.rows.back().validation = measured_validation_;
    history_.rows.back().metric = measured_metric_;
  }
}

bool Monitor::check(double q, double q_prev, double best_before, double gnorm, double step_norm,
                    Eigen::VectorXd& x) {
  const StopCriteria& s = opt_.stop;
  auto fire = [&](StopReason r, std::string msg) {
    stop(r, std::move(msg));
    return true;
  };
  // Validation and metric first: they are recorded whichever criterion fires.
  measure(x);
  const double m = measured_metric_;
  const double v = measured_validation_;
  if (s.step_norm && step_norm < *s.step_norm)
    return fire(StopReason::StepNorm,
                fmt::format("‖w_t − w_t−1‖ = {:.3g} < {:g}", step_norm, *s.step_norm));
  if (s.gradient_norm && gnorm < *s.gradient_norm)
    return fire(StopReason::GradientNorm,
                fmt::format("‖∇Q‖{} = {:.3g} < {:g}",
                            s.gradient_norm_type == GradientNorm::Infinity ? "∞" : "", gnorm,
                            *s.gradient_norm));
  if (s.loss_below && q <= *s.loss_below)
    return fire(StopReason::LossBelow, fmt::format("Q = {:.10g} <= {:g}", q, *s.loss_below));
  if (s.loss_change && std::abs(q - q_prev) <= *s.loss_change)
    return fire(StopReason::LossChange, fmt::format("|Q_t − Q_t−1| = {:.3g} <= {:g}",
                                                    std::abs(q - q_prev), *s.loss_change));
  if (s.loss_vs_best && std::abs(best_before - q) <= *s.loss_vs_best)
    return fire(StopReason::LossVsBest, fmt::format("|Q(x_m) − Q(x_t)| = {:.3g} <= {:g}",
                                                    std::abs(best_before - q), *s.loss_vs_best));
  if (s.metric && s.metric_target && m >= *s.metric_target)
    return fire(StopReason::Metric, fmt::format("metric = {:.6g} >= {:g}", m, *s.metric_target));
  if (s.validation) {
    if (v < state_.valid_best) {
      state_.valid_best = v;
      state_.valid_best_x = x;
      state_.valid_bad = 0;
    } else if (++state_.valid_bad >= s.patience) {
      if (s.restore_best && state_.valid_best_x.size() == x.size()) {
        x = state_.valid_best_x;
        final_value_ = std::numeric_limits<double>::quiet_NaN();  // re-evaluated in finish()
      }
      return fire(StopReason::EarlyStopping,
                  fmt::format("validation loss did not improve for {} evaluations (best {:.6g})",
                              s.patience, state_.valid_best));
    }
  }
  return false;
}

bool Monitor::accept(Eigen::VectorXd& x, double q, double gnorm, double step_size,
                     double step_norm) {
  const double best_before = state_.best_value;
  remember_best(x, q);
  average(x);
  record(q, gnorm, step_size, step_norm, x);
  const double q_prev = state_.last_loss;
  state_.last_loss = q;
  final_value_ = q;
  if (check(q, q_prev, best_before, gnorm, step_norm, x)) return true;
  if (callback(opt_.on_iteration, q, step_size, x) || callback(opt_.on_epoch, q, step_size, x))
    return true;
  progress_tick(q);
  return false;
}

bool Monitor::callback(const std::function<bool(const Progress&)>& cb, double q, double step_size,
                       const Eigen::VectorXd& x) {
  if (!cb) return false;
  Progress p{state_.iteration, state_.epoch, q, step_size, &x};
  if (measured_at_ == state_.iteration) {
    p.validation = measured_validation_;
    p.metric = measured_metric_;
  }
  if (!cb(p)) return false;
  stop(StopReason::Callback,
       fmt::format("a callback stopped the run at iteration {}", state_.iteration));
  return true;
}

// The bar's length in updates: the iteration budget, or the epoch budget's updates when only
// that is set.
std::int64_t Monitor::progress_total() const {
  if (max_iterations_ != std::numeric_limits<std::int64_t>::max()) return max_iterations_;
  const std::int64_t l = std::max<std::int64_t>(1, samples_);
  const std::int64_t k = opt_.batching.kind == Batching::Kind::MiniBatch
                             ? std::max<std::int64_t>(1, opt_.batching.size)
                             : (opt_.batching.kind == Batching::Kind::Full ? l : 1);
  return opt_.stop.max_epochs * ((l + k - 1) / k);
}

void Monitor::progress_bar(double q) {
  if (!opt_.progress_bar) return;
  const std::int64_t total = std::max<std::int64_t>(1, progress_total());
  const int filled = static_cast<int>(std::min<std::int64_t>(30, 30 * state_.iteration / total));
  fmt::print(stderr, "\r[{:#<{}}{:<{}}] {}/{} Q = {:.6g}", "", filled, "", 30 - filled,
             state_.iteration, total, q);
  if (reason_) fmt::print(stderr, "\n");
}

void Monitor::progress_tick(double q) {
  if (opt_.progress_bar &&
      state_.iteration % std::max<std::int64_t>(1, progress_total() / 100) == 0)
    progress_bar(q);
}

Result Monitor::finish(const std::function<double(const Eigen::VectorXd&)>& value) {
  Result r;
  r.x = state_.x;
  const Eigen::Index n = state_.x.size();
  if (std::isnan(final_value_) && value && r.x.allFinite()) final_value_ = value(r.x);
  r.value = final_value_;
  r.iterations = state_.iteration;
  r.epochs = state_.epoch;
  r.samples = state_.samples;
  r.stop_reason = reason_.value_or(StopReason::MaxIterations);
  r.message = std::move(message_);
  r.history = std::move(history_);
  if (opt_.track_best && state_.best_x.size() == n) {
    r.best_x = state_.best_x;
    r.best_value = state_.best_value;
  } else {
    r.best_x = r.x;
    r.best_value = r.value;
  }
  if (state_.average.size() == n) {
    r.averaged_x = state_.average;
    if (value) r.averaged_value = value(r.averaged_x);
  }
  // After the evaluations above, which the counts include.
  r.evaluations = evaluations_;
  r.method = state_.method;
  r.state = std::move(state_);
  return r;
}

}  // namespace nabla::optim
