// GaussianProcess: the Matérn 5/2 kernel, the marginal likelihood and its gradient, the fit by
// L-BFGS-B with restarts, predictions and their gradients.
#include <nabla/optim/tuning/gaussian_process.hpp>

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <optional>
#include <span>
#include <utility>

#include <nabla/autodiff/core/error.hpp>
#include <nabla/optim/minimize.hpp>
#include <nabla/optim/solvers/lbfgsb.hpp>

namespace nabla::optim {

namespace {

const double sqrt5 = std::sqrt(5.0);

// (1 + √5 r + 5r²/3)·exp(−√5 r)
double matern(double r) { return (1.0 + sqrt5 * r + 5.0 / 3.0 * r * r) * std::exp(-sqrt5 * r); }
// −(1/r)·dmatern/dr = (5/3)(1 + √5 r)·exp(−√5 r): finite at r = 0.
double matern_slope(double r) { return 5.0 / 3.0 * (1.0 + sqrt5 * r) * std::exp(-sqrt5 * r); }

double distance(const Eigen::MatrixXd& A, Eigen::Index i, const Eigen::MatrixXd& B, Eigen::Index j,
                const Eigen::VectorXd& inv_l) {
  double r2 = 0.0;
  for (Eigen::Index k = 0; k < A.cols(); ++k) {
    const double t = (A(i, k) - B(j, k)) * inv_l[k];
    r2 += t * t;
  }
  return std::sqrt(r2);
}

// c·M(X, Y): rows of X against rows of Y.
Eigen::MatrixXd cross_kernel(const Eigen::MatrixXd& X, const Eigen::MatrixXd& Y, double c,
                             const Eigen::VectorXd& inv_l) {
  Eigen::MatrixXd K(X.rows(), Y.rows());
  for (Eigen::Index j = 0; j < Y.rows(); ++j)
    for (Eigen::Index i = 0; i < X.rows(); ++i) K(i, j) = c * matern(distance(X, i, Y, j, inv_l));
  return K;
}

// c·M(X, X), each pair once (the matrix is symmetric bit for bit: the distance is). With
// `M` and `S`, also matern(r) and matern_slope(r) of each pair i > j, for the likelihood's
// gradient: one exponential serves all three.
Eigen::MatrixXd self_kernel(const Eigen::MatrixXd& X, double c, const Eigen::VectorXd& inv_l,
                            Eigen::MatrixXd* M = nullptr, Eigen::MatrixXd* S = nullptr) {
  const Eigen::Index n = X.rows();
  Eigen::MatrixXd K(n, n);
  if (M != nullptr) {
    M->resize(n, n);
    S->resize(n, n);
  }
  for (Eigen::Index j = 0; j < n; ++j) {
    K(j, j) = c * matern(0.0);
    for (Eigen::Index i = j + 1; i < n; ++i) {
      const double r = distance(X, i, X, j, inv_l), e = std::exp(-sqrt5 * r);
      const double m = (1.0 + sqrt5 * r + 5.0 / 3.0 * r * r) * e;  // matern(r)
      K(i, j) = K(j, i) = c * m;
      if (M != nullptr) {
        (*M)(i, j) = m;
        (*S)(i, j) = 5.0 / 3.0 * (1.0 + sqrt5 * r) * e;  // matern_slope(r)
      }
    }
  }
  return K;
}

struct Theta {
  double c, noise;
  Eigen::VectorXd inv_l, l;
};
Theta unpack(const Eigen::VectorXd& theta) {
  const Eigen::Index d = theta.size() - 2;
  Theta t{std::exp(theta[0]), std::exp(theta[d + 1]), Eigen::VectorXd(d), Eigen::VectorXd(d)};
  for (Eigen::Index k = 0; k < d; ++k) {
    t.l[k] = std::exp(theta[1 + k]);
    t.inv_l[k] = 1.0 / t.l[k];
  }
  return t;
}

// −(LML(θ) + log prior) for L-BFGS-B; a θ whose K cannot be factorised gets a large value and
// no slope.
class NegativeLml final : public Objective {
 public:
  explicit NegativeLml(const GaussianProcess& gp, Eigen::Index n) : gp_(gp), n_(n) {}
  [[nodiscard]] std::int64_t samples() const override { return 0; }
  [[nodiscard]] std::optional<Eigen::Index> dimension() const override { return n_; }
  double value_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& g) override {
    const double v = gp_.log_marginal_likelihood(w, &g);
    if (!std::isfinite(v)) {
      g = Eigen::VectorXd::Zero(w.size());
      return 1e100;
    }
    const double p = gp_.log_prior(w, &g);
    g = -g;
    return -(v + p);
  }
  double value(const Eigen::VectorXd& w) override {
    const double v = gp_.log_marginal_likelihood(w, nullptr);
    return std::isfinite(v) ? -(v + gp_.log_prior(w, nullptr)) : 1e100;
  }
  double batch_value_gradient(const Eigen::VectorXd&, std::span<const std::int64_t>,
                              Eigen::VectorXd&) override {
    throw Error("nabla::optim::GaussianProcess: the marginal likelihood is not a finite sum");
  }

