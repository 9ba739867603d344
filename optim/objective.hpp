// What the driver minimises, behind one small interface: the value and gradient of the whole
// objective, and (for a finite sum Q(w) = (1/l)Σ qᵢ(w)) of the mean over any batch of terms.
// The driver never sees a tape; FullObjective and FiniteSum record with autodiff's public API.
// A threaded or MPI objective is another implementation of this interface.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>

namespace nabla::optim {

class Objective {
 public:
  virtual ~Objective() = default;
  // Number of terms of a finite sum; 0 for an objective that is not one.
  [[nodiscard]] virtual std::int64_t samples() const = 0;
  // Q(w) and ∇Q(w) over everything; g is resized as needed.
  virtual double value_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& g) = 0;
  // Q(w) alone.
  virtual double value(const Eigen::VectorXd& w) = 0;
  // (1/|B|) Σ_{i∈B} qᵢ(w) and its gradient. Only for finite sums.
  virtual double batch_value_gradient(const Eigen::VectorXd& w, std::span<const std::int64_t> batch,
                                      Eigen::VectorXd& g) = 0;
  // A hint that `batch` comes next: a finite sum over data in memory starts loading those
  // samples so that a shuffled pass does not wait for memory at every sample.
  virtual void prefetch(std::span<const std::int64_t> /*batch*/) {}
};

}  // namespace nabla::optim
