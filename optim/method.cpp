#include <nabla/optim/method.hpp>

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

namespace {

// One parameter of a method: its name and how to read and write it as text.
template <class M>
struct Param {
  std::string_view name;
  std::string (*get)(const M&);
  void (*set)(M&, std::string_view text, std::string_view method);
};

[[noreturn]] void bad_value(std::string_view method, std::string_view name, std::string_view text,
                            std::string_view expected) {
  throw Error(fmt::format("nabla::optim::method_from_name: {}.{} = '{}' is not {}", method, name,
                          text, expected));
}

double parse_double(std::string_view method, std::string_view name, std::string_view text) {
  const std::string s(text);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || errno == ERANGE)
    bad_value(method, name, text, "a number");
  return v;
}

bool parse_bool(std::string_view method, std::string_view name, std::string_view text) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  bad_value(method, name, text, "true or false");
}

int parse_int(std::string_view method, std::string_view name, std::string_view text) {
  const double v = parse_double(method, name, text);
  if (v != static_cast<double>(static_cast<int>(v))) bad_value(method, name, text, "an integer");
  return static_cast<int>(v);
}

// Shortest text that reads back to the same double.
std::string text_of(double v) { return fmt::format("{}", v); }

// M is a type and expr a member path: neither takes parentheses.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define NABLA_REAL(M, field, expr)                              \
  Param<M> {                                                    \
    field, [](const M& m) { return text_of(m.expr); },          \
        [](M& m, std::string_view t, std::string_view method) { \
          m.expr = parse_double(method, field, t);              \
        }                                                       \
  }
#define NABLA_FLAG(M, field, expr)                                            \
  Param<M> {                                                                  \
    field, [](const M& m) { return std::string(m.expr ? "true" : "false"); }, \
        [](M& m, std::string_view t, std::string_view method) {               \
          m.expr = parse_bool(method, field, t);                              \
        }                                                                     \
  }
#define NABLA_COUNT(M, field, expr)                              \
  Param<M> {                                                     \
    field, [](const M& m) { return fmt::format("{}", m.expr); }, \
        [](M& m, std::string_view t, std::string_view method) {  \
          m.expr = parse_int(method, field, t);                  \
        }                                                        \
  }
// NOLINTEND(bugprone-macro-parentheses)

constexpr std::pair<std::string_view, MomentumForm> momentum_forms[] = {
    {"torch", MomentumForm::Torch},
    {"gradient_velocity", MomentumForm::GradientVelocity},
    {"step_velocity", MomentumForm::StepVelocity}};
constexpr std::pair<std::string_view, ConjugateGradient::Beta> cg_betas[] = {
    {"fletcher_reeves", ConjugateGradient::Beta::FletcherReeves},
    {"polak_ribiere_plus", ConjugateGradient::Beta::PolakRibierePlus},
    {"hestenes_stiefel_plus", ConjugateGradient::Beta::HestenesStiefelPlus}};
constexpr std::pair<std::string_view, NesterovForm> nesterov_forms[] = {
    {"torch", NesterovForm::Torch}, {"lookahead", NesterovForm::Lookahead}};

template <class E, std::size_t N>
std::string enum_text(E v, const std::pair<std::string_view, E> (&names)[N]) {
  for (const auto& [name, value] : names)
    if (value == v) return std::string(name);
  return "unknown";
}
template <class E, std::size_t N>
E enum_value(std::string_view method, std::string_view field, std::string_view t,
             const std::pair<std::string_view, E> (&names)[N]) {
  std::string options;
  for (const auto& [name, value] : names) {
    if (name == t) return value;
    options += options.empty() ? "" : ", ";
    options += name;
  }
  bad_value(method, field, t, fmt::format("one of {}", options));
}

template <class M>
std::vector<Param<M>> params_table();