 private:
  const GaussianProcess& gp_;
  Eigen::Index n_;
};

}  // namespace

LengthScalePrior LengthScalePrior::gamma(double shape, double rate) {
  if (!(shape > 0 && rate > 0 && std::isfinite(shape) && std::isfinite(rate)))
    throw Error(fmt::format(
        "nabla::optim::LengthScalePrior::gamma: shape = {} and rate = {} must be finite and > 0",
        shape, rate));
  return {Kind::Gamma, shape, rate};
}

LengthScalePrior LengthScalePrior::log_normal(double mu, double sigma) {
  if (!(std::isfinite(mu) && sigma > 0 && std::isfinite(sigma)))
    throw Error(fmt::format(
        "nabla::optim::LengthScalePrior::log_normal: mu = {} must be finite and sigma = {} "
        "finite and > 0",
        mu, sigma));
  return {Kind::LogNormal, mu, sigma};
}

LengthScalePrior LengthScalePrior::dimension_scaled() {
  return {Kind::DimensionScaled, std::numbers::sqrt2, std::sqrt(3.0)};
}

GaussianProcess::GaussianProcess(GPOptions options, GPKernel kernel)
    : options_(std::move(options)), kernel_(std::move(kernel)) {
  if (!(kernel_.constant > 0 && kernel_.noise >= 0 && options_.jitter >= 0))
    throw Error(
        fmt::format("nabla::optim::GaussianProcess: constant = {} must be > 0 and noise = "
                    "{}, jitter = {} ≥ 0",
                    kernel_.constant, kernel_.noise, options_.jitter));
}

Eigen::VectorXd GaussianProcess::theta() const {
  const Eigen::Index d = kernel_.length_scales.size();
  Eigen::VectorXd t(d + 2);
  t[0] = std::log(kernel_.constant);
  for (Eigen::Index k = 0; k < d; ++k) t[1 + k] = std::log(kernel_.length_scales[k]);
  t[d + 1] = std::log(std::max(kernel_.noise, 1e-300));
  return t;
}

void GaussianProcess::set_theta(const Eigen::VectorXd& theta) {
  const Theta t = unpack(theta);
  kernel_.constant = t.c;
  kernel_.length_scales = t.l;
  kernel_.noise = t.noise;
  if (X_.rows() > 0) factorize();
}

