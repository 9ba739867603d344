#include <nabla/optim/driver.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/random.hpp>

namespace nabla::optim {

namespace {

bool finite(const Eigen::VectorXd& v) { return v.allFinite(); }

// Batching::Order::Auto made concrete (options.hpp); a contradiction is an error.
Batching::Order resolved_order(const Options& opt) {
  using Order = Batching::Order;
  const Order order = opt.batching.order;
  if (!opt.batching.shuffle && order != Order::Auto && order != Order::Sequential)
    throw Error(
        "nabla::optim::minimize: Batching.shuffle = false asks for Order::Sequential, but "
        "Batching.order asks for another order; set only Batching.order");
  if (order != Order::Auto) return order;
  if (!opt.batching.shuffle) return Order::Sequential;
  const bool memorizes = opt.variance_reduction == VarianceReduction::SAG ||
                         opt.variance_reduction == VarianceReduction::SAGA;
  return memorizes ? Order::WithReplacement : Order::Reshuffled;
}

// Options that would run, silently, to a wrong answer: rejected before the first evaluation,
// naming the option. `n` is the number of parameters.
void validate(const Options& opt, Eigen::Index n) {
  auto fail = [](const std::string& what) {
    throw Error(fmt::format("nabla::optim::minimize: {}", what));
  };
  auto positive = [](double v) { return v > 0.0 && std::isfinite(v); };
  auto non_negative = [](double v) { return v >= 0.0 && std::isfinite(v); };
  if (opt.clip.max_norm && !positive(*opt.clip.max_norm))
    fail(fmt::format("Clipping.max_norm = {} must be positive and finite", *opt.clip.max_norm));
  if (opt.clip.max_value && !positive(*opt.clip.max_value))
    fail(fmt::format("Clipping.max_value = {} must be positive and finite", *opt.clip.max_value));
  if (!non_negative(opt.penalty.l1) || !non_negative(opt.penalty.l2))
    fail(
        fmt::format("Penalty l1 = {}, l2 = {}: both must be >= 0 and finite (a negative "
                    "penalty makes the objective unbounded below)",
                    opt.penalty.l1, opt.penalty.l2));
  if (opt.penalty.exclude && (*opt.penalty.exclude < 0 || *opt.penalty.exclude >= n))
    throw ShapeError(fmt::format(
        "nabla::optim::minimize: Penalty.exclude = {} is not a coordinate of x (size {})",
        *opt.penalty.exclude, n));
  if (opt.stop.max_iterations < 0 && opt.stop.max_iterations != StopCriteria::automatic)
    fail(fmt::format(
        "StopCriteria.max_iterations = {} must be >= 0 (or StopCriteria::automatic: 1000 "
        "without max_epochs, no limit with it)",
        opt.stop.max_iterations));
  if (opt.stop.max_epochs < 0)
    fail(fmt::format("StopCriteria.max_epochs = {} must be >= 0 (0: no limit)",
                     opt.stop.max_epochs));
  if (!(opt.stop.divergence_factor > 1.0))
    fail(
        fmt::format("StopCriteria.divergence_factor = {} must be > 1", opt.stop.divergence_factor));
  if (!non_negative(opt.noise.eta))
    fail(
        fmt::format("GradientNoise.eta = {} must be >= 0 and finite (0: no noise)", opt.noise.eta));
}

// A step rule's own hyper-parameters, checked by name where the rule has them (as PyTorch's
// optimizers check theirs): averaging factors in [0, 1) — β₁ = 1 makes Adam's bias correction
// 1/(1 − β₁ᵗ) infinite, a run that would then be blamed on lr — and non-negative finite
// decays and ε.
template <class Rule>
void validate_rule(const Rule& r, std::string_view name) {
  auto fail = [&](std::string_view field, double v, std::string_view range) {
    throw Error(
        fmt::format("nabla::optim::minimize: {}.{} = {} must be in {}", name, field, v, range));
  };
  auto unit = [&](std::string_view field, double v) {
    if (!(v >= 0.0 && v < 1.0)) fail(field, v, "[0, 1)");
  };
  auto non_negative = [&](std::string_view field, double v) {
    if (!(v >= 0.0 && std::isfinite(v))) fail(field, v, "[0, inf) (finite)");
  };
  if constexpr (requires { r.beta1; }) unit("beta1", r.beta1);
  if constexpr (requires { r.beta2; }) unit("beta2", r.beta2);
  if constexpr (requires { r.beta; }) unit("beta", r.beta);
  if constexpr (requires { r.alpha; }) unit("alpha", r.alpha);
  if constexpr (requires { r.rho; }) unit("rho", r.rho);
  if constexpr (requires { r.momentum; }) unit("momentum", r.momentum);
  if constexpr (requires { r.dampening; })
    if (!(r.dampening >= 0.0 && r.dampening <= 1.0)) fail("dampening", r.dampening, "[0, 1]");
  if constexpr (requires { r.eps; }) non_negative("eps", r.eps);
  if constexpr (requires { r.weight_decay; }) non_negative("weight_decay", r.weight_decay);
  if constexpr (requires { r.lr_decay; }) non_negative("lr_decay", r.lr_decay);
  if constexpr (requires { r.initial_accumulator_value; })
    non_negative("initial_accumulator_value", r.initial_accumulator_value);
  if constexpr (requires { r.momentum_decay; }) non_negative("momentum_decay", r.momentum_decay);
}

template <class Rule>
class Loop {
 public:
  Loop(Objective& obj, const Eigen::VectorXd& x0, const Rule& rule, int method_index, double lr,
       const Options& opt)
      : obj_(obj), rule_(rule), opt_(opt), lr_(lr), schedule_(opt.schedule) {
    const bool stochastic = opt.batching.kind != Batching::Kind::Full;
    if (stochastic && obj.samples() == 0)
      throw Error(
          "nabla::optim::minimize: stochastic or mini-batch batching needs a finite-sum "
          "objective (optim::FiniteSum)");
    if (opt.variance_reduction != VarianceReduction::None && !stochastic)
      throw Error(
          "nabla::optim::minimize: SAG/SAGA/SVRG need Batching::stochastic() or "
          "Batching::mini_batch(k)");
    if (opt.batching.kind == Batching::Kind::MiniBatch && opt.batching.size <= 0)
      throw Error("nabla::optim::minimize: Batching::mini_batch(k) needs k > 0");
    order_ = resolved_order(opt);
    if (opt.history.every <= 0) throw Error("nabla::optim::minimize: history.every must be > 0");
    if (opt.resume_from != nullptr) {
      const Eigen::Index saved = opt.resume_from->x.size();
      if (saved == 0 || opt.resume_from->method_index < 0)
        throw Error(
            "nabla::optim::minimize: the saved state to resume holds no run (a default "
            "RunState): pass the Result::state of an earlier run, or a loaded one");
      if (x0.size() != 0 && x0.size() != saved)
        throw ShapeError(fmt::format(
            "nabla::optim::minimize: x0 has size {} but the saved state to resume has {} "
            "parameters (pass an empty x0 to take the saved one)",
            x0.size(), saved));
      st_ = *opt.resume_from;
      if (st_.method_index != method_index)
        throw Error(
            fmt::format("nabla::optim::minimize: the saved state belongs to another step "
                        "rule (method index {} vs {})",
                        st_.method_index, method_index));
      rng_.set_state(st_.rng);
      schedule_.set_plateau_state(st_.plateau);
      resumed_ = true;
    } else {
      if (x0.size() == 0) throw ShapeError("nabla::optim::minimize: x0 is empty");
      st_.method_index = method_index;
      st_.x = x0;
      rule_.init(st_.step, x0.size());
      rng_.reseed(opt.seed);
    }
    n_ = st_.x.size();
    validate(opt, n_);
    max_iterations_ = effective_max_iterations(opt.stop);
  }

