// AdaMax (torch.optim.Adamax): Adam with the infinity norm,
//   m ← β₁m + (1−β₁)g;  u ← max(β₂u, |g| + ε);  w ← w − η/(1−β₁ᵗ) · m/u.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include <nabla/optim/first_order/step_state.hpp>

namespace nabla::optim {

struct AdaMax {
  double lr = 2e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;

  void init(StepState& s, Eigen::Index n) const { detail::zero_buffers(s, 2, n); }
  void step(StepState& s, Eigen::Ref<Eigen::VectorXd> x, const Eigen::Ref<const Eigen::VectorXd>& g,
            double eta) const {
    Eigen::VectorXd& m = s.buffers[0];
    Eigen::VectorXd& u = s.buffers[1];
    ++s.t;
    const double clr = eta / (1.0 - std::pow(beta1, static_cast<double>(s.t)));
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      const double gi = g[i] + weight_decay * x[i];
      m[i] = beta1 * m[i] + (1.0 - beta1) * gi;
      u[i] = std::max(beta2 * u[i], std::abs(gi) + eps);
      x[i] -= clr * m[i] / u[i];
    }
  }
};

}  // namespace nabla::optim
