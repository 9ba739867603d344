// The bias-corrected Adam update shared by Adam, AdamW and AMSGrad (torch.optim.Adam):
//   m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  (AMSGrad: v̂ ← max(v̂, v))
//   w ← w − η/(1−β₁ᵗ) · m / (√v / √(1−β₂ᵗ) + ε)
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include <nabla/optim/first_order/step_state.hpp>

namespace nabla::optim::detail {

// buffers: m, v, v̂ (AMSGrad's running maximum).
inline void adam_update(StepState& s, Eigen::Ref<Eigen::VectorXd> x,
                        const Eigen::Ref<const Eigen::VectorXd>& g, double eta, double beta1,
                        double beta2, double eps, double coupled_decay, bool amsgrad) {
  Eigen::VectorXd& m = s.buffers[0];
  Eigen::VectorXd& v = s.buffers[1];
  Eigen::VectorXd& vmax = s.buffers[2];
  ++s.t;
  const double t = static_cast<double>(s.t);
  const double step_size = eta / (1.0 - std::pow(beta1, t));
  const double bc2_sqrt = std::sqrt(1.0 - std::pow(beta2, t));
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double gi = g[i] + coupled_decay * x[i];
    m[i] = beta1 * m[i] + (1.0 - beta1) * gi;
    v[i] = beta2 * v[i] + (1.0 - beta2) * gi * gi;
    double vi = v[i];
    if (amsgrad) {
      vmax[i] = std::max(vmax[i], v[i]);
      vi = vmax[i];
    }
    x[i] -= step_size * m[i] / (std::sqrt(vi) / bc2_sqrt + eps);
  }
}

}  // namespace nabla::optim::detail