  Result run() {
    if (opt_.batching.kind == Batching::Kind::Full)
      full_batch();
    else
      stochastic();
    return finish();
  }

 private:
  // ---- objective plus penalty -------------------------------------------------------------
  double penalty_value(const Eigen::VectorXd& x) const {
    const Penalty& p = opt_.penalty;
    if (p.l1 == 0.0 && p.l2 == 0.0) return 0.0;
    double v = 0.0;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      if (p.exclude && *p.exclude == i) continue;
      v += p.l1 * std::abs(x[i]) + p.l2 * x[i] * x[i];
    }
    return v;
  }
  void add_penalty_gradient(const Eigen::VectorXd& x, Eigen::VectorXd& g) const {
    const Penalty& p = opt_.penalty;
    if (p.l1 == 0.0 && p.l2 == 0.0) return;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      if (p.exclude && *p.exclude == i) continue;
      const double sign = x[i] > 0.0 ? 1.0 : (x[i] < 0.0 ? -1.0 : 0.0);
      g[i] += p.l1 * sign + 2.0 * p.l2 * x[i];
    }
  }
  double eval(const Eigen::VectorXd& x, Eigen::VectorXd& g) {
    const double q = obj_.value_gradient(x, g) + penalty_value(x);
    add_penalty_gradient(x, g);
    return q;
  }
  double eval_value(const Eigen::VectorXd& x) { return obj_.value(x) + penalty_value(x); }

