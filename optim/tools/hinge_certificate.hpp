// An optimality certificate for L2-regularised hinge losses that does not assume the answer:
//   L(θ) = reg‖θ‖² + (1/N) Σᵢ max(0, 1 − yᵢ x̃ᵢ·θ)      (x̃ᵢ includes a 1 for a bias)
// At a kink (margin mᵢ = 1 − yᵢx̃ᵢ·θ = 0) the hinge's subdifferential is the segment
// {−s yᵢx̃ᵢ/N : s ∈ [0, 1]}, so ∂L(θ) = {2reg·θ − Σ aᵢ yᵢx̃ᵢ : aᵢ = 1/N violated, 0 inactive,
// aᵢ ∈ [0, 1/N] at a kink}. θ is optimal iff 0 ∈ ∂L(θ); the certificate is the minimum-norm
// element of ∂L(θ), a box-constrained least-squares problem in the kink weights, solved exactly
// by enumerating which weights sit at 0, at 1/N or strictly inside (3^K faces, K kinks).
//
// Iterates never land exactly on a kink in floating point, so terms with |mᵢ| ≤ kink_tol count
// as kinks. Whatever the tolerance, the element g found gives a rigorous bound: by strong
// convexity, L(θ) − L* ≤ ‖g‖²/(4·reg) + ε with ε = (1/N)Σ_kinks (max(0, mᵢ) − sᵢmᵢ) the slack of
// treating a near-kink as a kink, hence also ‖θ − θ*‖ ≤ √(gap/reg).
#pragma once

#include <Eigen/Core>

#include <nabla/autodiff/core/error.hpp>
#include <vector>

namespace nabla::optim {

struct HingeCertificate {
  double loss = 0.0;            // L(θ)
  double norm = 0.0;            // ‖g‖, g the minimum-norm (near-)subgradient
  Eigen::VectorXd subgradient;  // g
  Eigen::VectorXd weights;      // aᵢ for every sample (1/N violated, 0 inactive, solved at kinks)
  std::vector<int> kinks;       // samples treated as at a kink
  double kink_tol = 0.0;        // the tolerance used
  double gap_bound = 0.0;       // L(θ) − L* ≤ gap_bound
  double distance_bound = 0.0;  // ‖θ − θ*‖ ≤ distance_bound
};

// Xt: N×p (a column of ones for the bias, if any), y ∈ {−1, +1}ᴺ, reg > 0.
HingeCertificate hinge_certificate(const Eigen::MatrixXd& Xt, const Eigen::VectorXd& y, double reg,
                                   const Eigen::VectorXd& theta, double kink_tol = 0.0);

// The certificate with the smallest gap bound over kink tolerances 0, 1e-15, 1e-14, …, 1e-3.
HingeCertificate best_hinge_certificate(const Eigen::MatrixXd& Xt, const Eigen::VectorXd& y,
                                        double reg, const Eigen::VectorXd& theta);

}  // namespace nabla::optim
