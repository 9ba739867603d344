// Adadelta (004_…txt and torch.optim.Adadelta agree, ε inside both roots):
//   E[g²] ← ρE[g²] + (1−ρ)g²;  Δ = √(E[Δ²] + ε) / √(E[g²] + ε) · g;
//   E[Δ²] ← ρE[Δ²] + (1−ρ)Δ²;  w ← w − η Δ   (η = 1 is the lecture's "no step size").
#pragma once

#include <Eigen/Core>
#include <cmath>

#include <nabla/optim/first_order/step_state.hpp>

namespace nabla::optim {

struct Adadelta {
  double lr = 1.0;
  double rho = 0.9;
  double eps = 1e-6;
  double weight_decay = 0.0;

  void init(StepState& s, Eigen::Index n) const { detail::zero_buffers(s, 2, n); }
  void step(StepState& s, Eigen::Ref<Eigen::VectorXd> x, const Eigen::Ref<const Eigen::VectorXd>& g,
            double eta) const {
    Eigen::VectorXd& sq = s.buffers[0];
    Eigen::VectorXd& acc = s.buffers[1];
    ++s.t;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      const double gi = g[i] + weight_decay * x[i];
      sq[i] = rho * sq[i] + (1.0 - rho) * gi * gi;
      const double delta = std::sqrt(acc[i] + eps) / std::sqrt(sq[i] + eps) * gi;
      acc[i] = rho * acc[i] + (1.0 - rho) * delta * delta;
      x[i] -= eta * delta;
    }
  }
};

}  // namespace nabla::optim
