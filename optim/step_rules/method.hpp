// Method: any one step rule, as a value. minimize() takes a Method, so every rule aggregate
// (GradientDescent{.lr = 0.1}, Adam{}, …) converts to it implicitly.
#pragma once

#include <string_view>
#include <variant>

#include <nabla/optim/step_rules/adadelta.hpp>
#include <nabla/optim/step_rules/adagrad.hpp>
#include <nabla/optim/step_rules/adam.hpp>
#include <nabla/optim/step_rules/adamax.hpp>
#include <nabla/optim/step_rules/adamw.hpp>
#include <nabla/optim/step_rules/amsgrad.hpp>
#include <nabla/optim/step_rules/gradient_descent.hpp>
#include <nabla/optim/step_rules/momentum.hpp>
#include <nabla/optim/step_rules/nadam.hpp>
#include <nabla/optim/step_rules/nesterov.hpp>
#include <nabla/optim/step_rules/rmsprop.hpp>

namespace nabla::optim {

using Method = std::variant<GradientDescent, Momentum, Nesterov, Adagrad, Adadelta, RMSprop, Adam,
                            AdamW, AMSGrad, Nadam, AdaMax>;

// The rule's name as in the table of docs/optimizers.md.
inline std::string_view method_name(const Method& m) {
  constexpr std::string_view names[] = {"GradientDescent", "Momentum", "Nesterov", "Adagrad",
                                        "Adadelta",        "RMSprop",  "Adam",     "AdamW",
                                        "AMSGrad",         "Nadam",    "AdaMax"};
  return names[m.index()];
}

// The initial step size η₀ (the field lr) of whichever rule m holds.
inline double method_lr(const Method& m) {
  return std::visit([](const auto& r) { return r.lr; }, m);
}

namespace detail {
template <class Rule>
concept HasLookahead = requires(const Rule& r, const StepState& s, const Eigen::VectorXd& x,
                                Eigen::VectorXd& at) {
  { r.lookahead(s, x, at) } -> std::same_as<bool>;
};
}  // namespace detail

}  // namespace nabla::optim