  // ---- per-update pieces ------------------------------------------------------------------
  // The step size of the next update; a schedule that yields a negative or non-finite one (a
  // custom schedule) would step uphill. 0 is allowed: a cosine schedule ends there.
  double rate() {
    const double eta = schedule_.rate(st_.iteration + 1, lr_);
    if (!(eta >= 0.0 && std::isfinite(eta)))
      throw Error(fmt::format(
          "nabla::optim::minimize: the schedule '{}' gave step size {} at iteration {} (lr = "
          "{}); a step size must be >= 0 and finite",
          schedule_.describe(), eta, st_.iteration + 1, lr_));
    return eta;
  }

  void perturb(Eigen::VectorXd& g) {
    if (opt_.noise.eta > 0.0) {
      const double sigma = std::sqrt(
          opt_.noise.eta / std::pow(1.0 + static_cast<double>(st_.iteration), opt_.noise.gamma));
      for (Eigen::Index i = 0; i < g.size(); ++i) g[i] += sigma * rng_.normal();
    }
    if (opt_.clip.max_value) g = g.cwiseMax(-*opt_.clip.max_value).cwiseMin(*opt_.clip.max_value);
    if (opt_.clip.max_norm) {
      const double norm = g.norm();
      if (norm > *opt_.clip.max_norm) g *= *opt_.clip.max_norm / norm;
    }
  }

  void average(const Eigen::VectorXd& x) {
    const Averaging& a = opt_.averaging;
    if (a.kind == Averaging::Kind::None || st_.iteration < a.start) return;
    const double w = a.kind == Averaging::Kind::Uniform ? 1.0 : static_cast<double>(st_.iteration);
    if (st_.average.size() != x.size()) {
      st_.average = x;
      st_.average_weight = w;
      return;
    }
    st_.average_weight += w;
    st_.average += (w / st_.average_weight) * (x - st_.average);
  }

  void remember_best(const Eigen::VectorXd& x, double q) {
    if (q < st_.best_value) {
      st_.best_value = q;
      if (opt_.track_best) st_.best_x = x;
    }
  }

