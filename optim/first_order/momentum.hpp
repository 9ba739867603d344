// Heavy-ball momentum in its three published forms. They coincide for a constant step size and
// differ once η varies, because they apply η at different moments:
//   Torch            (torch.optim.SGD, momentum=β, dampening=d): b ← βb + (1−d)∇Q (b = ∇Q on
//                    the first step); w ← w − η b.
//   GradientVelocity (lecture 001_…txt): z ← βz + ∇f;   w ← w − λz  (= Torch with d = 0, λ = η):
//                    the velocity sums gradients, the step size scales it when it is applied.
//   StepVelocity     (lecture 000_…txt): h ← αh + η∇Q;  w ← w − h   (η folded into the velocity):
//                    the velocity sums steps, so a schedule changes only the new contributions.
#pragma once

#include <Eigen/Core>

#include <nabla/optim/first_order/step_state.hpp>

namespace nabla::optim {

enum class MomentumForm {
  Torch,
  GradientVelocity,
  StepVelocity,
  // The names of nabla 0.1, kept for one release (CHANGELOG.md).
  Lecture001 = GradientVelocity,
  Lecture000 = StepVelocity,
};

struct Momentum {
  double lr = 0.01;
  double beta = 0.9;       // α in 000, β in 001, momentum in torch
  double dampening = 0.0;  // torch only
  double weight_decay = 0.0;
  MomentumForm form = MomentumForm::Torch;

  void init(StepState& s, Eigen::Index n) const { detail::zero_buffers(s, 1, n); }
  void step(StepState& s, Eigen::Ref<Eigen::VectorXd> x, const Eigen::Ref<const Eigen::VectorXd>& g,
            double eta) const {
    Eigen::VectorXd& b = s.buffers[0];
    const bool first = s.t == 0;
    ++s.t;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      const double gi = g[i] + weight_decay * x[i];
      switch (form) {
        case MomentumForm::Torch:
          b[i] = first ? gi : beta * b[i] + (1.0 - dampening) * gi;
          x[i] -= eta * b[i];
          break;
        case MomentumForm::GradientVelocity:
          b[i] = beta * b[i] + gi;
          x[i] -= eta * b[i];
          break;
        case MomentumForm::StepVelocity:
          b[i] = beta * b[i] + eta * gi;
          x[i] -= b[i];
          break;
      }
    }
  }
};

}  // namespace nabla::optim
