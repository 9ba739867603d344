// What every method minimises, behind one small interface: the value, the gradient and (where
// the objective has them) Hessian–vector products and the Hessian of the whole objective, and
// for a finite sum Q(w) = (1/l)Σ qᵢ(w) the mean over any batch of terms. Methods never see a
// tape; FullObjective and FiniteSum record with autodiff's public API. A threaded or MPI
// objective is another implementation of this interface.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/objectives/capabilities.hpp>

namespace nabla::optim {

class Parameters;

class Objective {
 public:
  virtual ~Objective() = default;
  // Number of terms of a finite sum; 0 for an objective that is not one.
  [[nodiscard]] virtual std::int64_t samples() const = 0;
  // What this objective evaluates (capabilities.hpp). The default: value and gradient, and
  // batches when samples() > 0; an objective with Hessians says so.
  [[nodiscard]] virtual Capabilities capabilities() const {
    const Capabilities first_order = Capability::Value | Capability::Gradient;
    return samples() > 0 ? first_order | Capability::FiniteSum : first_order;
  }
  // The number of parameters when the objective knows it (a finite sum over d features, a block
  // objective); minimize checks x0 against it. Empty for a function of any size.
  [[nodiscard]] virtual std::optional<Eigen::Index> dimension() const { return std::nullopt; }
  // The named blocks x is packed from (opt::Parameters), when the objective has them:
  // Options::groups refer to them by name. nullptr for an objective on a plain vector.
  [[nodiscard]] virtual const Parameters* parameter_blocks() const { return nullptr; }
  // State the model carries besides x (batch-norm running statistics, Parameters::statistics):
  // a run state saves it (RunState::model_state) and a resumed run restores it. Empty when the
  // objective has none.
  [[nodiscard]] virtual Eigen::VectorXd model_state() const { return {}; }
  virtual void set_model_state(const Eigen::VectorXd& state) {
    if (state.size() != 0)
      throw Error("nabla::optim: this objective has no model state to restore");
  }
  // Q(w) and ∇Q(w) over everything; g is resized as needed.
  virtual double value_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& g) = 0;
  // Q(w) alone: no derivative work.
  virtual double value(const Eigen::VectorXd& w) = 0;
  // (1/|B|) Σ_{i∈B} qᵢ(w) and its gradient. Only for finite sums.
  virtual double batch_value_gradient(const Eigen::VectorXd& w, std::span<const std::int64_t> batch,
                                      Eigen::VectorXd& g) = 0;
  // ∇²Q(w)·v into hv (Capability::HessianVector).
  virtual void hessian_vector(const Eigen::VectorXd& /*w*/, const Eigen::VectorXd& /*v*/,
                              Eigen::VectorXd& /*hv*/) {
    throw Error("nabla::optim: this objective has no Hessian-vector product");
  }
  // ∇²Q(w) into h (Capability::Hessian).
  virtual void hessian(const Eigen::VectorXd& /*w*/, Eigen::MatrixXd& /*h*/) {
    throw Error("nabla::optim: this objective has no Hessian");
  }
  // A hint that `batch` comes next: a finite sum over data in memory starts loading those
  // samples so that a shuffled pass does not wait for memory at every sample.
  virtual void prefetch(std::span<const std::int64_t> /*batch*/) {}
  // An independent copy (its own tape and buffers) for another thread: parallel methods call
  // one copy per thread, never one objective from two threads. nullptr when the objective
  // cannot be copied; those methods then run serially and say so once.
  [[nodiscard]] virtual std::unique_ptr<Objective> clone() const { return nullptr; }
};

}  // namespace nabla::optim
