// AdamW (torch.optim.AdamW): decoupled weight decay, w ← w(1 − ηλ), then the Adam update
// with the plain gradient.
#pragma once

#include <nabla/optim/first_order/adam_update.hpp>

namespace nabla::optim {

struct AdamW {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 1e-2;
  bool amsgrad = false;

  void init(StepState& s, Eigen::Index n) const { detail::zero_buffers(s, 3, n); }
  void step(StepState& s, Eigen::Ref<Eigen::VectorXd> x, const Eigen::Ref<const Eigen::VectorXd>& g,
            double eta) const {
    x *= 1.0 - eta * weight_decay;
    detail::adam_update(s, x, g, eta, beta1, beta2, eps, 0.0, amsgrad);
  }
};

}  // namespace nabla::optim
