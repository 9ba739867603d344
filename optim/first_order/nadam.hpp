// Nadam (torch.optim.NAdam): Adam with a Nesterov look-ahead on the first moment and the
// momentum schedule μ_t = β₁(1 − ½·0.96^(t·ψ)), ψ = momentum_decay:
//   m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  d = √(v/(1−β₂ᵗ)) + ε
//   w ← w − η(1−μ_t)/(1−Πμ) · g/d − η μ_{t+1}/(1−Πμ·μ_{t+1}) · m/d
#pragma once

#include <Eigen/Core>
#include <cmath>

#include <nabla/optim/first_order/step_state.hpp>

namespace nabla::optim {

struct Nadam {
  double lr = 2e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  double momentum_decay = 4e-3;

  // buffers: m, v; scalars: the running product Πμ.
  void init(StepState& s, Eigen::Index n) const {
    detail::zero_buffers(s, 2, n);
    s.scalars.assign(1, 1.0);
  }
  void step(StepState& s, Eigen::Ref<Eigen::VectorXd> x, const Eigen::Ref<const Eigen::VectorXd>& g,
            double eta) const {
    Eigen::VectorXd& m = s.buffers[0];
    Eigen::VectorXd& v = s.buffers[1];
    ++s.t;
    const double t = static_cast<double>(s.t);
    const double bc2 = 1.0 - std::pow(beta2, t);
    const double mu = beta1 * (1.0 - 0.5 * std::pow(0.96, t * momentum_decay));
    const double mu_next = beta1 * (1.0 - 0.5 * std::pow(0.96, (t + 1.0) * momentum_decay));
    s.scalars[0] *= mu;
    const double mu_product = s.scalars[0];
    const double mu_product_next = mu_product * mu_next;
    const double c_grad = eta * (1.0 - mu) / (1.0 - mu_product);
    const double c_avg = eta * mu_next / (1.0 - mu_product_next);
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      const double gi = g[i] + weight_decay * x[i];
      m[i] = beta1 * m[i] + (1.0 - beta1) * gi;
      v[i] = beta2 * v[i] + (1.0 - beta2) * gi * gi;
      const double denom = std::sqrt(v[i] / bc2) + eps;
      x[i] -= c_grad * gi / denom;
      x[i] -= c_avg * m[i] / denom;
    }
  }
};

}  // namespace nabla::optim
