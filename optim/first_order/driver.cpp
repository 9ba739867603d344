#include <nabla/optim/first_order/driver.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nabla/autodiff/core/error.hpp>
#include <nabla/autodiff/core/mode.hpp>

#include <nabla/optim/method.hpp>
#include <nabla/optim/run/monitor.hpp>
#include <nabla/optim/run/parameter_groups.hpp>
#include <nabla/optim/run/penalty.hpp>
#include <nabla/optim/run/random.hpp>
#include <nabla/optim/run/validate.hpp>

namespace nabla::optim::detail {

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

// A user's rule as the loop's Rule: every call through AnyStepRule's virtual functions.
struct VirtualRule {
  const AnyStepRule& rule;
  void init(StepState& s, Eigen::Index n) const { rule.init(s, n); }
  void step(StepState& s, Eigen::VectorXd& x, const Eigen::VectorXd& g, double eta) const {
    rule.step(s, x, g, eta);
  }
  bool lookahead(const StepState& s, const Eigen::VectorXd& x, Eigen::VectorXd& at) const {
    return rule.lookahead(s, x, at);
  }
};

template <class Rule>
class Loop {
 public:
  Loop(Objective& obj, const Eigen::VectorXd& x0, const Rule& rule, const FirstOrderMethod& method,
       const Options& opt)
      : obj_(obj),
        rule_(rule),
        opt_(opt),
        lr_(method.lr),
        schedule_(opt.schedule),
        st_(initial_state(x0, method.name, opt)),
        monitor_(opt, st_, obj.samples(), opt.batching.kind == Batching::Kind::Full, method.lr) {
    const bool stochastic = opt.batching.kind != Batching::Kind::Full;
    n_ = st_.x.size();
    validate_options(opt, n_);
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
    validate_problem(obj, n_, method.name,
                     stochastic ? method.needs | Capability::FiniteSum : method.needs, opt);
    order_ = resolved_order(opt);
    set_up_groups(method.name);
    if (opt.resume_from != nullptr) {
      check_resumed_groups();
      if (st_.model_state.size() != 0) obj_.set_model_state(st_.model_state);
      rng_.set_state(st_.rng);
      schedule_.set_plateau_state(st_.plateau);
      resumed_ = true;
    } else {
      if (segments_.empty()) {
        rule_.init(st_.step, n_);
      } else {
        st_.group_steps.assign(segments_.size(), StepState{});
        for (std::size_t k = 0; k < segments_.size(); ++k)
          if (!segments_[k].frozen) rules_[k].init(st_.group_steps[k], segments_[k].size);
      }
      rng_.reseed(opt.seed);
    }
  }

  Result run() {
    if (opt_.batching.kind == Batching::Kind::Full)
      full_batch();
    else
      stochastic();
    st_.rng = rng_.state();
    st_.plateau = schedule_.plateau_state();
    step_statistics_.discard();  // a step that was not taken (budget, divergence) updates nothing
    st_.model_state = obj_.model_state();
    // The final value of a stochastic run is measured like its per-epoch values.
    const bool stochastic = opt_.batching.kind != Batching::Kind::Full;
    return monitor_.finish(opt_.evaluate ? std::function<double(const Eigen::VectorXd&)>(
                                               [this, stochastic](const Eigen::VectorXd& x) {
                                                 TrainModeScope mode(stochastic
                                                                         ? TrainMode::Evaluation
                                                                         : TrainMode::Training);
                                                 return eval_value(x);
                                               })
                                         : std::function<double(const Eigen::VectorXd&)>());
  }

