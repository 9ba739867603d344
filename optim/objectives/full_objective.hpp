// A full objective f(w) written with nabla (f: const VectorXv& → Var), differentiated by one
// recording and one reverse sweep per call on a tape the objective keeps and reuses; value()
// records only, hessian_vector() and hessian() run autodiff's second-order sweep.
#pragma once

#include <fmt/format.h>

#include <memory>
#include <type_traits>
#include <utility>

#include <nabla/autodiff.hpp>

#include <nabla/optim/objectives/objective.hpp>

namespace nabla::optim {

namespace detail {
// Records f on `tape` at w and writes ∇f into g; returns f(w).
template <class F>
double record_value_gradient(Tape& tape, F& f, const Eigen::VectorXd& w, Eigen::VectorXd& g) {
  tape.clear();
  TapeScope scope(tape);
  VectorXv wv(w.size());
  tape.variables(w.data(), static_cast<std::size_t>(w.size()), wv.data());
  const Var y = f(std::as_const(wv));
  g.resize(w.size());
  if (y.is_constant()) {
    g.setZero();
    return y.value();
  }
  tape.reverse(y);
  for (Eigen::Index i = 0; i < w.size(); ++i) g[i] = tape.adjoint_at(wv[i].index());
  return y.value();
}
}  // namespace detail

template <class F>
class FullObjective final : public Objective {
 public:
  static_assert(std::is_same_v<std::invoke_result_t<F&, const VectorXv&>, Var>,
                "nabla::optim: the objective must be callable as f(const nabla::VectorXv&) "
                "and return nabla::Var");
  static constexpr Capabilities static_capabilities =
      Capability::Value | Capability::Gradient | Capability::HessianVector | Capability::Hessian;
  explicit FullObjective(F f) : f_(std::move(f)) {}

  [[nodiscard]] std::int64_t samples() const override { return 0; }
  [[nodiscard]] Capabilities capabilities() const override { return static_capabilities; }
  double value_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& g) override {
    return detail::record_value_gradient(tape_, f_, w, g);
  }
  double value(const Eigen::VectorXd& w) override {
    tape_.clear();
    TapeScope scope(tape_);
    VectorXv wv(w.size());
    tape_.variables(w.data(), static_cast<std::size_t>(w.size()), wv.data());
    return f_(std::as_const(wv)).value();
  }
  void hessian_vector(const Eigen::VectorXd& w, const Eigen::VectorXd& v,
                      Eigen::VectorXd& hv) override {
    hv = nabla::hvp(f_, w, v);
  }
  void hessian(const Eigen::VectorXd& w, Eigen::MatrixXd& h) override { h = nabla::hessian(f_, w); }
  [[nodiscard]] std::unique_ptr<Objective> clone() const override {
    if constexpr (std::is_copy_constructible_v<F>)
      return std::make_unique<FullObjective>(f_);
    else
      return nullptr;
  }
  double batch_value_gradient(const Eigen::VectorXd&, std::span<const std::int64_t>,
                              Eigen::VectorXd&) override {
    throw Error(
        "nabla::optim: stochastic batching needs a finite-sum objective "
        "(optim::FiniteSum), not a full objective");
  }

 private:
  F f_;
  Tape tape_;
};

}  // namespace nabla::optim