  void record(double q, double gnorm, double eta, double step_norm, const Eigen::VectorXd& x,
              bool force = false) {
    if (!opt_.history.enabled) return;
    const std::int64_t key = opt_.batching.kind == Batching::Kind::Full ? st_.iteration : st_.epoch;
    if (!force && key % opt_.history.every != 0) return;
    if (!history_.rows.empty() && history_.rows.back().iteration == st_.iteration &&
        history_.rows.back().epoch == st_.epoch)
      return;
    HistoryRow row{st_.iteration, st_.epoch, q, gnorm, eta, step_norm, {}};
    if (opt_.history.record_x) row.x = x;
    history_.rows.push_back(std::move(row));
  }

  bool exploded(double q) const {
    const double scale =
        std::isfinite(st_.first_loss) ? std::max(1.0, std::abs(st_.first_loss)) : 1.0;
    return q > opt_.stop.divergence_factor * scale;
  }

  void diverge(double q, double eta, const Eigen::VectorXd& last_finite) {
    reason_ = StopReason::Diverged;
    const char* what = std::isnan(q) ? "NaN" : (std::isinf(q) ? "infinite" : "exploded");
    message_ = fmt::format(
        "diverged at iteration {}: the loss became {} ({:g}); lower the learning rate (lr = {:g}, "
        "step size at divergence {:g}). x is the last iterate with a finite loss.",
        st_.iteration, what, q, lr_, eta);
    st_.x = last_finite;
    final_value_ = std::numeric_limits<double>::quiet_NaN();
  }

  // Criteria on an evaluated point; returns true (and sets the reason) when one fires.
  bool check(double q, double q_prev, double best_before, double gnorm, double step_norm,
             Eigen::VectorXd& x) {
    const StopCriteria& s = opt_.stop;
    auto fire = [&](StopReason r, std::string msg) {
      reason_ = r;
      message_ = std::move(msg);
      return true;
    };
    if (s.step_norm && step_norm < *s.step_norm)
      return fire(StopReason::StepNorm,
                  fmt::format("‖w_t − w_t−1‖ = {:.3g} < {:g}", step_norm, *s.step_norm));
    if (s.gradient_norm && gnorm < *s.gradient_norm)
      return fire(StopReason::GradientNorm,
                  fmt::format("‖∇Q‖ = {:.3g} < {:g}", gnorm, *s.gradient_norm));
    if (s.loss_below && q <= *s.loss_below)
      return fire(StopReason::LossBelow, fmt::format("Q = {:.10g} <= {:g}", q, *s.loss_below));
    if (s.loss_change && std::abs(q - q_prev) <= *s.loss_change)
      return fire(StopReason::LossChange, fmt::format("|Q_t − Q_t−1| = {:.3g} <= {:g}",
                                                      std::abs(q - q_prev), *s.loss_change));
    if (s.loss_vs_best && std::abs(best_before - q) <= *s.loss_vs_best)
      return fire(StopReason::LossVsBest, fmt::format("|Q(x_m) − Q(x_t)| = {:.3g} <= {:g}",
                                                      std::abs(best_before - q), *s.loss_vs_best));
    if (s.metric) {
      const double m = s.metric(x);
      if (m >= s.metric_target)
        return fire(StopReason::Metric, fmt::format("metric = {:.6g} >= {:g}", m, s.metric_target));
    }
    if (s.validation) {
      const double v = s.validation(x);
      if (v < st_.valid_best) {
        st_.valid_best = v;
        st_.valid_best_x = x;
        st_.valid_bad = 0;
      } else if (++st_.valid_bad >= s.patience) {
        if (s.restore_best && st_.valid_best_x.size() == x.size()) {
          x = st_.valid_best_x;
          final_value_ = std::numeric_limits<double>::quiet_NaN();  // re-evaluated in finish()
        }
        return fire(StopReason::EarlyStopping,
                    fmt::format("validation loss did not improve for {} evaluations (best {:.6g})",
                                s.patience, st_.valid_best));
      }
    }
    return false;
  }

  bool callback(const std::function<bool(const Progress&)>& cb, double q, double eta,
                const Eigen::VectorXd& x) {
    if (!cb) return false;
    const Progress p{st_.iteration, st_.epoch, q, eta, &x};
    if (!cb(p)) return false;
    reason_ = StopReason::Callback;
    message_ = fmt::format("a callback stopped the run at iteration {}", st_.iteration);
    return true;
  }

