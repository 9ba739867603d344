// RMSprop (torch.optim.RMSprop): E ← αE + (1−α)g²; d = √E + ε (centered: √(E − m²) + ε with
// m ← αm + (1−α)g); with momentum μ: b ← μb + g/d, w ← w − ηb; else w ← w − η g/d.
// The lectures (000_…txt, 004_…txt: α = 0.9, η = 0.001) put ε inside the root, d = √(E + ε):
// eps_inside_root = true.
#pragma once

#include <Eigen/Core>
#include <cmath>

#include <nabla/optim/first_order/step_state.hpp>

namespace nabla::optim {

struct RMSprop {
  double lr = 0.01;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0.0;
  double momentum = 0.0;
  bool centered = false;
  bool eps_inside_root = false;

  // buffers: E[g²], momentum buffer, running mean of g (centered)
  void init(StepState& s, Eigen::Index n) const { detail::zero_buffers(s, 3, n); }
  void step(StepState& s, Eigen::Ref<Eigen::VectorXd> x, const Eigen::Ref<const Eigen::VectorXd>& g,
            double eta) const {
    Eigen::VectorXd& sq = s.buffers[0];
    Eigen::VectorXd& buf = s.buffers[1];
    Eigen::VectorXd& mean = s.buffers[2];
    ++s.t;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      const double gi = g[i] + weight_decay * x[i];
      sq[i] = alpha * sq[i] + (1.0 - alpha) * gi * gi;
      double v = sq[i];
      if (centered) {
        mean[i] = alpha * mean[i] + (1.0 - alpha) * gi;
        v -= mean[i] * mean[i];
      }
      const double denom = eps_inside_root ? std::sqrt(v + eps) : std::sqrt(v) + eps;
      if (momentum > 0.0) {
        buf[i] = momentum * buf[i] + gi / denom;
        x[i] -= eta * buf[i];
      } else {
        x[i] -= eta * gi / denom;
      }
    }
  }
};

}  // namespace nabla::optim