template <>
std::vector<Param<GradientDescent>> params_table() {
  using M = GradientDescent;
  return {NABLA_REAL(M, "lr", lr), NABLA_REAL(M, "weight_decay", weight_decay)};
}
template <>
std::vector<Param<Momentum>> params_table() {
  using M = Momentum;
  return {NABLA_REAL(M, "lr", lr), NABLA_REAL(M, "beta", beta),
          NABLA_REAL(M, "dampening", dampening), NABLA_REAL(M, "weight_decay", weight_decay),
          Param<M>{"form", [](const M& m) { return enum_text(m.form, momentum_forms); },
                   [](M& m, std::string_view t, std::string_view method) {
                     m.form = enum_value(method, "form", t, momentum_forms);
                   }}};
}
template <>
std::vector<Param<Nesterov>> params_table() {
  using M = Nesterov;
  return {NABLA_REAL(M, "lr", lr), NABLA_REAL(M, "beta", beta),
          NABLA_REAL(M, "weight_decay", weight_decay),
          Param<M>{"form", [](const M& m) { return enum_text(m.form, nesterov_forms); },
                   [](M& m, std::string_view t, std::string_view method) {
                     m.form = enum_value(method, "form", t, nesterov_forms);
                   }}};
}
template <>
std::vector<Param<Adagrad>> params_table() {
  using M = Adagrad;
  return {NABLA_REAL(M, "lr", lr),
          NABLA_REAL(M, "lr_decay", lr_decay),
          NABLA_REAL(M, "weight_decay", weight_decay),
          NABLA_REAL(M, "initial_accumulator_value", initial_accumulator_value),
          NABLA_REAL(M, "eps", eps),
          NABLA_FLAG(M, "eps_inside_root", eps_inside_root)};
}
template <>
std::vector<Param<Adadelta>> params_table() {
  using M = Adadelta;
  return {NABLA_REAL(M, "lr", lr), NABLA_REAL(M, "rho", rho), NABLA_REAL(M, "eps", eps),
          NABLA_REAL(M, "weight_decay", weight_decay)};
}
template <>
std::vector<Param<RMSprop>> params_table() {
  using M = RMSprop;
  return {NABLA_REAL(M, "lr", lr),
          NABLA_REAL(M, "alpha", alpha),
          NABLA_REAL(M, "eps", eps),
          NABLA_REAL(M, "weight_decay", weight_decay),
          NABLA_REAL(M, "momentum", momentum),
          NABLA_FLAG(M, "centered", centered),
          NABLA_FLAG(M, "eps_inside_root", eps_inside_root)};
}
// Adam, AMSGrad and AdaMax share their fields.
template <class M>
std::vector<Param<M>> adam_like() {
  return {NABLA_REAL(M, "lr", lr), NABLA_REAL(M, "beta1", beta1), NABLA_REAL(M, "beta2", beta2),
          NABLA_REAL(M, "eps", eps), NABLA_REAL(M, "weight_decay", weight_decay)};
}
template <>
std::vector<Param<Adam>> params_table() {
  return adam_like<Adam>();
}
template <>
std::vector<Param<AMSGrad>> params_table() {
  return adam_like<AMSGrad>();
}
template <>
std::vector<Param<AdaMax>> params_table() {
  return adam_like<AdaMax>();
}
template <>
std::vector<Param<AdamW>> params_table() {
  auto t = adam_like<AdamW>();
  t.push_back(NABLA_FLAG(AdamW, "amsgrad", amsgrad));
  return t;
}
template <>
std::vector<Param<Nadam>> params_table() {
  auto t = adam_like<Nadam>();
  t.push_back(NABLA_REAL(Nadam, "momentum_decay", momentum_decay));
  return t;
}
// A solver's `line_search` (line_search/line_search.hpp) as text: its kind, and c1 (both
// searches), c2 (strong Wolfe), shrink (Armijo) and max_trials (both) of the active one.
template <class M>
std::vector<Param<M>> with_line_search(std::vector<Param<M>> t) {
  t.push_back({"line_search", [](const M& m) { return std::string(m.line_search.name()); },
               [](M& m, std::string_view text, std::string_view method) {
                 if (text == "strong_wolfe")
                   m.line_search.kind = LineSearch::Kind::StrongWolfe;
                 else if (text == "armijo")
                   m.line_search.kind = LineSearch::Kind::Armijo;
                 else
                   bad_value(method, "line_search", text, "strong_wolfe or armijo");
               }});
  t.push_back({"c1",
               [](const M& m) {
                 return text_of(m.line_search.kind == LineSearch::Kind::StrongWolfe
                                    ? m.line_search.strong_wolfe.c1
                                    : m.line_search.armijo.c1);
               },
               [](M& m, std::string_view text, std::string_view method) {
                 m.line_search.strong_wolfe.c1 = m.line_search.armijo.c1 =
                     parse_double(method, "c1", text);
               }});
  t.push_back(NABLA_REAL(M, "c2", line_search.strong_wolfe.c2));
  t.push_back(NABLA_REAL(M, "shrink", line_search.armijo.shrink));
  t.push_back(NABLA_FLAG(M, "gradient_first", line_search.armijo.gradient_first));
  t.push_back({"max_trials",
               [](const M& m) {
                 return fmt::format("{}", m.line_search.kind == LineSearch::Kind::StrongWolfe
                                              ? m.line_search.strong_wolfe.max_evaluations
                                              : m.line_search.armijo.max_trials);
               },
               [](M& m, std::string_view text, std::string_view method) {
                 m.line_search.strong_wolfe.max_evaluations = m.line_search.armijo.max_trials =
                     parse_int(method, "max_trials", text);
               }});
  return t;
}
template <>
std::vector<Param<SteepestDescent>> params_table() {
  using M = SteepestDescent;
  return with_line_search<M>({NABLA_REAL(M, "initial_step", initial_step),
                              NABLA_REAL(M, "max_step", max_step), NABLA_REAL(M, "gtol", gtol)});
}
template <>
std::vector<Param<BFGS>> params_table() {
  using M = BFGS;
  return with_line_search<M>({NABLA_REAL(M, "gtol", gtol), NABLA_REAL(M, "ftol", ftol),
                              NABLA_FLAG(M, "scale_initial_hessian", scale_initial_hessian)});
}
template <>
std::vector<Param<LBFGS>> params_table() {
  using M = LBFGS;
  return with_line_search<M>(
      {NABLA_COUNT(M, "m", m), NABLA_REAL(M, "gtol", gtol), NABLA_REAL(M, "ftol", ftol)});
}
template <>
std::vector<Param<ConjugateGradient>> params_table() {
  using M = ConjugateGradient;
  return with_line_search<M>(
      {Param<M>{"beta", [](const M& m) { return enum_text(m.beta, cg_betas); },
                [](M& m, std::string_view t, std::string_view method) {
                  m.beta = enum_value(method, "beta", t, cg_betas);
                }},
       NABLA_COUNT(M, "restart", restart), NABLA_REAL(M, "gtol", gtol),
       NABLA_REAL(M, "ftol", ftol)});
}
template <>
std::vector<Param<LinearConjugateGradient>> params_table() {
  using M = LinearConjugateGradient;
  return {NABLA_REAL(M, "rtol", rtol)};
}

