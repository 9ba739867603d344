// The contract of a step rule (the first tier of methods): a struct with its hyper-parameters
// as fields, an initial step size `lr`, and two members the first-order driver calls —
//   init(StepState& s, n)           size the rule's buffers for n parameters;
//   step(StepState& s, x, g, eta)   one update of x from the gradient estimate g at step size eta.
// Optionally lookahead(s, x, at) -> bool (where to take the next gradient, as Nesterov's
// lookahead form), a static `name` (method_name of a user rule) and a static `needs`
// (capabilities.hpp). A rule never sees the objective: batching, schedules, variance reduction
// and stopping belong to the driver, so every rule gets all of them.
#pragma once

#include <Eigen/Core>

#include <concepts>
#include <string_view>

#include <nabla/optim/first_order/step_state.hpp>

namespace nabla::optim {

template <class R>
concept StepRule = requires(const R& r, StepState& s, Eigen::Index n, Eigen::VectorXd& x,
                            const Eigen::VectorXd& g, double eta) {
  { r.lr } -> std::convertible_to<double>;
  r.init(s, n);
  r.step(s, x, g, eta);
};

namespace detail {

template <class Rule>
concept HasLookahead = requires(const Rule& r, const StepState& s, const Eigen::VectorXd& x,
                                Eigen::VectorXd& at) {
  { r.lookahead(s, x, at) } -> std::same_as<bool>;
};

// A user's step rule behind one virtual call per update, so the driver's loop stays compiled
// once in libnabla (the built-in rules get loops of their own, without the call).
class AnyStepRule {
 public:
  virtual ~AnyStepRule() = default;
  virtual void init(StepState& s, Eigen::Index n) const = 0;
  virtual void step(StepState& s, Eigen::VectorXd& x, const Eigen::VectorXd& g,
                    double eta) const = 0;
  virtual bool lookahead(const StepState& s, const Eigen::VectorXd& x,
                         Eigen::VectorXd& at) const = 0;
};

template <StepRule R>
class StepRuleAdapter final : public AnyStepRule {
 public:
  explicit StepRuleAdapter(const R& rule) : rule_(rule) {}
  void init(StepState& s, Eigen::Index n) const override { rule_.init(s, n); }
  void step(StepState& s, Eigen::VectorXd& x, const Eigen::VectorXd& g, double eta) const override {
    rule_.step(s, x, g, eta);
  }
  bool lookahead(const StepState& s, const Eigen::VectorXd& x, Eigen::VectorXd& at) const override {
    if constexpr (HasLookahead<R>)
      return rule_.lookahead(s, x, at);
    else
      return false;
  }

 private:
  const R& rule_;
};

}  // namespace detail

}  // namespace nabla::optim
