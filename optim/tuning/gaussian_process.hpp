// A Gaussian-process regressor for Bayesian optimisation, as scikit-learn's
// GaussianProcessRegressor(kernel = C·Matern(ARD, ν = 5/2), alpha = noise, normalize_y = True):
//   k(x, x') = c·(1 + √5 r + 5r²/3)·exp(−√5 r),   r² = Σⱼ (xⱼ − x'ⱼ)²/ℓⱼ²,
//   K = k(X, X) + (noise + jitter)·I,   on y normalised to mean 0 and std 1.
// The log marginal likelihood of the normalised y, −½ yᵀK⁻¹y − ½ log|K| − (n/2) log 2π, and its
// analytic gradient in θ = (log c, log ℓ₁ … log ℓ_d, log noise): ∂/∂θₖ = ½ tr((ααᵀ − K⁻¹) ∂K/∂θₖ).
// fit() maximises it with nabla's L-BFGS-B in the log-space box of GPOptions, from the current
// kernel and `restarts` uniform draws in that box; the best run is kept. Predictions are in y's
// units (mean·σ_y + μ_y, std·σ_y); the _normalized accessors and predict_gradient (for expected
// improvement) are in the normalised units. With GPOptions::quadratic_mean the prior mean is
// m(x) = β₀ + β₁‖x − ½‖² (over quadratic_dimensions) instead of 0, β by generalised least squares,
// β = (HᵀK⁻¹H)⁻¹HᵀK⁻¹y with H's rows (1, ‖xᵢ − ½‖²), and the likelihood is that of the residual
// y − Hβ (profiled over β, so its gradient in θ keeps the form above); length_prior adds a
// log prior on the length scales to the likelihood the fit maximises.
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <cstddef>
#include <vector>

#include <nabla/optim/run/random.hpp>

namespace nabla::optim {

struct GPKernel {
  double constant = 1.0;
  Eigen::VectorXd length_scales;  // one per input (size d), or empty: all 1 at fit
  double noise = 1e-6;            // added to K's diagonal (scikit-learn's alpha)
};

// A prior on each length scale ℓ (on the unit-box scale), making the fit a MAP estimate:
// log p(θ | y) = LML(θ) + Σⱼ log p(ℓⱼ). Gamma(a, b): log p(ℓ) = (a − 1) log ℓ − bℓ (rate b);
// LogNormal(μ, σ): log p(ℓ) = −log ℓ − (log ℓ − μ)²/(2σ²); dimension_scaled(): LogNormal with
// μ = √2 + ½ log d, σ = √3 for d inputs (Hvarfner, Hellsten & Nardi 2024, "Vanilla Bayesian
// optimization performs great in high dimensions"). Few observations leave the likelihood nearly
// flat in ℓ; the prior keeps the fit from the extremes where EI's proposals degrade.
struct LengthScalePrior {
  enum class Kind { None, Gamma, LogNormal, DimensionScaled };
  Kind kind = Kind::None;
  double a = 0.0, b = 0.0;  // Gamma: shape, rate; LogNormal: μ, σ of log ℓ
  [[nodiscard]] static LengthScalePrior none() { return {}; }
  [[nodiscard]] static LengthScalePrior gamma(double shape, double rate);
  [[nodiscard]] static LengthScalePrior log_normal(double mu, double sigma);
  [[nodiscard]] static LengthScalePrior dimension_scaled();
};

struct GPOptions {
  bool optimize = true;  // maximise the marginal likelihood at fit; false: keep the kernel
  int restarts = 3;      // random starts besides the current kernel
  double constant_low = 1e-2, constant_high = 1e2;
  double length_low = 1e-2, length_high = 1e1;
  double noise_low = 1e-8, noise_high = 1e-1;
  bool optimize_noise = true;
  double jitter = 1e-10;               // added on top of the noise, for the Cholesky factor
  int max_iterations = 200;            // per L-BFGS-B run
  LengthScalePrior length_prior = {};  // none: maximum likelihood, as scikit-learn
  // Prior mean m(x) = β₀ + β₁‖x − ½‖² (β by generalised least squares at each θ, the marginal
  // likelihood profiled over it) instead of 0 on the normalised y.
  bool quadratic_mean = false;
  // The inputs the bowl sums over (empty: all): Bayesian optimisation leaves out categorical
  // dimensions, whose unit-box position is an arbitrary index order.
  std::vector<bool> quadratic_dimensions = {};
};

class GaussianProcess {
 public:
  explicit GaussianProcess(GPOptions options = {}, GPKernel kernel = {});

  // X: n × d, one point a row (the unit box for BO). rng: the restarts' draws (optional when
  // options.restarts = 0 or optimize = false).
  void fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, Rng* rng = nullptr);
  // One more point with its normalised value (a batch's constant liar): the kernel is kept.
  void add_normalized(const Eigen::VectorXd& x, double y_normalized);

  void predict(const Eigen::MatrixXd& Xs, Eigen::VectorXd& mean, Eigen::VectorXd& std) const;
  void predict_normalized(const Eigen::MatrixXd& Xs, Eigen::VectorXd& mean,
                          Eigen::VectorXd& std) const;
  // Normalised mean and std at x and their gradients in x.
  void predict_gradient(const Eigen::VectorXd& x, double& mean, double& std, Eigen::VectorXd& dmean,
                        Eigen::VectorXd& dstd) const;

  [[nodiscard]] double log_marginal_likelihood() const { return lml_; }
  // At θ (log c, log ℓ, log noise) on the fitted data, and its gradient when grad ≠ nullptr.
  [[nodiscard]] double log_marginal_likelihood(const Eigen::VectorXd& theta,
                                               Eigen::VectorXd* grad) const;

  // Σⱼ log p(ℓⱼ) of GPOptions::length_prior at θ (0 without one), its gradient added to *grad.
  [[nodiscard]] double log_prior(const Eigen::VectorXd& theta, Eigen::VectorXd* grad) const;

  [[nodiscard]] const GPKernel& kernel() const noexcept { return kernel_; }
  [[nodiscard]] Eigen::VectorXd theta() const;
  void set_theta(const Eigen::VectorXd& theta);
  [[nodiscard]] const Eigen::VectorXd& y_normalized() const noexcept { return y_; }
  [[nodiscard]] double y_mean() const noexcept { return y_mean_; }
  [[nodiscard]] double y_std() const noexcept { return y_std_; }
  [[nodiscard]] Eigen::Index samples() const noexcept { return X_.rows(); }

 private:
  void factorize();
  [[nodiscard]] double bowl(const Eigen::Ref<const Eigen::RowVectorXd>& x) const;  // ‖x − ½‖²
  // β of the quadratic mean for the factor `llt` and the residual y − Hβ (y itself, β = 0,
  // without the option or when HᵀK⁻¹H is singular).
  Eigen::VectorXd residual(const Eigen::LLT<Eigen::MatrixXd>& llt, Eigen::Vector2d& beta) const;
  GPOptions options_;
  GPKernel kernel_;
  Eigen::MatrixXd X_;
  Eigen::VectorXd y_;  // normalised
  double y_mean_ = 0.0, y_std_ = 1.0;
  // Computed on an empty matrix so that its info() is set: Eigen's default constructor leaves
  // it uninitialised, and moving the GP (BayesianOptimization::ask) would read it.
  Eigen::LLT<Eigen::MatrixXd> llt_{Eigen::MatrixXd()};
  Eigen::VectorXd alpha_;
  Eigen::Vector2d beta_ = Eigen::Vector2d::Zero();
  double lml_ = 0.0;
};

}  // namespace nabla::optim
