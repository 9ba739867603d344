#include <nabla/optim/solvers/solver_run.hpp>

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <utility>

#include <nabla/autodiff/core/error.hpp>
#include <nabla/autodiff/teaching/stationary_point.hpp>

#include <nabla/optim/run/penalty.hpp>
#include <nabla/optim/run/validate.hpp>

namespace nabla::optim {

SolverRun::SolverRun(Objective& objective, const Eigen::VectorXd& x0, std::string_view method,
                     Capabilities needs, const Options& options, bool descent)
    : obj_(objective),
      opt_(options),
      state_(detail::initial_state(x0, method, options)),
      monitor_(options, state_, objective.samples(), true, std::numeric_limits<double>::quiet_NaN(),
               descent),
      resumed_(options.resume_from != nullptr) {
  if (opt_.batching.kind != Batching::Kind::Full ||
      opt_.variance_reduction != VarianceReduction::None)
    throw Error(fmt::format(
        "nabla::optim::minimize: {} evaluates the full objective; batching and variance "
        "reduction are options of the step rules (Adam, GradientDescent, …)",
        method));
  if (!opt_.groups.empty())
    throw Error(fmt::format(
        "nabla::optim::minimize: Options.groups (per-block lr, weight decay, frozen blocks) "
        "apply to step rules; {} is a solver",
        method));
  detail::validate_options(opt_, state_.x.size());
  detail::validate_problem(obj_, state_.x.size(), method, needs, opt_);
  if (resumed_ && state_.model_state.size() != 0) obj_.set_model_state(state_.model_state);
  has_model_state_ = obj_.model_state().size() != 0;
}

template <class Evaluate>
double SolverRun::capturing(const Eigen::VectorXd& x, Evaluate evaluate) {
  // Only a model with state can have statistics: the capture's thread-local bookkeeping costs
  // 15–40 ns, half the driver's overhead per evaluation of a cheap function (search_overhead).
  if (!has_model_state_) return evaluate();
  latest_statistics_.discard();
  double q = 0.0;
  {
    const StatisticsCapture capture(latest_statistics_);
    q = evaluate();
  }
  if (latest_statistics_.size() != 0) statistics_at_ = x;  // no copy for a model without any
  return q;
}

void SolverRun::settle_statistics(const Eigen::VectorXd& x) {
  if (latest_statistics_.size() == 0) return;
  if (statistics_at_.size() == x.size() && statistics_at_ == x)
    latest_statistics_.commit();
  else
    latest_statistics_.discard();
}

double SolverRun::value(const Eigen::VectorXd& x) {
  ++monitor_.evaluations().values;
  return capturing(x, [&] { return obj_.value(x); }) + detail::penalty_value(opt_.penalty, x);
}

double SolverRun::value_gradient(const Eigen::VectorXd& x, Eigen::VectorXd& g) {
  ++monitor_.evaluations().values;
  ++monitor_.evaluations().gradients;
  const double q = capturing(x, [&] { return obj_.value_gradient(x, g); }) +
                   detail::penalty_value(opt_.penalty, x);
  detail::add_penalty_gradient(opt_.penalty, x, g);
  return q;
}

double SolverRun::smooth_value(const Eigen::VectorXd& x) {
  ++monitor_.evaluations().values;
  Penalty l2 = opt_.penalty;
  l2.l1 = 0.0;
  return capturing(x, [&] { return obj_.value(x); }) + detail::penalty_value(l2, x);
}

double SolverRun::smooth_value_gradient(const Eigen::VectorXd& x, Eigen::VectorXd& g) {
  ++monitor_.evaluations().values;
  ++monitor_.evaluations().gradients;
  Penalty l2 = opt_.penalty;
  l2.l1 = 0.0;
  const double q =
      capturing(x, [&] { return obj_.value_gradient(x, g); }) + detail::penalty_value(l2, x);
  detail::add_penalty_gradient(l2, x, g);
  return q;
}

Eigen::VectorXd SolverRun::l1_weights() const {
  Eigen::VectorXd w = Eigen::VectorXd::Constant(state_.x.size(), opt_.penalty.l1);
  if (opt_.penalty.exclude && *opt_.penalty.exclude >= 0 && *opt_.penalty.exclude < w.size())
    w[*opt_.penalty.exclude] = 0.0;
  return w;
}

void SolverRun::hessian_vector(const Eigen::VectorXd& x, const Eigen::VectorXd& v,
                               Eigen::VectorXd& hv) {
  ++monitor_.evaluations().hessian_vectors;
  obj_.hessian_vector(x, v, hv);
  detail::add_penalty_hessian_vector(opt_.penalty, v, hv);
}

void SolverRun::hessian(const Eigen::VectorXd& x, Eigen::MatrixXd& h) {
  ++monitor_.evaluations().hessians;
  obj_.hessian(x, h);
  if (opt_.penalty.l2 != 0.0)
    for (Eigen::Index i = 0; i < h.rows(); ++i)
      if (!(opt_.penalty.exclude && *opt_.penalty.exclude == i)) h(i, i) += 2.0 * opt_.penalty.l2;
}

bool SolverRun::start(const Eigen::VectorXd& x, double q, const Eigen::VectorXd& g) {
  latest_statistics_.discard();  // the start point is no step
  const bool has_gradient = g.size() == x.size();
  const double gnorm = has_gradient ? norm_of(g, opt_.stop.gradient_norm_type)
                                    : std::numeric_limits<double>::quiet_NaN();
  if (!std::isfinite(q) || (has_gradient && !g.allFinite())) {
    monitor_.diverge(q, 0.0, state_.x);
    monitor_.set_message(fmt::format(
        "diverged: the objective or its gradient is not finite at {} (Q = {:g}); check the "
        "start point",
        resumed_ ? "the resumed point" : "x0", q));
    return true;
  }
  previous_x_ = x;
  state_.x = x;
  last_gnorm_ = gnorm;
  monitor_.set_final_value(q);
  if (resumed_) return monitor_.iteration_budget_spent();
  state_.first_loss = q;
  state_.last_loss = q;
  monitor_.remember_best(x, q);
  monitor_.average(x);
  monitor_.record(q, gnorm, 0.0, 0.0, x, true);
  monitor_.measure(x);
  if (monitor_.start_satisfies(q, gnorm, state_.x)) {
    const double inf = std::numeric_limits<double>::infinity();
    monitor_.check(q, inf, inf, gnorm, inf, state_.x);
    return true;
  }
  return monitor_.iteration_budget_spent();
}

bool SolverRun::accept(const Eigen::VectorXd& x, double q, const Eigen::VectorXd& g,
                       double step_size) {
  const bool has_gradient = g.size() == x.size();
  ++state_.iteration;
  ++state_.epoch;
  state_.samples += std::max<std::int64_t>(obj_.samples(), 1);
  if (!std::isfinite(q) || (has_gradient && !g.allFinite()) || !x.allFinite() ||
      monitor_.exploded(q)) {
    latest_statistics_.discard();
    monitor_.diverge(q, step_size, previous_x_);
    monitor_.set_final_value(state_.last_loss);
    return true;
  }
  const double gnorm = has_gradient ? norm_of(g, opt_.stop.gradient_norm_type)
                                    : std::numeric_limits<double>::quiet_NaN();
  settle_statistics(x);
  const double step_norm = (x - previous_x_).norm();
  state_.x = x;
  previous_x_ = x;
  last_gnorm_ = gnorm;
  last_step_size_ = step_size;
  last_step_norm_ = step_norm;
  if (monitor_.accept(state_.x, q, gnorm, step_size, step_norm)) return true;
  if (monitor_.iteration_budget_spent()) return true;
  if (monitor_.epoch_budget_spent()) return true;
  return out_of_budget();
}

bool SolverRun::out_of_budget() {
  return monitor_.evaluation_budget_spent() || monitor_.time_budget_spent();
}

void SolverRun::stop(StopReason reason, std::string message) {
  monitor_.stop(reason, std::move(message));
}

void SolverRun::check_second_order(const Eigen::VectorXd& g, const Eigen::MatrixXd& h,
                                   double gtol) {
  if (!g.allFinite() || !h.allFinite()) return;
  StationaryPoint p;
  p.gradient = g;
  p.hessian = h;
  nabla::detail::classify(p, gtol, 1e-10);
  second_order_ = p.kind;
  hessian_eigenvalues_ = std::move(p.eigenvalues);
}

Result SolverRun::finish() {
  latest_statistics_.discard();  // trials after the last accepted point update nothing
  if (!monitor_.stopped())
    monitor_.stop(StopReason::Converged,
                  fmt::format("{} returned at iteration {} without naming a stop reason",
                              state_.method, state_.iteration));
  if (monitor_.reason() != StopReason::Diverged)
    monitor_.record(state_.last_loss, last_gnorm_, last_step_size_, last_step_norm_, state_.x,
                    true);
  monitor_.progress_bar(state_.last_loss);
  Result r = monitor_.finish([this](const Eigen::VectorXd& x) { return value(x); });
  r.state.model_state = obj_.model_state();
  if (second_order_) {
    r.second_order = second_order_;
    r.hessian_eigenvalues = std::move(hessian_eigenvalues_);
    const Eigen::VectorXd& l = r.hessian_eigenvalues;
    r.message += l.size() == 0 ? fmt::format("; second-order check: {}", to_string(*second_order_))
                               : fmt::format(
                                     "; second-order check: {} (∇²Q's eigenvalues in "
                                     "[{:.3g}, {:.3g}])",
                                     to_string(*second_order_), l[0], l[l.size() - 1]);
  }
  return r;
}

}  // namespace nabla::optim