double GaussianProcess::log_marginal_likelihood(const Eigen::VectorXd& theta,
                                                Eigen::VectorXd* grad) const {
  const Eigen::Index n = X_.rows(), d = X_.cols();
  if (theta.size() != d + 2)
    throw Error(
        fmt::format("nabla::optim::GaussianProcess::log_marginal_likelihood: theta has "
                    "size {}, expected d + 2 = {}",
                    theta.size(), d + 2));
  const Theta t = unpack(theta);
  Eigen::MatrixXd M, S;  // matern and matern_slope of each pair, for the gradient
  Eigen::MatrixXd K =
      grad != nullptr ? self_kernel(X_, t.c, t.inv_l, &M, &S) : self_kernel(X_, t.c, t.inv_l);
  K.diagonal().array() += t.noise + options_.jitter;
  const Eigen::LLT<Eigen::MatrixXd> llt(K);
  if (llt.info() != Eigen::Success) return std::numeric_limits<double>::quiet_NaN();
  Eigen::Vector2d beta;
  const Eigen::VectorXd r = residual(llt, beta);
  const Eigen::VectorXd a = llt.solve(r);
  const double log_det = 2.0 * llt.matrixL().toDenseMatrix().diagonal().array().log().sum();
  const double lml = -0.5 * r.dot(a) - 0.5 * log_det -
                     0.5 * static_cast<double>(n) * std::log(2.0 * std::numbers::pi);
  if (grad != nullptr) {
    // W = ααᵀ − K⁻¹; ∂LML/∂θₖ = ½ Σᵢⱼ Wᵢⱼ (∂K/∂θₖ)ᵢⱼ.
    Eigen::MatrixXd W = -llt.solve(Eigen::MatrixXd::Identity(n, n));
    W.noalias() += a * a.transpose();
    grad->setZero(d + 2);
    double gc = 0.0;
    for (Eigen::Index j = 0; j < n; ++j) {
      gc += 0.5 * W(j, j) * t.c;
      for (Eigen::Index i = j + 1; i < n; ++i) {
        gc += W(i, j) * t.c * M(i, j);  // both (i, j) and (j, i): ½·2
        const double s = W(i, j) * t.c * S(i, j);
        for (Eigen::Index k = 0; k < d; ++k) {
          const double u = (X_(i, k) - X_(j, k)) * t.inv_l[k];
          (*grad)[1 + k] += s * u * u;
        }
      }
    }
    (*grad)[0] = gc;
    (*grad)[d + 1] = options_.optimize_noise ? 0.5 * t.noise * W.trace() : 0.0;
  }
  return lml;
}

double GaussianProcess::log_prior(const Eigen::VectorXd& theta, Eigen::VectorXd* grad) const {
  const LengthScalePrior& p = options_.length_prior;
  if (p.kind == LengthScalePrior::Kind::None) return 0.0;
  const double d = static_cast<double>(theta.size() - 2);
  const double mu =
      p.kind == LengthScalePrior::Kind::DimensionScaled ? p.a + 0.5 * std::log(d) : p.a;
  double v = 0.0;
  for (Eigen::Index k = 1; k + 1 < theta.size(); ++k) {
    const double t = theta[k];  // log ℓ
    if (p.kind == LengthScalePrior::Kind::Gamma) {
      const double l = std::exp(t);
      v += (p.a - 1.0) * t - p.b * l;
      if (grad != nullptr) (*grad)[k] += (p.a - 1.0) - p.b * l;
    } else {
      const double z = (t - mu) / p.b;
      v += -t - 0.5 * z * z;
      if (grad != nullptr) (*grad)[k] += -1.0 - z / p.b;
    }
  }
  return v;
}

double GaussianProcess::bowl(const Eigen::Ref<const Eigen::RowVectorXd>& x) const {
  const std::vector<bool>& in = options_.quadratic_dimensions;
  double q = 0.0;
  for (Eigen::Index k = 0; k < x.size(); ++k)
    if (in.empty() || in[static_cast<std::size_t>(k)]) q += (x[k] - 0.5) * (x[k] - 0.5);
  return q;
}

Eigen::VectorXd GaussianProcess::residual(const Eigen::LLT<Eigen::MatrixXd>& llt,
                                          Eigen::Vector2d& beta) const {
  beta.setZero();
  const Eigen::Index n = X_.rows();
  if (!options_.quadratic_mean || n < 3) return y_;
  Eigen::MatrixXd H(n, 2);
  for (Eigen::Index i = 0; i < n; ++i) H.row(i) << 1.0, bowl(X_.row(i));
  const Eigen::MatrixXd KH = llt.solve(H);
  const Eigen::Matrix2d A = H.transpose() * KH;
  const double det = A(0, 0) * A(1, 1) - A(0, 1) * A(1, 0);
  if (!(std::abs(det) > 1e-12 * A.squaredNorm())) return y_;
  const Eigen::Vector2d b = KH.transpose() * y_;  // solve A β = b (2 × 2, by Cramer's rule)
  beta << (A(1, 1) * b[0] - A(0, 1) * b[1]) / det, (A(0, 0) * b[1] - A(1, 0) * b[0]) / det;
  return y_ - H * beta;
}

