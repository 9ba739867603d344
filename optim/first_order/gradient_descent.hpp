// Plain gradient descent, w ← w − η (∇Q + λw) (torch.optim.SGD without momentum).
#pragma once

#include <Eigen/Core>

#include <nabla/optim/first_order/step_state.hpp>

namespace nabla::optim {

struct GradientDescent {
  double lr = 0.01;
  double weight_decay = 0.0;  // coupled L2: adds λw to the gradient, as torch does

  void init(StepState& s, Eigen::Index /*n*/) const { detail::zero_buffers(s, 0, 0); }
  void step(StepState& s, Eigen::Ref<Eigen::VectorXd> x, const Eigen::Ref<const Eigen::VectorXd>& g,
            double eta) const {
    ++s.t;
    if (weight_decay == 0.0)
      x.noalias() -= eta * g;
    else
      x = x - eta * (g + weight_decay * x);
  }
};

}  // namespace nabla::optim
