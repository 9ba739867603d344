// AMSGrad (torch.optim.Adam with amsgrad=True): Adam with the running maximum of v in the
// denominator, so the effective step never grows.
#pragma once

#include <nabla/optim/first_order/adam_update.hpp>

namespace nabla::optim {

struct AMSGrad {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;

  void init(StepState& s, Eigen::Index n) const { detail::zero_buffers(s, 3, n); }
  void step(StepState& s, Eigen::Ref<Eigen::VectorXd> x, const Eigen::Ref<const Eigen::VectorXd>& g,
            double eta) const {
    detail::adam_update(s, x, g, eta, beta1, beta2, eps, weight_decay, true);
  }
};

}  // namespace nabla::optim