void GaussianProcess::factorize() {
  const Theta t = unpack(theta());
  Eigen::MatrixXd K = self_kernel(X_, t.c, t.inv_l);
  K.diagonal().array() += kernel_.noise + options_.jitter;
  llt_.compute(K);
  if (llt_.info() != Eigen::Success)
    throw Error(
        fmt::format("nabla::optim::GaussianProcess: K is not positive definite with "
                    "noise = {}; raise GPOptions::jitter",
                    kernel_.noise));
  const Eigen::VectorXd r = residual(llt_, beta_);
  alpha_ = llt_.solve(r);
  const double log_det = 2.0 * llt_.matrixLLT().diagonal().array().log().sum();
  lml_ = -0.5 * r.dot(alpha_) - 0.5 * log_det -
         0.5 * static_cast<double>(X_.rows()) * std::log(2.0 * std::numbers::pi);
}

void GaussianProcess::fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, Rng* rng) {
  if (X.rows() != y.size() || X.rows() == 0 || X.cols() == 0)
    throw Error(
        fmt::format("nabla::optim::GaussianProcess::fit: X is {} × {} and y has {} "
                    "values (need n ≥ 1 rows, d ≥ 1 columns, one value a row)",
                    X.rows(), X.cols(), y.size()));
  if (!X.allFinite() || !y.allFinite())
    throw Error("nabla::optim::GaussianProcess::fit: X and y must be finite");
  const Eigen::Index d = X.cols();
  if (kernel_.length_scales.size() == 0) kernel_.length_scales = Eigen::VectorXd::Ones(d);
  if (kernel_.length_scales.size() != d)
    throw Error(fmt::format("nabla::optim::GaussianProcess::fit: {} length scales for d = {}",
                            kernel_.length_scales.size(), d));
  if (!options_.quadratic_dimensions.empty() &&
      options_.quadratic_dimensions.size() != static_cast<std::size_t>(d))
    throw Error(fmt::format(
        "nabla::optim::GaussianProcess::fit: quadratic_dimensions has {} entries for d = {}",
        options_.quadratic_dimensions.size(), d));
  X_ = X;
  y_mean_ = y.mean();
  const double var = (y.array() - y_mean_).square().mean();
  y_std_ = var > 0 ? std::sqrt(var) : 1.0;  // scikit-learn: std with ddof 0, 1 when constant
  y_ = (y.array() - y_mean_) / y_std_;
  if (options_.optimize && X.rows() > 1) {
    Eigen::VectorXd lo(d + 2), hi(d + 2);
    lo[0] = std::log(options_.constant_low);
    hi[0] = std::log(options_.constant_high);
    lo.segment(1, d).setConstant(std::log(options_.length_low));
    hi.segment(1, d).setConstant(std::log(options_.length_high));
    lo[d + 1] = std::log(options_.noise_low);
    hi[d + 1] = std::log(options_.noise_high);
    if (!options_.optimize_noise) lo[d + 1] = hi[d + 1] = std::log(std::max(kernel_.noise, 1e-300));
    Eigen::VectorXd best = theta().cwiseMax(lo).cwiseMin(hi);
    const auto log_posterior = [&](const Eigen::VectorXd& th) {
      return log_marginal_likelihood(th, nullptr) + log_prior(th, nullptr);
    };
    double best_value = log_posterior(best);
    if (!std::isfinite(best_value)) best_value = -std::numeric_limits<double>::infinity();
    Options o;
    o.stop.max_iterations = options_.max_iterations;
    o.track_best = false;
    const LBFGSB solver{.lower = lo, .upper = hi};
    const int runs = 1 + (rng != nullptr ? options_.restarts : 0);
    for (int s = 0; s < runs; ++s) {
      Eigen::VectorXd x0 = best;
      if (s > 0)
        for (Eigen::Index k = 0; k < x0.size(); ++k)
          x0[k] = lo[k] + rng->uniform() * (hi[k] - lo[k]);
      NegativeLml objective(*this, d + 2);
      const Result r = minimize(objective, x0, solver, o);
      const Eigen::VectorXd x = r.x.cwiseMax(lo).cwiseMin(hi);
      const double v = log_posterior(x);
      if (std::isfinite(v) && v > best_value) {
        best_value = v;
        best = x;
      }
    }
    const Theta t = unpack(best);
    kernel_.constant = t.c;
    kernel_.length_scales = t.l;
    if (options_.optimize_noise) kernel_.noise = t.noise;
  }
  factorize();
}

