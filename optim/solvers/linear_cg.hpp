// Linear conjugate gradients (Nocedal & Wright, Algorithm 5.3 with a preconditioner M ≈ A⁻¹):
// A x = b for a symmetric positive-definite A given only as an operator v ↦ A v, one product per
// iteration, exact in at most n iterations in exact arithmetic and fast when A's eigenvalues
// cluster. Two forms:
//   linear_cg(A, b, x0, {…}, M)  A x = b with A, M any callables v ↦ A v, v ↦ M v;
//   LinearConjugateGradient      a solver for minimize on a quadratic objective, A = ∇²Q by
//                                Hessian–vector products, b = A x₀ − ∇Q(x₀); each CG iteration is
//                                one iteration of the run, Q and ∇Q from the quadratic model
//                                (on a Q that is not quadratic: the minimiser of its model at
//                                x₀, one Newton step solved by CG, and the model's values).
// A direction with pᵀAp ≤ 0 (A not positive definite) stops with that reason instead of
// dividing by it.
#pragma once

#include <Eigen/Core>

#include <fmt/format.h>

#include <cmath>
#include <string>
#include <string_view>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim {

struct LinearCGOptions {
  double rtol = 1e-10;     // stop when ‖b − A x‖ ≤ rtol·‖b‖
  int max_iterations = 0;  // 0: 10·n
};

struct LinearCGResult {
  Eigen::VectorXd x;
  int iterations = 0;
  double residual_norm = 0.0;  // ‖b − A x‖ (the recurrence's residual)
  bool converged = false;
  bool negative_curvature = false;  // pᵀAp ≤ 0 met: A is not positive definite
  std::string message;
};

// The identity preconditioner.
struct NoPreconditioner {
  const Eigen::VectorXd& operator()(const Eigen::VectorXd& r) const { return r; }
};

template <class Apply, class Precondition = NoPreconditioner>
LinearCGResult linear_cg(Apply&& A, const Eigen::VectorXd& b, Eigen::VectorXd x0,
                         const LinearCGOptions& options = {}, Precondition&& M = {}) {
  if (x0.size() == 0) x0 = Eigen::VectorXd::Zero(b.size());
  if (x0.size() != b.size())
    throw ShapeError(
        fmt::format("nabla::optim::linear_cg: x0 has size {} but b has {}", x0.size(), b.size()));
  if (!(options.rtol >= 0.0) || options.max_iterations < 0)
    throw Error(
        fmt::format("nabla::optim::linear_cg: rtol = {} and max_iterations = {} must be >= 0",
                    options.rtol, options.max_iterations));
  LinearCGResult out;
  out.x = std::move(x0);
  const int budget =
      options.max_iterations > 0 ? options.max_iterations : 10 * static_cast<int>(b.size());
  const double target = options.rtol * b.norm();
  Eigen::VectorXd r = b - Eigen::VectorXd(A(out.x));
  Eigen::VectorXd z = M(r);
  Eigen::VectorXd p = z;
  double rz = r.dot(z);
  out.residual_norm = r.norm();
  for (; out.iterations < budget; ++out.iterations) {
    if (out.residual_norm <= target) break;
    const Eigen::VectorXd Ap = A(p);
    const double pAp = p.dot(Ap);
    if (!(pAp > 0.0)) {
      out.negative_curvature = true;
      out.message =
          fmt::format("pᵀAp = {:g} <= 0 at iteration {}: the operator is not positive definite",
                      pAp, out.iterations);
      return out;
    }
    const double alpha = rz / pAp;
    out.x += alpha * p;
    r -= alpha * Ap;
    out.residual_norm = r.norm();
    z = M(r);
    const double rz_next = r.dot(z);
    p = z + (rz_next / rz) * p;
    rz = rz_next;
  }
  out.converged = out.residual_norm <= target;
  out.message = out.converged
                    ? fmt::format("‖b − Ax‖ = {:.3g} <= rtol·‖b‖ after {} iterations",
                                  out.residual_norm, out.iterations)
                    : fmt::format("{} iterations without ‖b − Ax‖ <= rtol·‖b‖ (‖b − Ax‖ = {:.3g})",
                                  out.iterations, out.residual_norm);
  return out;
}

// minimize's form: the minimiser of a quadratic Q by CG on ∇²Q p = −∇Q(x₀).
struct LinearConjugateGradient {
  static constexpr std::string_view name = "linear_conjugate_gradient";
  static constexpr Capabilities needs =
      Capability::Value | Capability::Gradient | Capability::HessianVector;
  double rtol = 1e-10;  // stop when ‖∇Q‖ ≤ rtol·‖∇Q(x₀)‖

  void solve(SolverRun& run) const {
    if (!(rtol >= 0.0))
      throw Error(fmt::format("nabla::optim::LinearConjugateGradient: rtol = {} < 0", rtol));
    const Eigen::VectorXd x0 = run.x0();
    Eigen::VectorXd g;
    const double q0 = run.value_gradient(x0, g);
    if (run.start(x0, q0, g)) return;
    // r = −∇Q(x), kept by the recurrence; Q(x₀ + s) = Q₀ + ∇Q₀ᵀs + ½sᵀAs, also by recurrence.
    Eigen::VectorXd x = x0, r = -g, p = r, Ap, grad;
    const double target = rtol * r.norm();
    double q = q0;
    double rr = r.squaredNorm();
    while (true) {
      if (std::sqrt(rr) <= target) {
        run.stop(StopReason::Converged,
                 fmt::format("‖∇Q‖ = {:.3g} <= rtol·‖∇Q(x₀)‖", std::sqrt(rr)));
        return;
      }
      run.hessian_vector(x0, p, Ap);  // A = ∇²Q(x₀): the model's, whatever Q is
      const double pAp = p.dot(Ap);
      if (!(pAp > 0.0)) {
        run.stop(StopReason::NegativeCurvature,
                 fmt::format("pᵀ∇²Q p = {:g} <= 0: Q is not a convex quadratic along p", pAp));
        return;
      }
      const double alpha = rr / pAp;
      // Along p from x: Q changes by −α·rᵀp + ½α²·pᵀAp, and rᵀp = rᵀr (CG's invariant).
      q += -alpha * rr + 0.5 * alpha * alpha * pAp;
      x += alpha * p;
      r -= alpha * Ap;
      const double rr_next = r.squaredNorm();
      p = r + (rr_next / rr) * p;
      rr = rr_next;
      grad = -r;
      if (run.accept(x, q, grad, alpha)) return;
    }
  }
};

}  // namespace nabla::optim