  // The bar's length in updates: the iteration budget, or the epoch budget's updates when
  // only that is set.
  [[nodiscard]] std::int64_t progress_total() const {
    if (max_iterations_ != std::numeric_limits<std::int64_t>::max()) return max_iterations_;
    const std::int64_t l = std::max<std::int64_t>(1, obj_.samples());
    const std::int64_t k = opt_.batching.kind == Batching::Kind::MiniBatch
                               ? std::max<std::int64_t>(1, opt_.batching.size)
                               : (opt_.batching.kind == Batching::Kind::Full ? l : 1);
    return opt_.stop.max_epochs * ((l + k - 1) / k);
  }

  void progress_bar(double q) {
    if (!opt_.progress_bar) return;
    const std::int64_t total = std::max<std::int64_t>(1, progress_total());
    const int filled = static_cast<int>(std::min<std::int64_t>(30, 30 * st_.iteration / total));
    fmt::print(stderr, "\r[{:#<{}}{:<{}}] {}/{} Q = {:.6g}", "", filled, "", 30 - filled,
               st_.iteration, total, q);
    if (reason_) fmt::print(stderr, "\n");
  }

  // ---- full batch -------------------------------------------------------------------------
  void full_batch() {
    const std::int64_t l = std::max<std::int64_t>(obj_.samples(), 1);
    Eigen::VectorXd& x = st_.x;
    double q = eval(x, g_);
    if (!std::isfinite(q) || !finite(g_)) {
      diverge(q, 0.0, x);
      message_ = fmt::format(
          "the objective or its gradient is not finite at {} (Q = {:g}); "
          "check the start point",
          resumed_ ? "the resumed point" : "x0", q);
      return;
    }
    if (!resumed_) {
      st_.first_loss = q;
      st_.last_loss = q;
      remember_best(x, q);
      average(x);
      record(q, g_.norm(), 0.0, 0.0, x, true);
      const StopCriteria& s = opt_.stop;
      // A start point that already satisfies a criterion on the point itself is not moved.
      if ((s.gradient_norm && g_.norm() < *s.gradient_norm) ||
          (s.loss_below && q <= *s.loss_below) || (s.metric && s.metric(x) >= s.metric_target)) {
        const double inf = std::numeric_limits<double>::infinity();
        check(q, inf, inf, g_.norm(), inf, x);
        final_value_ = q;
        return;
      }
    }
    double eta = 0.0;
    while (true) {
      if (st_.iteration >= max_iterations_) {
        reason_ = StopReason::MaxIterations;
        message_ = fmt::format("reached the iteration budget ({})", max_iterations_);
        break;
      }
      if (opt_.stop.max_epochs > 0 && st_.epoch >= opt_.stop.max_epochs) {
        reason_ = StopReason::MaxEpochs;
        message_ = fmt::format("reached the epoch budget ({})", opt_.stop.max_epochs);
        break;
      }
      eta = rate();
      dir_ = g_;
      if constexpr (detail::HasLookahead<Rule>) {
        if (rule_.lookahead(st_.step, x, at_)) {
          const double qa = eval(at_, dir_);
          if (!std::isfinite(qa) || !finite(dir_)) {
            diverge(qa, eta, x);
            break;
          }
        }
      }
      perturb(dir_);
      x_prev_ = x;
      rule_.step(st_.step, x, dir_, eta);
      ++st_.iteration;
      ++st_.epoch;
      st_.samples += l;
      const double qn = eval(x, g_);
      if (!std::isfinite(qn) || !finite(g_) || exploded(qn)) {
        diverge(qn, eta, x_prev_);
        final_value_ = st_.last_loss;
        break;
      }
      const double step_norm = (x - x_prev_).norm();
      last_step_norm_ = step_norm;
      const double best_before = st_.best_value;
      remember_best(x, qn);
      average(x);
      schedule_.observe(qn);
      const double gnorm = g_.norm();
      record(qn, gnorm, eta, step_norm, x);
      const double q_prev = st_.last_loss;
      st_.last_loss = qn;
      final_value_ = qn;
      if (check(qn, q_prev, best_before, gnorm, step_norm, x)) break;
      if (callback(opt_.on_iteration, qn, eta, x) || callback(opt_.on_epoch, qn, eta, x)) break;
      if (opt_.progress_bar &&
          st_.iteration % std::max<std::int64_t>(1, progress_total() / 100) == 0)
        progress_bar(qn);
    }
    if (reason_ != StopReason::Diverged)
      record(st_.last_loss, g_.norm(), eta, last_step_norm_, x, true);
    progress_bar(st_.last_loss);
  }

