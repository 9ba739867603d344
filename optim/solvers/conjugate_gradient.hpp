// Nonlinear conjugate gradients (Nocedal & Wright, chapter 5.2): d₀ = −∇Q₀, then
//   d_{k+1} = −∇Q_{k+1} + β_{k+1} d_k
// with β of Fletcher–Reeves ‖g⁺‖²/‖g‖², Polak–Ribière+ max(0, g⁺ᵀy/‖g‖²) (the default, N&W 5.45)
// or Hestenes–Stiefel+ max(0, g⁺ᵀy/dᵀy), y = g⁺ − g. The "+" variants restart themselves when
// β would be negative; Fletcher–Reeves restarts by Powell's test, when consecutive gradients are
// far from orthogonal, |g⁺ᵀg| ≥ 0.2‖g⁺‖² (N&W 5.52; without it FR stalls: 79 iterations instead
// of 28 on Rosenbrock). `restart` > 0 also restarts every that many iterations. The line
// search is strong Wolfe with c2 = 0.1 (N&W: the curvature condition that makes FR a descent
// method); the loop and stopping tests are direction_method.hpp's (gtol 1e-5 in ∞ as scipy's
// CG, no ftol test). O(n) memory: for large n when even L-BFGS's m·n is too much.
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <string_view>

#include <nabla/optim/first_order/step_state.hpp>
#include <nabla/optim/line_search/line_search.hpp>
#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/solvers/direction_method.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

struct ConjugateGradient {
  enum class Beta { FletcherReeves, PolakRibierePlus, HestenesStiefelPlus };
  static constexpr std::string_view name = "conjugate_gradient";
  static constexpr Capabilities needs = Capability::Value | Capability::Gradient;
  Beta beta = Beta::PolakRibierePlus;
  int restart = 0;     // also restart every this many iterations (0: no periodic restart)
  double gtol = 1e-5;  // ‖∇Q‖∞ at which the run has converged
  double ftol = 0.0;   // relative decrease at which it has converged (0: off)
  LineSearch line_search = LineSearch::wolfe({.c2 = 0.1});

  void solve(SolverRun& run) const;
};

namespace detail {

class ConjugateDirection {
 public:
  ConjugateDirection(ConjugateGradient::Beta beta, int restart) : beta_(beta), restart_(restart) {}
  [[nodiscard]] bool empty() const noexcept { return !has_pair_; }
  void reset() noexcept {
    has_pair_ = false;
    since_restart_ = 0;
  }
  void direction(const Eigen::VectorXd& /*x*/, const Eigen::VectorXd& g, Eigen::VectorXd& d) {
    double b = 0.0;
    if (has_pair_ && (restart_ == 0 || ++since_restart_ < restart_)) {
      g_prev_ = g - y_;  // the previous gradient
      const double gg_prev = g_prev_.squaredNorm();
      switch (beta_) {
        case ConjugateGradient::Beta::FletcherReeves:
          b = g.squaredNorm() / gg_prev;
          if (std::abs(g.dot(g_prev_)) >= 0.2 * g.squaredNorm()) b = 0.0;  // Powell
          break;
        case ConjugateGradient::Beta::PolakRibierePlus:
          b = std::max(0.0, g.dot(y_) / gg_prev);
          break;
        case ConjugateGradient::Beta::HestenesStiefelPlus:
          b = std::max(0.0, g.dot(y_) / d_.dot(y_));
          break;
      }
      if (!std::isfinite(b)) b = 0.0;
    }
    if (b == 0.0) {
      since_restart_ = 0;
      d_ = -g;
    } else {
      d_ = b * d_ - g;
    }
    d = d_;
  }
  void update(const Eigen::VectorXd& /*s*/, const Eigen::VectorXd& y) {
    y_ = y;
    has_pair_ = true;
  }
  void save(StepState& st) const {
    st.buffers.clear();
    if (has_pair_) st.buffers = {d_, y_};
  }
  void load(const StepState& st) {
    if (st.buffers.size() != 2) return;
    d_ = st.buffers[0];
    y_ = st.buffers[1];
    has_pair_ = true;
  }

 private:
  ConjugateGradient::Beta beta_;
  int restart_;
  bool has_pair_ = false;
  int since_restart_ = 0;
  Eigen::VectorXd d_, y_, g_prev_;
};

}  // namespace detail

inline void ConjugateGradient::solve(SolverRun& run) const {
  if (restart < 0)
    throw Error(fmt::format("nabla::optim::ConjugateGradient: restart = {} must be >= 0", restart));
  detail::ConjugateDirection model(beta, restart);
  detail::direction_method(run, model, line_search, gtol, ftol, true, "ConjugateGradient");
}

}  // namespace nabla::optim