 private:
  // ---- counted evaluations, penalty added -------------------------------------------------
  double eval(const Eigen::VectorXd& x, Eigen::VectorXd& g) {
    ++monitor_.evaluations().values;
    ++monitor_.evaluations().gradients;
    const double q = obj_.value_gradient(x, g) + penalty_value(opt_.penalty, x);
    add_penalty_gradient(opt_.penalty, x, g);
    return q;
  }
  double eval_value(const Eigen::VectorXd& x) {
    ++monitor_.evaluations().values;
    return obj_.value(x) + penalty_value(opt_.penalty, x);
  }
  double batch(const Eigen::VectorXd& x, std::span<const std::int64_t> b, Eigen::VectorXd& g) {
    ++monitor_.evaluations().batch_calls;
    monitor_.evaluations().batch_samples += static_cast<std::int64_t>(b.size());
    return obj_.batch_value_gradient(x, b, g);
  }
  // The per-epoch evaluation of a stochastic run: value only, unless a gradient is needed.
  [[nodiscard]] bool epoch_needs_gradient() const {
    return opt_.stop.gradient_norm.has_value() || opt_.history.gradient_norm;
  }
  // It is the model's evaluation: TrainMode::Evaluation (batch norm with running statistics,
  // no dropout), as is validation (Monitor::measure).
  double eval_epoch(const Eigen::VectorXd& x, double& gnorm) {
    TrainModeScope mode(TrainMode::Evaluation);
    if (epoch_needs_gradient()) {
      const double q = eval(x, gfull_);
      gnorm = finite(gfull_) ? free_norm(gfull_) : std::numeric_limits<double>::quiet_NaN();
      if (!finite(gfull_)) return std::numeric_limits<double>::quiet_NaN();
      return q;
    }
    gnorm = std::numeric_limits<double>::quiet_NaN();
    return eval_value(x);
  }

  // ---- parameter groups (run/parameter_groups.hpp) ----------------------------------------
  // One rule per segment: the run's rule with the group's weight_decay.
  void set_up_groups(std::string_view method) {
    segments_ = resolve_groups(opt_.groups, obj_.parameter_blocks(), n_);
    for (const GroupSegment& seg : segments_) {
      Rule r = rule_;
      if (seg.weight_decay) {
        if constexpr (requires { r.weight_decay = 0.0; })
          r.weight_decay = *seg.weight_decay;
        else
          throw Error(fmt::format(
              "nabla::optim::minimize: Options.groups sets a weight_decay, but the step rule "
              "'{}' has no weight_decay field",
              method));
      }
      rules_.push_back(r);
      has_frozen_ = has_frozen_ || seg.frozen;
    }
  }
  void check_resumed_groups() const {
    if (st_.group_steps.size() != segments_.size())
      throw Error(
          fmt::format("nabla::optim::minimize: the saved state has {} parameter-group states but "
                      "Options.groups makes {} (resume with the groups the run was saved with)",
                      st_.group_steps.size(), segments_.size()));
  }
  // The rule's update of x, segment by segment when there are groups.
  void update(Eigen::VectorXd& x, const Eigen::VectorXd& g, double eta) {
    if (segments_.empty()) {
      rule_.step(st_.step, x, g, eta);
      return;
    }
    for (std::size_t k = 0; k < segments_.size(); ++k) {
      const GroupSegment& seg = segments_[k];
      if (seg.frozen) continue;
      xs_ = x.segment(seg.offset, seg.size);
      gs_ = g.segment(seg.offset, seg.size);
      rules_[k].step(st_.group_steps[k], xs_, gs_, eta * seg.lr_scale);
      x.segment(seg.offset, seg.size) = xs_;
    }
  }
  // Where the next gradient is taken (Nesterov's lookahead form), segment by segment.
  bool look_ahead(const Eigen::VectorXd& x, Eigen::VectorXd& at) {
    if (segments_.empty()) return rule_.lookahead(st_.step, x, at);
    bool moved = false;
    at = x;
    for (std::size_t k = 0; k < segments_.size(); ++k) {
      const GroupSegment& seg = segments_[k];
      if (seg.frozen) continue;
      xs_ = x.segment(seg.offset, seg.size);
      if (rules_[k].lookahead(st_.group_steps[k], xs_, gs_)) {
        at.segment(seg.offset, seg.size) = gs_;
        moved = true;
      }
    }
    return moved;
  }
  // ‖g‖ over the blocks that are trained.
  [[nodiscard]] double free_norm(const Eigen::VectorXd& g) const {
    const GradientNorm type = opt_.stop.gradient_norm_type;
    if (!has_frozen_) return norm_of(g, type);
    double sq = 0.0, max = 0.0;
    for (const GroupSegment& seg : segments_)
      if (!seg.frozen) {
        sq += g.segment(seg.offset, seg.size).squaredNorm();
        max = std::max(max, g.segment(seg.offset, seg.size).cwiseAbs().maxCoeff());
      }
    return type == GradientNorm::Infinity ? max : std::sqrt(sq);
  }

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
    // Frozen blocks have no gradient (as torch's requires_grad = false): clipping ignores them.
    if (has_frozen_ && opt_.clip.max_norm)
      for (const GroupSegment& seg : segments_)
        if (seg.frozen) g.segment(seg.offset, seg.size).setZero();
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

