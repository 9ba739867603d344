// Method: any method as a value — a built-in step rule (GradientDescent{.lr = 0.1}, Adam{}, …),
// a built-in solver (SteepestDescent{}), or a user's own rule or solver; every one converts
// implicitly, so minimize(f, x0, Adam{}) and std::vector<Method>{Adam{}, Nesterov{}} read as
// before. Each method has a name, method_name(m) ("adam"), and method_from_name("adam", params)
// builds it back from the name and its parameters as text (saved run states, the command line).
#pragma once

#include <Eigen/Core>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include <nabla/optim/first_order/adadelta.hpp>
#include <nabla/optim/first_order/adagrad.hpp>
#include <nabla/optim/first_order/adam.hpp>
#include <nabla/optim/first_order/adamax.hpp>
#include <nabla/optim/first_order/adamw.hpp>
#include <nabla/optim/first_order/amsgrad.hpp>
#include <nabla/optim/first_order/driver.hpp>
#include <nabla/optim/first_order/gradient_descent.hpp>
#include <nabla/optim/first_order/momentum.hpp>
#include <nabla/optim/first_order/nadam.hpp>
#include <nabla/optim/first_order/nesterov.hpp>
#include <nabla/optim/first_order/rmsprop.hpp>
#include <nabla/optim/first_order/step_rule.hpp>
#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/objectives/objective.hpp>
#include <nabla/optim/run/options.hpp>
#include <nabla/optim/run/result.hpp>
#include <nabla/optim/search/brent.hpp>
#include <nabla/optim/search/differential_evolution.hpp>
#include <nabla/optim/search/dual_annealing.hpp>
#include <nabla/optim/search/genetic_algorithm.hpp>
#include <nabla/optim/search/golden_section.hpp>
#include <nabla/optim/search/nelder_mead.hpp>
#include <nabla/optim/search/random_walk.hpp>
#include <nabla/optim/solvers/bfgs.hpp>
#include <nabla/optim/solvers/conjugate_gradient.hpp>
#include <nabla/optim/solvers/lbfgs.hpp>
#include <nabla/optim/solvers/lbfgsb.hpp>
#include <nabla/optim/solvers/linear_cg.hpp>
#include <nabla/optim/solvers/newton.hpp>
#include <nabla/optim/solvers/newton_cg.hpp>
#include <nabla/optim/solvers/owlqn.hpp>
#include <nabla/optim/solvers/proximal_gradient.hpp>
#include <nabla/optim/solvers/solver.hpp>
#include <nabla/optim/solvers/solver_run.hpp>
#include <nabla/optim/solvers/steepest_descent.hpp>

namespace nabla::optim {

class Method;

// A method's parameters by field name, values as text ("lr" → "0.001", "form" → "torch").
using MethodParams = std::map<std::string, std::string, std::less<>>;

// Every built-in method: X(type, name). Append only: nabla 0.1's saved states number the step
// rules by their position here (the first eleven).
// clang-format off
#define NABLA_OPTIM_BUILTIN_METHODS(X)      \
  X(GradientDescent, "gradient_descent")    \
  X(Momentum, "momentum")                   \
  X(Nesterov, "nesterov")                   \
  X(Adagrad, "adagrad")                     \
  X(Adadelta, "adadelta")                   \
  X(RMSprop, "rmsprop")                     \
  X(Adam, "adam")                           \
  X(AdamW, "adamw")                         \
  X(AMSGrad, "amsgrad")                     \
  X(Nadam, "nadam")                         \
  X(AdaMax, "adamax")                       \
  X(SteepestDescent, "steepest_descent")    \
  X(BFGS, "bfgs")                           \
  X(LBFGS, "lbfgs")                         \
  X(ConjugateGradient, "conjugate_gradient") \
  X(LinearConjugateGradient, "linear_conjugate_gradient") \
  X(Newton, "newton")                       \
  X(NewtonCG, "newton_cg")                  \
  X(LBFGSB, "lbfgsb")                       \
  X(OWLQN, "owlqn")                         \
  X(ProximalGradient, "proximal_gradient")  \
  X(NelderMead, "nelder_mead")              \
  X(GoldenSection, "golden_section")        \
  X(DualAnnealing, "dual_annealing")        \
  X(DifferentialEvolution, "differential_evolution") \
  X(GeneticAlgorithm, "genetic_algorithm")  \
  X(RandomWalk, "random_walk")              \
  X(Brent, "brent")
// clang-format on

namespace detail {

template <class M>
struct BuiltinMethod : std::false_type {};
#define NABLA_OPTIM_DETAIL_BUILTIN(T, N)              \
  template <>                                         \
  struct BuiltinMethod<T> : std::true_type {          \
    static constexpr std::string_view name = N;       \
    static constexpr std::string_view type_name = #T; \
  };
NABLA_OPTIM_BUILTIN_METHODS(NABLA_OPTIM_DETAIL_BUILTIN)
#undef NABLA_OPTIM_DETAIL_BUILTIN

// Built-in methods' parameters as text and back (method.cpp). T is a type: no parentheses.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define NABLA_OPTIM_DETAIL_PARAMS(T, N) \
  MethodParams params_of(const T& m);   \
  void set_params(T& m, const MethodParams& p);
NABLA_OPTIM_BUILTIN_METHODS(NABLA_OPTIM_DETAIL_PARAMS)
#undef NABLA_OPTIM_DETAIL_PARAMS
// NOLINTEND(bugprone-macro-parentheses)

template <class M>
constexpr std::string_view method_name_of() {
  if constexpr (BuiltinMethod<M>::value)
    return BuiltinMethod<M>::name;
  else if constexpr (requires { M::name; })
    return std::string_view(M::name);
  else if constexpr (StepRule<M>)
    return "custom_step_rule";
  else
    return "custom_solver";
}

// What the messages call the method: the type's name for built-ins ("Adam.beta1 = 1 …").
template <class M>
constexpr std::string_view display_name_of() {
  if constexpr (BuiltinMethod<M>::value)
    return BuiltinMethod<M>::type_name;
  else
    return method_name_of<M>();
}

class MethodModel {
 public:
  virtual ~MethodModel() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  [[nodiscard]] virtual std::string_view display_name() const = 0;
  [[nodiscard]] virtual Capabilities needs() const = 0;
  [[nodiscard]] virtual bool is_step_rule() const = 0;
  [[nodiscard]] virtual std::optional<double> lr() const = 0;
  [[nodiscard]] virtual MethodParams params() const = 0;
  [[nodiscard]] virtual const std::type_info& type() const = 0;
  [[nodiscard]] virtual const void* get() const = 0;
  virtual Result run(Objective& objective, const Eigen::VectorXd& x0,
                     const Options& options) const = 0;
};

template <class M>
class MethodOf final : public MethodModel {
 public:
  explicit MethodOf(M m) : m_(std::move(m)) {}
  [[nodiscard]] std::string_view name() const override { return method_name_of<M>(); }
  [[nodiscard]] std::string_view display_name() const override { return display_name_of<M>(); }
  [[nodiscard]] Capabilities needs() const override { return needs_of<M>(); }
  [[nodiscard]] bool is_step_rule() const override { return StepRule<M>; }
  [[nodiscard]] std::optional<double> lr() const override {
    if constexpr (StepRule<M>)
      return static_cast<double>(m_.lr);
    else
      return std::nullopt;
  }
  [[nodiscard]] MethodParams params() const override {
    if constexpr (BuiltinMethod<M>::value)
      return params_of(m_);
    else if constexpr (requires { m_.params(); })
      return m_.params();
    else
      return {};
  }
  [[nodiscard]] const std::type_info& type() const override { return typeid(M); }
  [[nodiscard]] const void* get() const override { return &m_; }
  Result run(Objective& objective, const Eigen::VectorXd& x0,
             const Options& options) const override {
    if constexpr (StepRule<M>) {
      if constexpr (BuiltinMethod<M>::value)
        return run_first_order(objective, x0, m_, options);
      else
        return run_first_order(objective, x0, StepRuleAdapter<M>(m_),
                               FirstOrderMethod{name(), needs(), static_cast<double>(m_.lr)},
                               options);
    } else {
      SolverRun run(objective, x0, name(), needs(), options, detail::descent_of<M>());
      m_.solve(run);
      return run.finish();
    }
  }

