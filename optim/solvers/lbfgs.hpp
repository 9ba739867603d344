// L-BFGS (Nocedal & Wright, Algorithm 7.4 and 7.5): the inverse Hessian from the last m pairs
// (s, y) by the two-loop recursion, H₀ = γI with γ = sᵀy / yᵀy of the newest pair (eq. 7.20).
// O(m·n) memory and work per iteration: the method for large n. The loop, line search and
// stopping tests are direction_method.hpp's; defaults are scipy's L-BFGS-B (m = 10, gtol 1e-5 in ∞,
// ftol 2.2e-9 = factr 1e7 × machine ε).
#pragma once

#include <Eigen/Core>

#include <string_view>

#include <nabla/optim/first_order/step_state.hpp>
#include <nabla/optim/line_search/line_search.hpp>
#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/solvers/direction_method.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

struct LBFGS {
  static constexpr std::string_view name = "lbfgs";
  static constexpr Capabilities needs = Capability::Value | Capability::Gradient;
  int m = 10;                          // pairs kept
  double gtol = 1e-5;                  // ‖∇Q‖∞ at which the run has converged
  double ftol = 2.220446049250313e-9;  // relative decrease at which it has converged (0: off)
  LineSearch line_search = {};

  void solve(SolverRun& run) const;
};

namespace detail {

// The last m pairs, oldest first in time, stored in a ring of columns.
class LbfgsMemory {
 public:
  LbfgsMemory(Eigen::Index n, int m) : S_(n, m), Y_(n, m), rho_(m), alpha_(m) {}
  [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
  void reset() noexcept { count_ = 0; }
  // The pair is kept only with positive curvature well above rounding (L-BFGS-B's test).
  void update(const Eigen::VectorXd& s, const Eigen::VectorXd& y) {
    if (!(s.dot(y) > curvature_floor * y.squaredNorm())) return;
    const int m = static_cast<int>(S_.cols());
    newest_ = (newest_ + 1) % m;
    S_.col(newest_) = s;
    Y_.col(newest_) = y;
    rho_[newest_] = 1.0 / s.dot(y);
    count_ = std::min(count_ + 1, m);
  }
  void direction(const Eigen::VectorXd& /*x*/, const Eigen::VectorXd& g, Eigen::VectorXd& d) {
    d = -g;
    if (count_ == 0) return;
    const int m = static_cast<int>(S_.cols());
    for (int k = 0, i = newest_; k < count_; ++k, i = (i + m - 1) % m) {
      alpha_[i] = rho_[i] * S_.col(i).dot(d);
      d -= alpha_[i] * Y_.col(i);
    }
    d *= S_.col(newest_).dot(Y_.col(newest_)) / Y_.col(newest_).squaredNorm();
    for (int k = 0, i = (newest_ + m - count_ + 1) % m; k < count_; ++k, i = (i + 1) % m) {
      const double beta = rho_[i] * Y_.col(i).dot(d);
      d += (alpha_[i] - beta) * S_.col(i);
    }
  }
  // The pairs oldest first: s₀, y₀, s₁, y₁, …
  void save(StepState& st) const {
    const int m = static_cast<int>(S_.cols());
    st.buffers.clear();
    for (int k = 0, i = (newest_ + m - count_ + 1) % m; k < count_; ++k, i = (i + 1) % m) {
      st.buffers.emplace_back(S_.col(i));
      st.buffers.emplace_back(Y_.col(i));
    }
  }
  void load(const StepState& st) {
    reset();
    for (std::size_t k = 0; k + 1 < st.buffers.size(); k += 2)
      if (st.buffers[k].size() == S_.rows() && st.buffers[k + 1].size() == S_.rows())
        update(st.buffers[k], st.buffers[k + 1]);
  }

 private:
  Eigen::MatrixXd S_, Y_;
  Eigen::VectorXd rho_, alpha_;
  int newest_ = -1;
  int count_ = 0;
};

}  // namespace detail

inline void LBFGS::solve(SolverRun& run) const {
  if (m < 1) throw Error(fmt::format("nabla::optim::LBFGS: m = {} must be >= 1", m));
  detail::LbfgsMemory memory(run.size(), m);
  detail::direction_method(run, memory, line_search, gtol, ftol, false, "LBFGS");
}

}  // namespace nabla::optim