  // ---- full batch -------------------------------------------------------------------------
  // The gradient the next step uses, with the batch statistics it sees held pending until that
  // step is taken (batch norm's running statistics update once per step; a later capture in
  // the same step, the look-ahead's, replaces the pending values).
  double eval_for_step(const Eigen::VectorXd& x, Eigen::VectorXd& g) {
    StatisticsCapture capture(step_statistics_);
    StepScope step(static_cast<std::uint64_t>(st_.iteration), 0);
    return eval(x, g);
  }
  void full_batch() {
    const std::int64_t l = std::max<std::int64_t>(obj_.samples(), 1);
    Eigen::VectorXd& x = st_.x;
    double q = eval_for_step(x, g_);
    if (!std::isfinite(q) || !finite(g_)) {
      monitor_.diverge(q, 0.0, x);
      monitor_.set_message(
          fmt::format("the objective or its gradient is not finite at {} (Q = {:g}); "
                      "check the start point",
                      resumed_ ? "the resumed point" : "x0", q));
      return;
    }
    if (!resumed_) {
      st_.first_loss = q;
      st_.last_loss = q;
      monitor_.remember_best(x, q);
      monitor_.average(x);
      monitor_.record(q, free_norm(g_), 0.0, 0.0, x, true);
      monitor_.measure(x);
      // A start point that already satisfies a criterion on the point itself is not moved.
      if (monitor_.start_satisfies(q, free_norm(g_), x)) {
        const double inf = std::numeric_limits<double>::infinity();
        monitor_.check(q, inf, inf, free_norm(g_), inf, x);
        monitor_.set_final_value(q);
        return;
      }
    }
    double eta = 0.0;
    while (true) {
      if (monitor_.iteration_budget_spent() || monitor_.epoch_budget_spent()) break;
      eta = rate();
      dir_ = g_;
      if constexpr (HasLookahead<Rule>) {
        if (look_ahead(x, at_)) {
          const double qa = eval_for_step(at_, dir_);
          if (!std::isfinite(qa) || !finite(dir_)) {
            monitor_.diverge(qa, eta, x);
            break;
          }
        }
      }
      perturb(dir_);
      x_prev_ = x;
      update(x, dir_, eta);
      step_statistics_.commit();
      ++st_.iteration;
      ++st_.epoch;
      st_.samples += l;
      const double qn = eval_for_step(x, g_);
      if (!std::isfinite(qn) || !finite(g_) || monitor_.exploded(qn)) {
        monitor_.diverge(qn, eta, x_prev_);
        monitor_.set_final_value(st_.last_loss);
        break;
      }
      const double step_norm = (x - x_prev_).norm();
      last_step_norm_ = step_norm;
      schedule_.observe(qn);
      if (monitor_.accept(x, qn, free_norm(g_), eta, step_norm)) break;
    }
    if (monitor_.reason() != StopReason::Diverged)
      monitor_.record(st_.last_loss, free_norm(g_), eta, last_step_norm_, x, true);
    monitor_.progress_bar(st_.last_loss);
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
          batch(x, one, gi_);
          st_.memory.row(i) = gi_.transpose();
          st_.memory_sum += gi_;
        }
        st_.seen.assign(static_cast<std::size_t>(l), 1);
        st_.seen_count = l;
        break;
    }
  }

  // The gradient estimate for one batch at x (into g_); returns the batch loss.
  double estimate(const Eigen::VectorXd& x, std::span<const std::int64_t> b) {
    const double inv = 1.0 / static_cast<double>(b.size());
    switch (opt_.variance_reduction) {
      case VarianceReduction::None: return batch(x, b, g_);
      case VarianceReduction::SAG: {
        double q = 0.0;
        for (const std::int64_t i : b) {
          q += inv * batch(x, std::span(&i, 1), gi_);
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
        for (const std::int64_t i : b) {
          q += inv * batch(x, std::span(&i, 1), gi_);
          g_ += inv * (gi_ - st_.memory.row(i).transpose());
        }
        for (const std::int64_t i : b) {
          batch(x, std::span(&i, 1), gi_);
          st_.memory_sum += gi_ - st_.memory.row(i).transpose();
          st_.memory.row(i) = gi_.transpose();
        }
        return q;
      }
      case VarianceReduction::SVRG: {
        const double q = batch(x, b, g_);
        batch(st_.snapshot_x, b, gi_);
        g_ += st_.snapshot_grad - gi_;
        return q;
      }
    }
    return 0.0;
  }

  void shuffle_epoch(std::int64_t l) {
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
  }

  void stochastic() {
    const std::int64_t l = obj_.samples();
    const std::int64_t k = opt_.batching.kind == Batching::Kind::Stochastic
                               ? 1
                               : std::min<std::int64_t>(opt_.batching.size, l);
    Eigen::VectorXd& x = st_.x;
    double gnorm = std::numeric_limits<double>::quiet_NaN();
    if (!resumed_) {
      st_.permutation.resize(static_cast<std::size_t>(l));
      for (std::int64_t i = 0; i < l; ++i) st_.permutation[static_cast<std::size_t>(i)] = i;
      st_.cursor = 0;
      if (opt_.evaluate) {
        const double q = eval_epoch(x, gnorm);
        if (!std::isfinite(q)) {
          monitor_.diverge(q, 0.0, x);
          monitor_.set_message(fmt::format(
              "the objective is not finite at x0 (Q = {:g}); check the start point", q));
          return;
        }
        st_.first_loss = st_.last_loss = q;
        monitor_.remember_best(x, q);
        monitor_.record(q, gnorm, 0.0, 0.0, x, true);
        monitor_.measure(x);
      }
      init_variance_reduction(x);
    }
    x_prev_ = x;
    double eta = 0.0;
    while (!monitor_.stopped()) {
      if (monitor_.epoch_budget_spent()) break;
      if (st_.cursor == 0) {
        shuffle_epoch(l);
        if (opt_.variance_reduction == VarianceReduction::SVRG) {
          st_.snapshot_x = x;
          ++monitor_.evaluations().values;
          ++monitor_.evaluations().gradients;
          obj_.value_gradient(x, st_.snapshot_grad);
        }
        st_.epoch_start_x = x;
      }
      while (st_.cursor < l) {
        if (monitor_.iteration_budget_spent()) break;
        const std::span<const std::int64_t> b(
            st_.permutation.data() + st_.cursor,
            static_cast<std::size_t>(std::min(k, l - st_.cursor)));
        eta = rate();
        if (const std::int64_t next = st_.cursor + static_cast<std::int64_t>(b.size()); next < l)
          obj_.prefetch(std::span<const std::int64_t>(
              st_.permutation.data() + next, static_cast<std::size_t>(std::min(k, l - next))));
        const Eigen::VectorXd* at = &x;
        if constexpr (HasLookahead<Rule>) {
          if (look_ahead(x, at_)) at = &at_;
        }
        double qb = 0.0;
        {
          // This step's batch: its batch-norm statistics apply once the step is taken, and its
          // dropout masks depend on (seed, step, batch position in the epoch).
          StatisticsCapture capture(step_statistics_);
          StepScope step(static_cast<std::uint64_t>(st_.iteration),
                         static_cast<std::uint64_t>(st_.cursor / std::max<std::int64_t>(k, 1)));
          qb = estimate(*at, b);
        }
        qb += penalty_value(opt_.penalty, *at);
        add_penalty_gradient(opt_.penalty, *at, g_);
        if (!std::isfinite(st_.first_loss)) st_.first_loss = qb;
        // A batch loss stops the run only when it is not finite: growth is judged on the full
        // objective, once per epoch. g is not scanned for NaN/Inf here (that would cost a pass
        // over w per sample): a non-finite g makes w non-finite, and the next loss reports it.
        if (!std::isfinite(qb)) {
          monitor_.diverge(qb, eta, x_prev_);
          break;
        }
        perturb(g_);
        x_prev_ = x;
        update(x, g_, eta);
        step_statistics_.commit();
        ++st_.iteration;
        st_.samples += static_cast<std::int64_t>(b.size());
        st_.cursor += static_cast<std::int64_t>(b.size());
        monitor_.average(x);
        monitor_.set_final_value(std::numeric_limits<double>::quiet_NaN());
        if (monitor_.callback(opt_.on_iteration, qb, eta, x)) break;
      }
      if (monitor_.stopped()) break;
      st_.cursor = 0;
      ++st_.epoch;
      double q = std::numeric_limits<double>::quiet_NaN();
      const bool last_epoch = opt_.stop.max_epochs > 0 && st_.epoch >= opt_.stop.max_epochs;
      if (opt_.evaluate && (st_.epoch % opt_.evaluate_every == 0 || last_epoch)) {
        q = eval_epoch(x, gnorm);
        if (!std::isfinite(q) || monitor_.exploded(q)) {
          monitor_.diverge(q, eta, st_.epoch_start_x);
          break;
        }
        const double step_norm = (x - st_.epoch_start_x).norm();
        const double best_before = st_.best_value;
        monitor_.remember_best(x, q);
        schedule_.observe(q);
        monitor_.record(q, gnorm, eta, step_norm, x);
        const double q_prev = st_.last_loss;
        st_.last_loss = q;
        monitor_.set_final_value(q);
        if (monitor_.check(q, q_prev, best_before, gnorm, step_norm, x)) break;
      }
      if (monitor_.callback(opt_.on_epoch, q, eta, x)) break;
      monitor_.progress_bar(q);
    }
    if (opt_.evaluate && monitor_.reason() != StopReason::Diverged) {
      if (std::isnan(monitor_.final_value())) monitor_.set_final_value(eval_epoch(x, gnorm));
      monitor_.record(monitor_.final_value(), gnorm, eta, (x - st_.epoch_start_x).norm(), x, true);
    }
    monitor_.progress_bar(monitor_.final_value());
  }

  Objective& obj_;
  const Rule& rule_;
  const Options& opt_;
  double lr_;
  Schedule schedule_;
  RunState st_;
  Monitor monitor_;
  Rng rng_;
  bool resumed_ = false;
  Batching::Order order_ = Batching::Order::Reshuffled;
  Eigen::Index n_ = 0;
  double last_step_norm_ = 0.0;
  Eigen::VectorXd g_, gi_, gfull_, dir_, at_, x_prev_;
  std::vector<GroupSegment> segments_;  // empty without Options::groups
  std::vector<Rule> rules_;             // the rule of each segment
  bool has_frozen_ = false;
  Eigen::VectorXd xs_, gs_;            // a segment's x and g (user rules take whole vectors)
  StatisticsUpdates step_statistics_;  // batch statistics pending until their step is taken
};

