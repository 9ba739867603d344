// Nesterov accelerated gradient in two forms.
//   Lookahead (004_…txt): v ← γv + η∇Q(w − γv);  w ← w − v. The gradient is taken at the
//             look-ahead point w − γv, so the driver asks lookahead() where to differentiate.
//   Torch     (torch.optim.SGD, nesterov=True): b ← γb + ∇Q(w) (b = ∇Q first); w ← w − η(∇Q + γb).
//             The same method after the change of variables w' = w − γv, with the gradient at
//             the current iterate; the iterates differ from Lookahead's by that shift.
#pragma once

#include <Eigen/Core>

#include <nabla/optim/first_order/step_state.hpp>

namespace nabla::optim {

enum class NesterovForm { Torch, Lookahead };

struct Nesterov {
  double lr = 0.01;
  double beta = 0.9;  // γ
  double weight_decay = 0.0;
  NesterovForm form = NesterovForm::Torch;

  void init(StepState& s, Eigen::Index n) const { detail::zero_buffers(s, 1, n); }

  // Where the gradient for the next step must be taken: true and `at` filled for Lookahead.
  bool lookahead(const StepState& s, const Eigen::VectorXd& x, Eigen::VectorXd& at) const {
    if (form != NesterovForm::Lookahead) return false;
    at = x - beta * s.buffers[0];
    return true;
  }

  void step(StepState& s, Eigen::Ref<Eigen::VectorXd> x, const Eigen::Ref<const Eigen::VectorXd>& g,
            double eta) const {
    Eigen::VectorXd& b = s.buffers[0];
    const bool first = s.t == 0;
    ++s.t;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      const double gi = g[i] + weight_decay * x[i];
      if (form == NesterovForm::Torch) {
        b[i] = first ? gi : beta * b[i] + gi;
        x[i] -= eta * (gi + beta * b[i]);
      } else {
        b[i] = beta * b[i] + eta * gi;
        x[i] -= b[i];
      }
    }
  }
};

}  // namespace nabla::optim
