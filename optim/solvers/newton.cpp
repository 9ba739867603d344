#include <nabla/optim/solvers/newton.hpp>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/solvers/direction_method.hpp>

namespace nabla::optim {

namespace {

// δ/max|λ|: eigenvalues closer to zero than this are taken as δ (√ε).
constexpr double eigenvalue_floor = 1.4901161193847656e-08;

// Newton's model of the next direction: a fresh Hessian at every x; where it is not positive
// definite, a modified one that is (N&W section 3.4).
class ModifiedNewton {
 public:
  ModifiedNewton(SolverRun& run, const Newton& method) : run_(run), method_(method) {}

  [[nodiscard]] bool empty() const noexcept { return steepest_; }
  void reset() noexcept { steepest_ = true; }
  void direction(const Eigen::VectorXd& x, const Eigen::VectorXd& g, Eigen::VectorXd& d) {
    if (steepest_) {
      d = -g;
      return;
    }
    run_.hessian(x, h_);
    if (!h_.allFinite()) {  // the loop then retries along −∇Q
      d.setConstant(g.size(), std::numeric_limits<double>::quiet_NaN());
      return;
    }
    llt_.compute(h_);
    if (llt_.info() == Eigen::Success) {  // positive definite: the Newton direction itself
      d = llt_.solve(-g);
      return;
    }
    if (method_.modification == Newton::Modification::Eigenvalues)
      eigenvalue_direction(g, d);
    else
      shifted_direction(g, d);
  }
  // −V·diag(1 / max(|λᵢ|, δ))·Vᵀ·∇Q, δ = √ε·max|λ|: a negative curvature becomes a positive one
  // of the same size, so the step leaves a saddle along its descending direction.
  void eigenvalue_direction(const Eigen::VectorXd& g, Eigen::VectorXd& d) {
    eig_.compute(h_);
    if (eig_.info() != Eigen::Success) {
      d = -g;
      return;
    }
    const Eigen::VectorXd& lambda = eig_.eigenvalues();
    const double floor = std::max(eigenvalue_floor * lambda.cwiseAbs().maxCoeff(),
                                  std::numeric_limits<double>::min());
    d.noalias() = eig_.eigenvectors().transpose() * g;
    d.array() /= -lambda.array().abs().max(floor);
    d = eig_.eigenvectors() * d;
  }
  // (∇²Q + τI)⁻¹ applied to −∇Q for τ = max(0, β − min ∇²Qᵢᵢ), 2τ, 4τ, … (τ ≥ β), the first
  // that makes the Cholesky factorisation succeed.
  void shifted_direction(const Eigen::VectorXd& g, Eigen::VectorXd& d) {
    const double min_diagonal = h_.diagonal().minCoeff();
    double tau = std::max(method_.shift, method_.shift - min_diagonal);
    // 2^80 ≈ 1e24 times the shift: past it the Hessian is not worth factorising.
    for (int attempt = 0; attempt < 80; ++attempt) {
      shifted_ = h_;
      shifted_.diagonal().array() += tau;
      llt_.compute(shifted_);
      if (llt_.info() == Eigen::Success) {
        d = llt_.solve(-g);
        return;
      }
      tau *= 2.0;
    }
    d = -g;
  }
  void update(const Eigen::VectorXd& /*s*/, const Eigen::VectorXd& /*y*/) noexcept {
    steepest_ = false;
  }
  static void save(StepState& st) { st.buffers.clear(); }
  static void load(const StepState& /*st*/) {}
  void finish(const Eigen::VectorXd& x, const Eigen::VectorXd& g) {
    if (!method_.check_second_order) return;
    run_.hessian(x, h_);
    run_.check_second_order(g, h_, method_.gtol);
  }

 private:
  SolverRun& run_;
  const Newton& method_;
  bool steepest_ = false;
  Eigen::MatrixXd h_, shifted_;
  Eigen::LLT<Eigen::MatrixXd> llt_;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig_;
};

}  // namespace

void Newton::solve(SolverRun& run) const {
  if (!(shift > 0.0))
    throw Error(fmt::format("nabla::optim::Newton.shift = {} must be > 0", shift));
  ModifiedNewton model(run, *this);
  detail::direction_method(run, model, line_search, gtol, ftol, false, "Newton");
}

}  // namespace nabla::optim