// A bound vector as text: "" (none), "0" (every coordinate) or "0,1,-inf" (per coordinate).
std::string vector_text(const Eigen::VectorXd& v) {
  std::string out;
  for (Eigen::Index i = 0; i < v.size(); ++i) out += fmt::format("{}{}", i == 0 ? "" : ",", v[i]);
  return out;
}
Eigen::VectorXd parse_vector(std::string_view method, std::string_view name,
                             std::string_view text) {
  std::vector<double> values;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    values.push_back(parse_double(method, name, text.substr(0, comma)));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
}
template <>
std::vector<Param<LBFGSB>> params_table() {
  using M = LBFGSB;
  return {Param<M>{"lower", [](const M& m) { return vector_text(m.lower); },
                   [](M& m, std::string_view t, std::string_view method) {
                     m.lower = parse_vector(method, "lower", t);
                   }},
          Param<M>{"upper", [](const M& m) { return vector_text(m.upper); },
                   [](M& m, std::string_view t, std::string_view method) {
                     m.upper = parse_vector(method, "upper", t);
                   }},
          NABLA_COUNT(M, "m", m),
          NABLA_REAL(M, "gtol", gtol),
          NABLA_REAL(M, "ftol", ftol),
          NABLA_REAL(M, "c1", c1),
          NABLA_REAL(M, "shrink", shrink),
          NABLA_COUNT(M, "max_trials", max_trials)};
}
template <>
std::vector<Param<OWLQN>> params_table() {
  using M = OWLQN;
  return {NABLA_COUNT(M, "m", m),          NABLA_REAL(M, "gtol", gtol),
          NABLA_REAL(M, "ftol", ftol),     NABLA_REAL(M, "c1", c1),
          NABLA_REAL(M, "shrink", shrink), NABLA_COUNT(M, "max_trials", max_trials)};
}
template <>
std::vector<Param<ProximalGradient>> params_table() {
  using M = ProximalGradient;
  return {NABLA_FLAG(M, "accelerated", accelerated), NABLA_REAL(M, "gtol", gtol),
          NABLA_REAL(M, "lipschitz", lipschitz), NABLA_REAL(M, "decrease", decrease)};
}
// An optional bound as text: "" (none) or a number.
std::string optional_text(const std::optional<double>& v) {
  return v ? text_of(*v) : std::string();
}
std::optional<double> parse_optional(std::string_view method, std::string_view name,
                                     std::string_view text) {
  if (text.empty()) return std::nullopt;
  return parse_double(method, name, text);
}
template <>
std::vector<Param<GoldenSection>> params_table() {
  using M = GoldenSection;
  return {Param<M>{"lower", [](const M& m) { return optional_text(m.lower); },
                   [](M& m, std::string_view t, std::string_view method) {
                     m.lower = parse_optional(method, "lower", t);
                   }},
          Param<M>{"upper", [](const M& m) { return optional_text(m.upper); },
                   [](M& m, std::string_view t, std::string_view method) {
                     m.upper = parse_optional(method, "upper", t);
                   }},
          NABLA_REAL(M, "xtol", xtol), NABLA_REAL(M, "step", step)};
}
template <>
std::vector<Param<NelderMead>> params_table() {
  using M = NelderMead;
  return {NABLA_FLAG(M, "adaptive", adaptive),
          NABLA_REAL(M, "xatol", xatol),
          NABLA_REAL(M, "fatol", fatol),
          NABLA_COUNT(M, "max_evaluations", max_evaluations),
          NABLA_COUNT(M, "max_iterations", max_iterations),
          NABLA_REAL(M, "initial_step", initial_step),
          NABLA_REAL(M, "zero_step", zero_step)};
}
// The box of the global methods: vectors as text, as LBFGSB's. M is a type and expr a member
// path: neither takes parentheses.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define NABLA_BOX(M)                                                 \
  Param<M>{"lower", [](const M& m) { return vector_text(m.lower); }, \
           [](M& m, std::string_view t, std::string_view method) {   \
             m.lower = parse_vector(method, "lower", t);             \
           }},                                                       \
      Param<M> {                                                     \
    "upper", [](const M& m) { return vector_text(m.upper); },        \
        [](M& m, std::string_view t, std::string_view method) {      \
          m.upper = parse_vector(method, "upper", t);                \
        }                                                            \
  }
