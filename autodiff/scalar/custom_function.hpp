// User-defined scalar operations: a function of N scalars given by its value and its partial
// derivatives records as one tape node, like a built-in. The tape keeps the function alive so
// that a replay can re-evaluate it.
//
//   const auto log_cosh = nabla::scalar_function<1>(
//       "log_cosh", [](double x) { return std::log(std::cosh(x)); },
//       [](double x) { return std::tanh(x); });
//   nabla::Var y = log_cosh(x);
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <nabla/autodiff/core/tape.hpp>
#include <nabla/autodiff/core/var.hpp>

namespace nabla {

// The type-erased form the tape keeps.
class CustomFunction {
 public:
  CustomFunction() = default;
  CustomFunction(const CustomFunction&) = delete;
  CustomFunction& operator=(const CustomFunction&) = delete;
  virtual ~CustomFunction() = default;
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  [[nodiscard]] virtual std::size_t arity() const noexcept = 0;
  [[nodiscard]] virtual double value(const double* x) const = 0;
  virtual void partials(const double* x, double* out) const = 0;
};

namespace detail {

template <std::size_t N, class ValueFn, class PartialsFn>
class CustomFunctionImpl final : public CustomFunction {
 public:
  CustomFunctionImpl(std::string name, ValueFn value, PartialsFn partials)
      : name_(std::move(name)), value_(std::move(value)), partials_(std::move(partials)) {}
  [[nodiscard]] std::string_view name() const noexcept override { return name_; }
  [[nodiscard]] std::size_t arity() const noexcept override { return N; }
  [[nodiscard]] double value(const double* x) const override {
    return call(value_, x, std::make_index_sequence<N>{});
  }
  void partials(const double* x, double* out) const override {
    const auto p = call(partials_, x, std::make_index_sequence<N>{});
    if constexpr (std::is_arithmetic_v<std::decay_t<decltype(p)>>) {
      static_assert(N == 1, "nabla::scalar_function: partials of N > 1 inputs return std::array");
      out[0] = static_cast<double>(p);
    } else {
      static_assert(std::tuple_size_v<std::decay_t<decltype(p)>> == N,
                    "nabla::scalar_function: partials must return N numbers");
      for (std::size_t k = 0; k < N; ++k) out[k] = static_cast<double>(p[k]);
    }
  }

 private:
  template <class Fn, std::size_t... I>
  static auto call(const Fn& fn, const double* x, std::index_sequence<I...>) {
    return fn(x[I]...);
  }
  std::string name_;
  ValueFn value_;
  PartialsFn partials_;
};

}  // namespace detail

// A user-defined operation of N scalar inputs; call it with N Vars (or doubles).
template <std::size_t N>
class ScalarFunction {
 public:
  explicit ScalarFunction(std::shared_ptr<const CustomFunction> impl) : impl_(std::move(impl)) {}

  template <class... Args>
  requires(sizeof...(Args) == N && (std::is_convertible_v<Args, Var> && ...)) Var operator()(
      const Args&... args) const {
    const std::array<Var, N> in{Var(args)...};
    std::array<double, N> x{};
    for (std::size_t k = 0; k < N; ++k) x[k] = in[k].value();
    const double y = impl_->value(x.data());
    std::array<std::uint32_t, N> idx{};
    std::array<double, N> part{};
    std::uint32_t count = 0;
    const Var* first_active = nullptr;
    for (std::size_t k = 0; k < N; ++k)
      if (!in[k].is_constant()) {
        if (first_active == nullptr) first_active = &in[k];
        idx[count++] = in[k].index();
      }
    if (first_active == nullptr) return Var(y);
    Tape& tape = Tape::active_for(Op::Custom, *first_active);
    for (std::size_t k = 0; k < N; ++k)
      if (!in[k].is_constant()) Tape::active_for(Op::Custom, *first_active, in[k]);
    std::array<double, N> all{};
    impl_->partials(x.data(), all.data());
    count = 0;
    for (std::size_t k = 0; k < N; ++k)
      if (!in[k].is_constant()) part[count++] = all[k];
    return tape.push_custom(impl_, idx.data(), part.data(), count, y);
  }

  [[nodiscard]] const CustomFunction& function() const noexcept { return *impl_; }

 private:
  std::shared_ptr<const CustomFunction> impl_;
};

// Makes a recordable operation from `value(double...) -> double` and
// `partials(double...) -> double (N = 1) or std::array<double, N>`.
template <std::size_t N, class ValueFn, class PartialsFn>
ScalarFunction<N> scalar_function(std::string name, ValueFn value, PartialsFn partials) {
  static_assert(N >= 1, "nabla::scalar_function needs at least one input");
  return ScalarFunction<N>(std::make_shared<detail::CustomFunctionImpl<N, ValueFn, PartialsFn>>(
      std::move(name), std::move(value), std::move(partials)));
}

}  // namespace nabla
