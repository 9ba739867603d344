// A function known by its values only, f: const Eigen::VectorXd& → double: what zero-order and
// global methods minimise (Nelder–Mead, annealing, evolution, random walk, golden section) when
// there is nothing to differentiate or the function is a black box (a simulation, a
// cross-validation score). No tape is recorded. Methods that need a gradient are refused before
// the first evaluation, at compile time when minimize sees both types.
//
//   auto r = opt::minimize([](const Eigen::VectorXd& x) { return std::cos(x[0]) + x[1] * x[1]; },
//                          Eigen::Vector2d(1, 1), opt::NelderMead{});
#pragma once

#include <Eigen/Core>

#include <concepts>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include <nabla/optim/objectives/objective.hpp>

namespace nabla::optim {

template <class F>
concept ValueFunction =
    !std::derived_from<std::decay_t<F>, Objective> &&
    std::is_invocable_r_v<double, F&, const Eigen::VectorXd&> &&
    std::same_as<std::decay_t<std::invoke_result_t<F&, const Eigen::VectorXd&>>, double>;

template <class F>
class ValueObjective final : public Objective {
 public:
  static constexpr Capabilities static_capabilities = Capability::Value;
  explicit ValueObjective(F f, std::optional<Eigen::Index> dimension = std::nullopt)
      : f_(std::move(f)), dimension_(dimension) {}

  [[nodiscard]] std::int64_t samples() const override { return 0; }
  [[nodiscard]] Capabilities capabilities() const override { return static_capabilities; }
  [[nodiscard]] std::optional<Eigen::Index> dimension() const override { return dimension_; }
  double value(const Eigen::VectorXd& w) override { return f_(w); }
  double value_gradient(const Eigen::VectorXd&, Eigen::VectorXd&) override {
    throw Error(
        "nabla::optim: this objective has values only (a function returning double); use a "
        "zero-order method or write it with nabla::Var to get gradients");
  }
  double batch_value_gradient(const Eigen::VectorXd&, std::span<const std::int64_t>,
                              Eigen::VectorXd&) override {
    throw Error("nabla::optim: a value-only objective has no batches");
  }
  [[nodiscard]] std::unique_ptr<Objective> clone() const override {
    if constexpr (std::is_copy_constructible_v<F>)
      return std::make_unique<ValueObjective>(f_, dimension_);
    else
      return nullptr;
  }

 private:
  F f_;
  std::optional<Eigen::Index> dimension_;
};

}  // namespace nabla::optim