#define NABLA_COUNT64(M, field, expr)                            \
  Param<M> {                                                     \
    field, [](const M& m) { return fmt::format("{}", m.expr); }, \
        [](M& m, std::string_view t, std::string_view method) {  \
          m.expr = parse_int64(method, field, t);                \
        }                                                        \
  }
// NOLINTEND(bugprone-macro-parentheses)
std::int64_t parse_int64(std::string_view method, std::string_view name, std::string_view text) {
  const double v = parse_double(method, name, text);
  if (!(std::abs(v) < 9.0e15) || v != std::floor(v)) bad_value(method, name, text, "an integer");
  return static_cast<std::int64_t>(v);
}
template <>
std::vector<Param<DualAnnealing>> params_table() {
  using M = DualAnnealing;
  return {NABLA_BOX(M),
          NABLA_COUNT(M, "max_iterations", max_iterations),
          NABLA_COUNT64(M, "max_evaluations", max_evaluations),
          NABLA_REAL(M, "initial_temp", initial_temp),
          NABLA_REAL(M, "restart_temp_ratio", restart_temp_ratio),
          NABLA_REAL(M, "visit", visit),
          NABLA_REAL(M, "accept", accept),
          NABLA_FLAG(M, "local_search", local_search)};
}
template <>
std::vector<Param<DifferentialEvolution>> params_table() {
  using M = DifferentialEvolution;
  return {NABLA_BOX(M),
          NABLA_COUNT(M, "popsize", popsize),
          NABLA_COUNT(M, "max_iterations", max_iterations),
          NABLA_COUNT64(M, "max_evaluations", max_evaluations),
          NABLA_REAL(M, "mutation_min", mutation_min),
          NABLA_REAL(M, "mutation_max", mutation_max),
          NABLA_REAL(M, "recombination", recombination),
          NABLA_REAL(M, "tol", tol),
          NABLA_REAL(M, "atol", atol),
          NABLA_FLAG(M, "latin_hypercube", latin_hypercube),
          NABLA_FLAG(M, "polish", polish)};
}
template <>
std::vector<Param<GeneticAlgorithm>> params_table() {
  using M = GeneticAlgorithm;
  return {NABLA_BOX(M),
          NABLA_COUNT(M, "population", population),
          NABLA_COUNT(M, "max_generations", max_generations),
          NABLA_COUNT64(M, "max_evaluations", max_evaluations),
          NABLA_COUNT(M, "tournament", tournament),
          NABLA_REAL(M, "alpha", alpha),
          NABLA_REAL(M, "crossover_rate", crossover_rate),
          NABLA_REAL(M, "mutation_rate", mutation_rate),
          NABLA_REAL(M, "mutation_sigma", mutation_sigma),
          NABLA_REAL(M, "final_sigma", final_sigma),
          NABLA_COUNT(M, "elite", elite),
          NABLA_COUNT(M, "stall_generations", stall_generations)};
}
template <>
std::vector<Param<RandomWalk>> params_table() {
  using M = RandomWalk;
  return {NABLA_BOX(M), NABLA_REAL(M, "initial_step", initial_step), NABLA_REAL(M, "xtol", xtol),
          NABLA_COUNT64(M, "max_evaluations", max_evaluations)};
}
template <>
std::vector<Param<Brent>> params_table() {
  using M = Brent;
  return {Param<M>{"lower", [](const M& m) { return optional_text(m.lower); },
                   [](M& m, std::string_view t, std::string_view method) {
                     m.lower = parse_optional(method, "lower", t);
                   }},
          Param<M>{"upper", [](const M& m) { return optional_text(m.upper); },
                   [](M& m, std::string_view t, std::string_view method) {
                     m.upper = parse_optional(method, "upper", t);
                   }},
          NABLA_REAL(M, "xtol", xtol), NABLA_COUNT(M, "max_iterations", max_iterations),
          NABLA_REAL(M, "step", step)};
}
#undef NABLA_BOX
#undef NABLA_COUNT64
template <>
std::vector<Param<Newton>> params_table() {
  using M = Newton;
  return with_line_search<M>(
      {NABLA_REAL(M, "gtol", gtol), NABLA_REAL(M, "ftol", ftol),
       Param<M>{"modification",
                [](const M& m) {
                  return std::string(m.modification == M::Modification::Eigenvalues
                                         ? "eigenvalues"
                                         : "shifted_cholesky");
                },
                [](M& m, std::string_view t, std::string_view method) {
                  if (t == "eigenvalues")
                    m.modification = M::Modification::Eigenvalues;
                  else if (t == "shifted_cholesky")
                    m.modification = M::Modification::ShiftedCholesky;
                  else
                    bad_value(method, "modification", t, "eigenvalues or shifted_cholesky");
                }},
       NABLA_REAL(M, "shift", shift), NABLA_FLAG(M, "check_second_order", check_second_order)});
}
template <>
std::vector<Param<NewtonCG>> params_table() {
  using M = NewtonCG;
  return with_line_search<M>(
      {NABLA_REAL(M, "gtol", gtol), NABLA_REAL(M, "ftol", ftol),
       NABLA_COUNT(M, "max_cg_iterations", max_cg_iterations),
       NABLA_COUNT(M, "check_second_order_up_to", check_second_order_up_to)});
}