void GaussianProcess::add_normalized(const Eigen::VectorXd& x, double y_normalized) {
  if (x.size() != X_.cols())
    throw Error(fmt::format("nabla::optim::GaussianProcess::add_normalized: x has size {}, d = {}",
                            x.size(), X_.cols()));
  X_.conservativeResize(X_.rows() + 1, Eigen::NoChange);
  X_.row(X_.rows() - 1) = x.transpose();
  y_.conservativeResize(y_.size() + 1);
  y_[y_.size() - 1] = y_normalized;
  factorize();
}

void GaussianProcess::predict_normalized(const Eigen::MatrixXd& Xs, Eigen::VectorXd& mean,
                                         Eigen::VectorXd& std) const {
  if (X_.rows() == 0) throw Error("nabla::optim::GaussianProcess::predict: fit first");
  if (Xs.cols() != X_.cols())
    throw Error(
        fmt::format("nabla::optim::GaussianProcess::predict: points have {} columns, the "
                    "data {}",
                    Xs.cols(), X_.cols()));
  const Theta t = unpack(theta());
  const Eigen::MatrixXd Ks = cross_kernel(X_, Xs, t.c, t.inv_l);  // n × m
  mean = Ks.transpose() * alpha_;
  for (Eigen::Index i = 0; i < Xs.rows(); ++i) mean[i] += beta_[0] + beta_[1] * bowl(Xs.row(i));
  const Eigen::MatrixXd V = llt_.matrixL().solve(Ks);
  std = (t.c - V.colwise().squaredNorm().transpose().array()).max(0.0).sqrt();
}

void GaussianProcess::predict(const Eigen::MatrixXd& Xs, Eigen::VectorXd& mean,
                              Eigen::VectorXd& std) const {
  predict_normalized(Xs, mean, std);
  mean = mean.array() * y_std_ + y_mean_;
  std *= y_std_;
}

void GaussianProcess::predict_gradient(const Eigen::VectorXd& x, double& mean, double& std,
                                       Eigen::VectorXd& dmean, Eigen::VectorXd& dstd) const {
  const Eigen::Index n = X_.rows(), d = X_.cols();
  const Theta t = unpack(theta());
  Eigen::VectorXd k(n);
  Eigen::MatrixXd dk(n, d);  // ∂k(x, Xᵢ)/∂xⱼ
  for (Eigen::Index i = 0; i < n; ++i) {
    double r2 = 0.0;
    for (Eigen::Index j = 0; j < d; ++j) {
      const double u = (x[j] - X_(i, j)) * t.inv_l[j];
      r2 += u * u;
    }
    const double r = std::sqrt(r2);
    k[i] = t.c * matern(r);
    const double s = -t.c * matern_slope(r);
    for (Eigen::Index j = 0; j < d; ++j) dk(i, j) = s * (x[j] - X_(i, j)) * t.inv_l[j] * t.inv_l[j];
  }
  mean = k.dot(alpha_) + beta_[0] + beta_[1] * bowl(x.transpose());
  dmean = dk.transpose() * alpha_;
  const std::vector<bool>& in = options_.quadratic_dimensions;
  for (Eigen::Index j = 0; j < d; ++j)
    if (in.empty() || in[static_cast<std::size_t>(j)]) dmean[j] += 2.0 * beta_[1] * (x[j] - 0.5);
  const Eigen::VectorXd kinv_k = llt_.solve(k);
  const double var = t.c - k.dot(kinv_k);
  if (var <= 1e-300) {
    std = 0.0;
    dstd = Eigen::VectorXd::Zero(d);
    return;
  }
  std = std::sqrt(var);
  dstd = -(dk.transpose() * kinv_k) / std;  // ∂σ²/∂x = −2 dkᵀK⁻¹k, ∂σ = ∂σ²/(2σ)
}

}  // namespace nabla::optim
