#include <nabla/optim/solvers/newton_cg.hpp>

#include <Eigen/Core>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/solvers/direction_method.hpp>

namespace nabla::optim {

namespace {

// The truncated-Newton direction: CG on ∇²Q p = −∇Q from p = 0, by Hessian–vector products at x.
class TruncatedNewton {
 public:
  TruncatedNewton(SolverRun& run, const NewtonCG& method) : run_(run), method_(method) {}

  [[nodiscard]] bool empty() const noexcept { return steepest_; }
  void reset() noexcept { steepest_ = true; }
  void direction(const Eigen::VectorXd& x, const Eigen::VectorXd& g, Eigen::VectorXd& d) {
    if (steepest_) {
      d = -g;
      return;
    }
    const Eigen::Index n = g.size();
    const int budget =
        method_.max_cg_iterations > 0 ? method_.max_cg_iterations : 20 * static_cast<int>(n);
    const double gnorm = g.norm();
    const double tolerance = std::min(0.5, std::sqrt(gnorm)) * gnorm;  // the forcing term
    d.setZero(n);
    r_ = g;  // the residual ∇²Q p + ∇Q
    p_ = -g;
    double rr = r_.squaredNorm();
    for (int j = 0; j < budget; ++j) {
      run_.hessian_vector(x, p_, hp_);
      const double curvature = p_.dot(hp_);
      if (!std::isfinite(curvature)) {
        d.setConstant(n, std::numeric_limits<double>::quiet_NaN());  // retried along −∇Q
        return;
      }
      if (curvature <= 0.0) {
        // Not positive definite along p: keep the progress made, or take −∇Q with the step
        // its (negative) curvature suggests.
        if (j == 0) d = curvature < 0.0 ? Eigen::VectorXd((rr / -curvature) * -g) : -g;
        return;
      }
      const double alpha = rr / curvature;
      d += alpha * p_;
      r_ += alpha * hp_;
      const double rr_next = r_.squaredNorm();
      if (std::sqrt(rr_next) <= tolerance) return;
      p_ = -r_ + (rr_next / rr) * p_;
      rr = rr_next;
    }
  }
  void update(const Eigen::VectorXd& /*s*/, const Eigen::VectorXd& /*y*/) noexcept {
    steepest_ = false;
  }
  static void save(StepState& st) { st.buffers.clear(); }
  static void load(const StepState& /*st*/) {}
  // ∇²Q from n products with the unit vectors, symmetrised against rounding.
  void finish(const Eigen::VectorXd& x, const Eigen::VectorXd& g) {
    const Eigen::Index n = x.size();
    if (n > method_.check_second_order_up_to) return;
    Eigen::MatrixXd h(n, n);
    Eigen::VectorXd e = Eigen::VectorXd::Zero(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      e[i] = 1.0;
      run_.hessian_vector(x, e, hp_);
      h.col(i) = hp_;
      e[i] = 0.0;
    }
    const Eigen::MatrixXd symmetric = 0.5 * (h + h.transpose());
    run_.check_second_order(g, symmetric, method_.gtol);
  }

 private:
  SolverRun& run_;
  const NewtonCG& method_;
  bool steepest_ = false;
  Eigen::VectorXd r_, p_, hp_;
};

}  // namespace

void NewtonCG::solve(SolverRun& run) const {
  if (max_cg_iterations < 0)
    throw Error(fmt::format("nabla::optim::NewtonCG.max_cg_iterations = {} must be >= 0",
                            max_cg_iterations));
  TruncatedNewton model(run, *this);
  detail::direction_method(run, model, line_search, gtol, ftol, false, "NewtonCG");
}

}  // namespace nabla::optim
