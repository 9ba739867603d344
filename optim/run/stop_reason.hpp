// Why a run stopped: the first stopping criterion that fired (optim/stop_criteria.hpp).
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace nabla::optim {

enum class StopReason {
  MaxIterations,  // the update budget is spent
  MaxEpochs,      // the epoch budget is spent
  StepNorm,       // ‖w_t − w_{t−1}‖ < ε
  GradientNorm,   // ‖∇Q(w_t)‖ < ε
  LossBelow,      // Q(w_t) ≤ ε
  LossChange,     // |Q_t − Q_{t−1}| ≤ ε
  LossVsBest,  // |Q(x_m) − Q(x_t)| ≤ ε, x_m the best point before t (002_…txt, condition 6)
  Metric,      // a user metric reached its target (≥ m)
  EarlyStopping,  // the validation loss did not improve for `patience` evaluations
  Callback,       // a callback asked to stop
  Diverged,       // the loss became NaN/Inf or exploded: lower the learning rate
  // Appended (values are stable):
  LineSearchFailed,   // no step along the direction decreased Q enough (the message says why)
  Converged,          // a solver's own convergence test held (the message says which)
  NegativeCurvature,  // the Hessian (or operator) is not positive definite along a direction
  Stalled,            // Q stopped decreasing beyond rounding: more iterations cannot improve it
  MaxEvaluations,  // the evaluation budget is spent (StopCriteria::max_evaluations, a method's own)
  TimeLimit,       // the wall-clock budget is spent (StopCriteria::max_seconds)
};

// A short snake_case name ("max_iterations", "diverged", …), as used in CSV and tables.
constexpr std::string_view to_string(StopReason r) {
  switch (r) {
    case StopReason::MaxIterations: return "max_iterations";
    case StopReason::MaxEpochs: return "max_epochs";
    case StopReason::StepNorm: return "step_norm";
    case StopReason::GradientNorm: return "gradient_norm";
    case StopReason::LossBelow: return "loss_below";
    case StopReason::LossChange: return "loss_change";
    case StopReason::LossVsBest: return "loss_vs_best";
    case StopReason::Metric: return "metric";
    case StopReason::EarlyStopping: return "early_stopping";
    case StopReason::Callback: return "callback";
    case StopReason::Diverged: return "diverged";
    case StopReason::LineSearchFailed: return "line_search_failed";
    case StopReason::Converged: return "converged";
    case StopReason::NegativeCurvature: return "negative_curvature";
    case StopReason::Stalled: return "stalled";
    case StopReason::MaxEvaluations: return "max_evaluations";
    case StopReason::TimeLimit: return "time_limit";
  }
  return "unknown";
}

}  // namespace nabla::optim

template <>
struct fmt::formatter<nabla::optim::StopReason> : fmt::formatter<std::string_view> {
  auto format(nabla::optim::StopReason r, format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(nabla::optim::to_string(r), ctx);
  }
};
