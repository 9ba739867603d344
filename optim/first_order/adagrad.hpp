// Adagrad: G ← G + g²; w ← w − η_t g / (√G + ε) with η_t = η / (1 + (t−1)·lr_decay)
// (torch.optim.Adagrad). The lecture (004_…txt) puts ε inside the root, w ← w − η g / √(G + ε):
// select it with eps_inside_root = true (and set eps to the lecture's 1e-8).
#pragma once

#include <Eigen/Core>
#include <cmath>

#include <nabla/optim/first_order/step_state.hpp>

namespace nabla::optim {

struct Adagrad {
  double lr = 0.01;
  double lr_decay = 0.0;
  double weight_decay = 0.0;
  double initial_accumulator_value = 0.0;
  double eps = 1e-10;
  bool eps_inside_root = false;

  void init(StepState& s, Eigen::Index n) const {
    detail::zero_buffers(s, 1, n);
    s.buffers[0].setConstant(initial_accumulator_value);
  }
  void step(StepState& s, Eigen::Ref<Eigen::VectorXd> x, const Eigen::Ref<const Eigen::VectorXd>& g,
            double eta) const {
    Eigen::VectorXd& G = s.buffers[0];
    ++s.t;
    const double clr = eta / (1.0 + static_cast<double>(s.t - 1) * lr_decay);
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      const double gi = g[i] + weight_decay * x[i];
      G[i] += gi * gi;
      const double denom = eps_inside_root ? std::sqrt(G[i] + eps) : std::sqrt(G[i]) + eps;
      x[i] -= clr * gi / denom;
    }
  }
};

}  // namespace nabla::optim