  // ---- stochastic and mini-batch ----------------------------------------------------------
  void init_variance_reduction(const Eigen::VectorXd& x) {
    const std::int64_t l = obj_.samples();
    switch (opt_.variance_reduction) {
      case VarianceReduction::None:
      case VarianceReduction::SVRG: break;
      case VarianceReduction::SAG:
        st_.memory = Eigen::MatrixXd::Zero(l, n_);
        st_.memory_sum = Eigen::VectorXd::Zero(n_);
        st_.seen.assign(static_cast<std::size_t>(l), 0);
        st_.seen_count = 0;
        break;
      case VarianceReduction::SAGA:
        st_.memory.resize(l, n_);
        st_.memory_sum = Eigen::VectorXd::Zero(n_);
        for (std::int64_t i = 0; i < l; ++i) {
          const std::int64_t one[1] = {i};
          obj_.batch_value_gradient(x, one, gi_);
          st_.memory.row(i) = gi_.transpose();
          st_.memory_sum += gi_;
        }
        st_.seen.assign(static_cast<std::size_t>(l), 1);
        st_.seen_count = l;
        break;
    }
  }

  // The gradient estimate for one batch at x (into g_); returns the batch loss.
  double estimate(const Eigen::VectorXd& x, std::span<const std::int64_t> batch) {
    const double inv = 1.0 / static_cast<double>(batch.size());
    switch (opt_.variance_reduction) {
      case VarianceReduction::None: return obj_.batch_value_gradient(x, batch, g_);
      case VarianceReduction::SAG: {
        double q = 0.0;
        for (const std::int64_t i : batch) {
          q += inv * obj_.batch_value_gradient(x, std::span(&i, 1), gi_);
          if (st_.seen[static_cast<std::size_t>(i)] == 0) {
            st_.seen[static_cast<std::size_t>(i)] = 1;
            ++st_.seen_count;
          }
          st_.memory_sum += gi_ - st_.memory.row(i).transpose();
          st_.memory.row(i) = gi_.transpose();
        }
        g_ = st_.memory_sum / static_cast<double>(st_.seen_count);
        return q;
      }
      case VarianceReduction::SAGA: {
        const double l = static_cast<double>(obj_.samples());
        double q = 0.0;
        g_ = st_.memory_sum / l;
        for (const std::int64_t i : batch) {
          q += inv * obj_.batch_value_gradient(x, std::span(&i, 1), gi_);
          g_ += inv * (gi_ - st_.memory.row(i).transpose());
        }
        for (const std::int64_t i : batch) {
          obj_.batch_value_gradient(x, std::span(&i, 1), gi_);
          st_.memory_sum += gi_ - st_.memory.row(i).transpose();
          st_.memory.row(i) = gi_.transpose();
        }
        return q;
      }
      case VarianceReduction::SVRG: {
        const double q = obj_.batch_value_gradient(x, batch, g_);
        obj_.batch_value_gradient(st_.snapshot_x, batch, gi_);
        g_ += st_.snapshot_grad - gi_;
        return q;
      }
    }
    return 0.0;
  }

