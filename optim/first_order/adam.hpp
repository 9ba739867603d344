// Adam with bias correction (torch.optim.Adam, 004_…txt). The lecture writes
// w ← w − η m̂ / (√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ): the same update.
#pragma once

#include <nabla/optim/first_order/adam_update.hpp>

namespace nabla::optim {

struct Adam {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;  // coupled L2 (added to the gradient)

  void init(StepState& s, Eigen::Index n) const { detail::zero_buffers(s, 3, n); }
  void step(StepState& s, Eigen::Ref<Eigen::VectorXd> x, const Eigen::Ref<const Eigen::VectorXd>& g,
            double eta) const {
    detail::adam_update(s, x, g, eta, beta1, beta2, eps, weight_decay, false);
  }
};

}  // namespace nabla::optim