template <class Rule>
Result run_rule(Objective& objective, const Eigen::VectorXd& x0, const Rule& rule,
                const FirstOrderMethod& method, std::string_view display_name,
                const Options& options) {
  // A negative or non-finite step size would run, silently, away from the minimum.
  if (!(method.lr > 0.0 && std::isfinite(method.lr)))
    throw Error(fmt::format("nabla::optim::minimize: {}.lr = {} must be positive and finite",
                            display_name, method.lr));
  Loop<Rule> loop(objective, x0, rule, method, options);
  return loop.run();
}

}  // namespace

Result run_first_order(Objective& objective, const Eigen::VectorXd& x0, const AnyStepRule& rule,
                       const FirstOrderMethod& method, const Options& options) {
  return run_rule(objective, x0, VirtualRule{rule}, method, method.name, options);
}

#define NABLA_OPTIM_DETAIL_RUN(T)                                                        \
  Result run_first_order(Objective& objective, const Eigen::VectorXd& x0, const T& rule, \
                         const Options& options) {                                       \
    validate_rule(rule, #T);                                                             \
    const FirstOrderMethod method{BuiltinMethod<T>::name, needs_of<T>(), rule.lr};       \
    return run_rule(objective, x0, rule, method, #T, options);                           \
  }
NABLA_OPTIM_DETAIL_RUN(GradientDescent)
NABLA_OPTIM_DETAIL_RUN(Momentum)
NABLA_OPTIM_DETAIL_RUN(Nesterov)
NABLA_OPTIM_DETAIL_RUN(Adagrad)
NABLA_OPTIM_DETAIL_RUN(Adadelta)
NABLA_OPTIM_DETAIL_RUN(RMSprop)
NABLA_OPTIM_DETAIL_RUN(Adam)
NABLA_OPTIM_DETAIL_RUN(AdamW)
NABLA_OPTIM_DETAIL_RUN(AMSGrad)
NABLA_OPTIM_DETAIL_RUN(Nadam)
NABLA_OPTIM_DETAIL_RUN(AdaMax)
#undef NABLA_OPTIM_DETAIL_RUN

}  // namespace nabla::optim::detail