  void stochastic() {
    const std::int64_t l = obj_.samples();
    const std::int64_t k = opt_.batching.kind == Batching::Kind::Stochastic
                               ? 1
                               : std::min<std::int64_t>(opt_.batching.size, l);
    Eigen::VectorXd& x = st_.x;
    if (!resumed_) {
      st_.permutation.resize(static_cast<std::size_t>(l));
      for (std::int64_t i = 0; i < l; ++i) st_.permutation[static_cast<std::size_t>(i)] = i;
      st_.cursor = 0;
      if (opt_.evaluate) {
        const double q = eval(x, gfull_);
        if (!std::isfinite(q) || !finite(gfull_)) {
          diverge(q, 0.0, x);
          message_ = fmt::format("the objective is not finite at x0 (Q = {:g})", q);
          return;
        }
        st_.first_loss = st_.last_loss = q;
        remember_best(x, q);
        record(q, gfull_.norm(), 0.0, 0.0, x, true);
      }
      init_variance_reduction(x);
    }
    x_prev_ = x;
    double eta = 0.0;
    while (!reason_) {
      if (opt_.stop.max_epochs > 0 && st_.epoch >= opt_.stop.max_epochs) {
        reason_ = StopReason::MaxEpochs;
        message_ = fmt::format("reached the epoch budget ({})", opt_.stop.max_epochs);
        break;
      }
      if (st_.cursor == 0) {
        // The epoch's draws go into `permutation`, which the run state saves: a resumed run
        // continues the same sequence.
        switch (order_) {
          case Batching::Order::Reshuffled:
            for (std::int64_t i = l - 1; i > 0; --i)
              std::swap(st_.permutation[static_cast<std::size_t>(i)],
                        st_.permutation[static_cast<std::size_t>(
                            rng_.below(static_cast<std::uint64_t>(i) + 1))]);
            break;
          case Batching::Order::WithReplacement:
            for (std::int64_t& i : st_.permutation)
              i = static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(l)));
            break;
          case Batching::Order::Sequential:
            for (std::int64_t i = 0; i < l; ++i) st_.permutation[static_cast<std::size_t>(i)] = i;
            break;
          case Batching::Order::Auto: break;  // resolved in the constructor
        }
        if (opt_.variance_reduction == VarianceReduction::SVRG) {
          st_.snapshot_x = x;
          obj_.value_gradient(x, st_.snapshot_grad);
        }
        st_.epoch_start_x = x;
      }
      while (st_.cursor < l) {
        if (st_.iteration >= max_iterations_) {
          reason_ = StopReason::MaxIterations;
          message_ = fmt::format("reached the iteration budget ({})", max_iterations_);
          break;
        }
        const std::span<const std::int64_t> batch(
            st_.permutation.data() + st_.cursor,
            static_cast<std::size_t>(std::min(k, l - st_.cursor)));
        eta = rate();
        if (const std::int64_t next = st_.cursor + static_cast<std::int64_t>(batch.size());
            next < l)
          obj_.prefetch(std::span<const std::int64_t>(
              st_.permutation.data() + next, static_cast<std::size_t>(std::min(k, l - next))));
        const Eigen::VectorXd* at = &x;
        if constexpr (detail::HasLookahead<Rule>) {
          if (rule_.lookahead(st_.step, x, at_)) at = &at_;
        }
        double qb = estimate(*at, batch) + penalty_value(*at);
        add_penalty_gradient(*at, g_);
        if (!std::isfinite(st_.first_loss)) st_.first_loss = qb;
        // g is not scanned for NaN/Inf here (that would cost a pass over w per sample): a
        // non-finite g makes w non-finite, and the next batch loss reports it.
        if (!std::isfinite(qb) || exploded(qb)) {
          diverge(qb, eta, x_prev_);
          break;
        }
        perturb(g_);
        x_prev_ = x;
        rule_.step(st_.step, x, g_, eta);
        ++st_.iteration;
        st_.samples += static_cast<std::int64_t>(batch.size());
        st_.cursor += static_cast<std::int64_t>(batch.size());
        average(x);
        final_value_ = std::numeric_limits<double>::quiet_NaN();
        if (callback(opt_.on_iteration, qb, eta, x)) break;
      }
      if (reason_) break;
      st_.cursor = 0;
      ++st_.epoch;
      double q = std::numeric_limits<double>::quiet_NaN();
      if (opt_.evaluate) {
        q = eval(x, gfull_);
        if (!std::isfinite(q) || !finite(gfull_) || exploded(q)) {
          diverge(q, eta, st_.epoch_start_x);
          break;
        }
        const double step_norm = (x - st_.epoch_start_x).norm();
        const double best_before = st_.best_value;
        remember_best(x, q);
        schedule_.observe(q);
        record(q, gfull_.norm(), eta, step_norm, x);
        const double q_prev = st_.last_loss;
        st_.last_loss = q;
        final_value_ = q;
        if (check(q, q_prev, best_before, gfull_.norm(), step_norm, x)) break;
      }
      if (callback(opt_.on_epoch, q, eta, x)) break;
      progress_bar(q);
    }
    if (opt_.evaluate && reason_ != StopReason::Diverged) {
      if (std::isnan(final_value_)) final_value_ = eval(x, gfull_);
      record(final_value_, gfull_.norm(), eta, (x - st_.epoch_start_x).norm(), x, true);
    }
    progress_bar(final_value_);
  }

  // ---- result -----------------------------------------------------------------------------
  Result finish() {
    Result r;
    r.x = st_.x;
    if (std::isnan(final_value_) && opt_.evaluate && finite(r.x)) final_value_ = eval_value(r.x);
    r.value = final_value_;
    r.iterations = st_.iteration;
    r.epochs = st_.epoch;
    r.samples = st_.samples;
    r.stop_reason = reason_.value_or(StopReason::MaxIterations);
    r.message = std::move(message_);
    r.history = std::move(history_);
    if (opt_.track_best && st_.best_x.size() == n_) {
      r.best_x = st_.best_x;
      r.best_value = st_.best_value;
    } else {
      r.best_x = r.x;
      r.best_value = r.value;
    }
    if (st_.average.size() == n_) {
      r.averaged_x = st_.average;
      if (opt_.evaluate) r.averaged_value = eval_value(r.averaged_x);
    }
    st_.rng = rng_.state();
    st_.plateau = schedule_.plateau_state();
    r.state = std::move(st_);
    return r;
  }

  Objective& obj_;
  const Rule& rule_;
  const Options& opt_;
  double lr_;
  std::int64_t max_iterations_ = 0;  // effective_max_iterations(opt_.stop)
  Schedule schedule_;
  RunState st_;
  Rng rng_;
  bool resumed_ = false;
  Batching::Order order_ = Batching::Order::Reshuffled;
  Eigen::Index n_ = 0;
  std::optional<StopReason> reason_;
  std::string message_;
  History history_;
  double final_value_ = std::numeric_limits<double>::quiet_NaN();
  double last_step_norm_ = 0.0;
  Eigen::VectorXd g_, gi_, gfull_, dir_, at_, x_prev_;
};

}  // namespace

Result run(Objective& objective, const Eigen::VectorXd& x0, const Method& method,
           const Options& options) {
  // A negative or non-finite step size would run, silently, away from the minimum.
  if (const double lr = method_lr(method); !(lr > 0.0 && std::isfinite(lr)))
    throw Error(fmt::format("nabla::optim::minimize: {}.lr = {} must be positive and finite",
                            method_name(method), lr));
  return std::visit(
      [&](const auto& rule) {
        validate_rule(rule, method_name(method));
        Loop loop(objective, x0, rule, static_cast<int>(method.index()), rule.lr, options);
        return loop.run();
      },
      method);
}

}  // namespace nabla::optim
