// BFGS with a dense inverse Hessian H (Nocedal & Wright, Algorithm 6.1, update 6.17):
//   H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ,  ρ = 1 / yᵀs,
// H₀ = I (optionally rescaled to (yᵀs / yᵀy)·I before the first update, eq. 6.20). The first step
// is scaled instead: 1.01/‖∇Q₀‖, and each later first trial is scipy's interpolated one
// (direction_method.hpp), so that on Rosenbrock from (−1.2, 1) the run takes scipy's BFGS's 32
// iterations and 39 evaluations (38 and 45 with the H₀ rescaling). O(n²) memory and work per
// iteration: for n up to a few thousand; L-BFGS beyond. gtol 1e-5 in ∞ as scipy's BFGS, which
// has no ftol test (0).
#pragma once

#include <Eigen/Core>

#include <string_view>

#include <nabla/optim/first_order/step_state.hpp>
#include <nabla/optim/line_search/line_search.hpp>
#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/solvers/direction_method.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

struct BFGS {
  static constexpr std::string_view name = "bfgs";
  static constexpr Capabilities needs = Capability::Value | Capability::Gradient;
  double gtol = 1e-5;                  // ‖∇Q‖∞ at which the run has converged
  double ftol = 0.0;                   // relative decrease at which it has converged (0: off)
  bool scale_initial_hessian = false;  // H₀ = (yᵀs / yᵀy)·I at the first update (N&W 6.20)
  LineSearch line_search = {};

  void solve(SolverRun& run) const;
};

namespace detail {

class DenseInverseHessian {
 public:
  DenseInverseHessian(Eigen::Index n, bool scale_initial)
      : H_(Eigen::MatrixXd::Identity(n, n)), scale_initial_(scale_initial) {}
  [[nodiscard]] bool empty() const noexcept { return !updated_; }
  void reset() {
    H_.setIdentity();
    updated_ = false;
  }
  void direction(const Eigen::VectorXd& /*x*/, const Eigen::VectorXd& g, Eigen::VectorXd& d) const {
    d.noalias() = -H_ * g;
  }
  void update(const Eigen::VectorXd& s, const Eigen::VectorXd& y) {
    const double sy = s.dot(y);
    if (!(sy > curvature_floor * y.squaredNorm())) return;  // keeps H positive definite
    if (!updated_ && scale_initial_) H_ *= sy / y.squaredNorm();
    // H⁺ = H − ρ(Hy sᵀ + s yᵀH) + (ρ²·yᵀHy + ρ) s sᵀ, H symmetric.
    hy_.noalias() = H_ * y;
    const double rho = 1.0 / sy;
    const double c = rho * rho * y.dot(hy_) + rho;
    H_.noalias() -= rho * (hy_ * s.transpose() + s * hy_.transpose());
    H_.noalias() += c * (s * s.transpose());
    updated_ = true;
  }
  void save(StepState& st) const {
    st.buffers.clear();
    if (updated_) st.buffers.emplace_back(H_.reshaped());
  }
  void load(const StepState& st) {
    if (st.buffers.size() == 1 && st.buffers[0].size() == H_.size()) {
      H_ = st.buffers[0].reshaped(H_.rows(), H_.cols());
      updated_ = true;
    }
  }

 private:
  Eigen::MatrixXd H_;
  Eigen::VectorXd hy_;
  bool updated_ = false;
  bool scale_initial_ = false;
};

}  // namespace detail

inline void BFGS::solve(SolverRun& run) const {
  detail::DenseInverseHessian model(run.size(), scale_initial_hessian);
  detail::direction_method(run, model, line_search, gtol, ftol, true, "BFGS");
}

}  // namespace nabla::optim