#undef NABLA_REAL
#undef NABLA_FLAG
#undef NABLA_COUNT

template <class M>
MethodParams get_params(const M& m) {
  MethodParams p;
  for (const auto& param : params_table<M>()) p.emplace(param.name, param.get(m));
  return p;
}

template <class M>
void put_params(M& m, const MethodParams& p) {
  const auto table = params_table<M>();
  const std::string_view method = detail::BuiltinMethod<M>::name;
  for (const auto& [key, text] : p) {
    bool found = false;
    for (const auto& param : table) {
      if (param.name != key) continue;
      param.set(m, text, method);
      found = true;
    }
    if (!found) {
      std::string names;
      for (const auto& param : table)
        names += fmt::format("{}{}", names.empty() ? "" : ", ", param.name);
      throw Error(fmt::format(
          "nabla::optim::method_from_name: {} has no parameter '{}' (its parameters: {})", method,
          key, names));
    }
  }
}

// "Adam", "adam", "gradient-descent" and "GradientDescent" all name the same method.
std::string normalized(std::string_view name) {
  std::string out;
  for (const char c : name)
    if (c != '_' && c != '-' && c != ' ')
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

namespace detail {
// NOLINTBEGIN(bugprone-macro-parentheses)
#define NABLA_OPTIM_DETAIL_PARAMS(T, N)                        \
  MethodParams params_of(const T& m) { return get_params(m); } \
  void set_params(T& m, const MethodParams& p) { put_params(m, p); }
NABLA_OPTIM_BUILTIN_METHODS(NABLA_OPTIM_DETAIL_PARAMS)
#undef NABLA_OPTIM_DETAIL_PARAMS
// NOLINTEND(bugprone-macro-parentheses)
}  // namespace detail

double method_lr(const Method& m) {
  if (const auto lr = m.lr()) return *lr;
  throw Error(fmt::format(
      "nabla::optim::method_lr: {} is a solver and has no learning rate (it chooses its steps)",
      m.name()));
}

Method method_from_name(std::string_view name, const MethodParams& params) {
  const std::string key = normalized(name);
#define NABLA_OPTIM_DETAIL_FROM_NAME(T, N) \
  if (key == normalized(N)) {              \
    T m{};                                 \
    detail::set_params(m, params);         \
    return Method(std::move(m));           \
  }
  NABLA_OPTIM_BUILTIN_METHODS(NABLA_OPTIM_DETAIL_FROM_NAME)
#undef NABLA_OPTIM_DETAIL_FROM_NAME
  std::string names;
  for (const std::string_view n : method_names())
    names += fmt::format("{}{}", names.empty() ? "" : ", ", n);
  throw Error(fmt::format("nabla::optim::method_from_name: no method is called '{}' (methods: {})",
                          name, names));
}

std::vector<std::string_view> method_names() {
  std::vector<std::string_view> names;
#define NABLA_OPTIM_DETAIL_NAME(T, N) names.push_back(N);
  NABLA_OPTIM_BUILTIN_METHODS(NABLA_OPTIM_DETAIL_NAME)
#undef NABLA_OPTIM_DETAIL_NAME
  return names;
}

}  // namespace nabla::optim