 private:
  M m_;
};

template <class M>
concept MethodType = !std::same_as<std::decay_t<M>, ::nabla::optim::Method> &&
                     (StepRule<std::decay_t<M>> || Solver<std::decay_t<M>>);

}  // namespace detail

class Method {
 public:
  Method() : Method(GradientDescent{}) {}
  template <detail::MethodType M>
  Method(M m)  // NOLINT(google-explicit-constructor): every rule and solver converts
      : impl_(std::make_shared<const detail::MethodOf<std::decay_t<M>>>(std::move(m))) {}

  [[nodiscard]] std::string_view name() const { return impl_->name(); }
  [[nodiscard]] std::string_view display_name() const { return impl_->display_name(); }
  [[nodiscard]] Capabilities needs() const { return impl_->needs(); }
  [[nodiscard]] bool is_step_rule() const { return impl_->is_step_rule(); }
  // A step rule's initial step size; empty for a solver.
  [[nodiscard]] std::optional<double> lr() const { return impl_->lr(); }
  [[nodiscard]] MethodParams params() const { return impl_->params(); }
  // The method as its own type, or nullptr: m.get_if<Adam>()->beta1.
  template <class M>
  [[nodiscard]] const M* get_if() const {
    return impl_->type() == typeid(M) ? static_cast<const M*>(impl_->get()) : nullptr;
  }
  template <class M>
  [[nodiscard]] bool holds() const {
    return get_if<M>() != nullptr;
  }
  Result run(Objective& objective, const Eigen::VectorXd& x0, const Options& options) const {
    return impl_->run(objective, x0, options);
  }

 private:
  std::shared_ptr<const detail::MethodModel> impl_;  // immutable, so copies share it
};

// The method's name as in the table of docs/optimizers.md: "adam", "steepest_descent".
inline std::string_view method_name(const Method& m) { return m.name(); }
// The parameters that method_from_name needs to rebuild m.
inline MethodParams method_params(const Method& m) { return m.params(); }
// The initial step size η₀ (the field lr) of a step rule; a nabla::Error for a solver.
double method_lr(const Method& m);
// A built-in method from its name (snake_case, or the type's name: "adam", "Adam") and
// parameters; a parameter not given keeps its default. An unknown name or parameter, or a value
// that does not parse, is a nabla::Error listing what is valid.
Method method_from_name(std::string_view name, const MethodParams& params = {});
// Every built-in method's name, in table order.
std::vector<std::string_view> method_names();

// The entry point behind minimize for an Objective.
inline Result run(Objective& objective, const Eigen::VectorXd& x0, const Method& method,
                  const Options& options = {}) {
  return method.run(objective, x0, options);
}

}  // namespace nabla::optim
