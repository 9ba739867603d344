// BayesianOptimization: the GP fit on the observations, expected improvement and its
// maximisation (candidates, then L-BFGS-B), batches by a constant liar.
#include <nabla/optim/tuning/bayesian_optimization.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <optional>
#include <span>
#include <utility>
#include <variant>

#include <nabla/autodiff/core/error.hpp>
#include <nabla/optim/minimize.hpp>
#include <nabla/optim/solvers/lbfgsb.hpp>
#include <nabla/optim/tuning/expected_improvement.hpp>

namespace nabla::optim {

namespace {

// The acquisition's score of a candidate: log EI, or EI itself (options.log_ei = false).
double acquisition(double mean, double std, double best, double xi, bool log_ei) {
  return log_ei ? log_expected_improvement(mean, std, best, xi)
                : expected_improvement(mean, std, best, xi);
}

// −EI or −log EI on the unit box, with its gradient, for L-BFGS-B. Far from the data EI and its
// gradient underflow while log EI keeps a slope, so a refinement started there still moves.
class NegativeEi final : public Objective {
 public:
  NegativeEi(const GaussianProcess& gp, double best, double xi, Eigen::Index d, bool log_ei)
      : gp_(gp), best_(best), xi_(xi), d_(d), log_ei_(log_ei) {}
  [[nodiscard]] std::int64_t samples() const override { return 0; }
  [[nodiscard]] std::optional<Eigen::Index> dimension() const override { return d_; }
  double value_gradient(const Eigen::VectorXd& u, Eigen::VectorXd& g) override {
    double mean = 0.0, std = 0.0;
    Eigen::VectorXd dmean, dstd;
    gp_.predict_gradient(u, mean, std, dmean, dstd);
    if (std <= 0.0) {
      g = Eigen::VectorXd::Zero(d_);
      const double v = -acquisition(mean, std, best_, xi_, log_ei_);
      return std::isfinite(v) ? v : std::numeric_limits<double>::max();
    }
    const double imp = best_ - mean - xi_, z = imp / std;
    double slope = 0.0;  // d log h/dz = Φ(z)/h(z)
    const double lh = log_h(z, &slope);
    if (log_ei_) {
      // log EI = log σ + log h(z): ∂/∂μ = −slope/σ, ∂/∂σ = (1 − z·slope)/σ.
      g = (slope * dmean - (1.0 - z * slope) * dstd) / std;
      return -(std::log(std) + lh);
    }
    const double ei = std * std::exp(lh), cdf = slope * std::exp(lh);
    g = cdf * dmean - (ei / std - z * cdf) * dstd;  // ∂EI/∂μ = −Φ(z), ∂EI/∂σ = φ(z)
    return -ei;
  }
  double value(const Eigen::VectorXd& u) override {
    Eigen::VectorXd g;
    return value_gradient(u, g);
  }
  double batch_value_gradient(const Eigen::VectorXd&, std::span<const std::int64_t>,
                              Eigen::VectorXd&) override {
    throw Error("nabla::optim::BayesianOptimization: expected improvement is not a finite sum");
  }

 private:
  const GaussianProcess& gp_;
  double best_, xi_;
  Eigen::Index d_;
  bool log_ei_;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

BayesianOptimization::BayesianOptimization(Space space, std::uint64_t seed,
                                           BayesianOptimizationOptions options)
    : space_(std::move(space)), rng_(seed), options_(std::move(options)), gp_(options_.gp) {
  if (space_.size() == 0) throw Error("nabla::optim::BayesianOptimization: the space is empty");
  if (options_.candidates == 0)
    throw Error("nabla::optim::BayesianOptimization: candidates = 0 must be at least 1");
  if (!(options_.stall_radius >= 0 && std::isfinite(options_.stall_radius) &&
        options_.stall_tolerance >= 0 && std::isfinite(options_.stall_tolerance)))
    throw Error(fmt::format(
        "nabla::optim::BayesianOptimization: stall_radius = {} and stall_tolerance = {} must be "
        "finite and >= 0",
        options_.stall_radius, options_.stall_tolerance));
}

Eigen::VectorXd BayesianOptimization::propose(const std::vector<Eigen::VectorXd>& taken,
                                              bool stalled) {
  const Eigen::Index d = static_cast<Eigen::Index>(space_.size());
  const double best = gp_.y_normalized().minCoeff();
  // Candidates: uniform in the box, and perturbations of the best few observations.
  const std::size_t m = options_.candidates + options_.local_candidates;
  Eigen::MatrixXd C(static_cast<Eigen::Index>(m), d);
  std::vector<std::size_t> by_score(scores_.size());
  std::iota(by_score.begin(), by_score.end(), std::size_t{0});
  std::vector<double> finite = scores_;
  for (double& s : finite)
    if (!std::isfinite(s)) s = std::numeric_limits<double>::infinity();
  std::stable_sort(by_score.begin(), by_score.end(),
                   [&](std::size_t a, std::size_t b) { return finite[a] < finite[b]; });
  const std::size_t centres = std::min<std::size_t>(3, by_score.size());
  for (std::size_t i = 0; i < m; ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    if (i < options_.candidates || centres == 0) {
      for (Eigen::Index k = 0; k < d; ++k) C(r, k) = rng_.uniform();
    } else {
      // Three scales around the best points: EI's maximum near the incumbent is often narrow.
      static constexpr double scales[3] = {0.05, 0.01, 0.002};
      const Eigen::VectorXd& c = taken[by_score[i % centres]];
      const double sigma = scales[(i / centres) % 3];
      for (Eigen::Index k = 0; k < d; ++k)
        C(r, k) = std::clamp(c[k] + sigma * rng_.normal(), 0.0, 1.0);
    }
    C.row(r) = space_.snap(C.row(r).transpose()).transpose();
  }
  Eigen::VectorXd mean, std;
  gp_.predict_normalized(C, mean, std);
  std::vector<std::pair<double, Eigen::VectorXd>> pool;
  pool.reserve(m + options_.refine);
  for (std::size_t i = 0; i < m; ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    pool.emplace_back(acquisition(mean[r], std[r], best, options_.xi, options_.log_ei),
                      C.row(r).transpose());
  }
  // Refine the best few of each kind with L-BFGS-B in the unit box: the uniform ones too, so a
  // far basin whose EI the coarse sampling underrates is not lost to the incumbent's.
  auto by_ei = [](const auto& a, const auto& b) { return a.first > b.first; };
  const auto split = pool.begin() + static_cast<std::ptrdiff_t>(options_.candidates);
  std::stable_sort(pool.begin(), split, by_ei);
  std::stable_sort(split, pool.end(), by_ei);
  std::vector<Eigen::VectorXd> starts;
  for (std::size_t i = 0; i < std::min(options_.refine, options_.candidates); ++i)
    starts.push_back(pool[i].second);
  for (std::size_t i = 0; i < std::min(options_.refine, options_.local_candidates); ++i)
    starts.push_back(pool[options_.candidates + i].second);
  const LBFGSB solver{.lower = Eigen::VectorXd::Zero(d), .upper = Eigen::VectorXd::Ones(d)};
  Options o;
  o.stop.max_iterations = 100;
  o.track_best = false;
  for (const Eigen::VectorXd& start : starts) {
    NegativeEi objective(gp_, best, options_.xi, d, options_.log_ei);
    const Result r = minimize(objective, start, solver, o);
    const Eigen::VectorXd u = space_.snap(r.x);
    double mu = 0.0, sd = 0.0;
    Eigen::VectorXd dm, ds;
    gp_.predict_gradient(u, mu, sd, dm, ds);
    pool.emplace_back(acquisition(mu, sd, best, options_.xi, options_.log_ei), u);
  }
  std::stable_sort(pool.begin(), pool.end(), by_ei);
  // Stalled: skip the incumbent's exhausted well, ‖(u − u*)/ℓ‖₂ < stall_radius.
  const Eigen::VectorXd inv_l = (-gp_.theta().segment(1, d)).array().exp().matrix();
  auto in_exhausted_well = [&](const Eigen::VectorXd& u) {
    return stalled && (u - taken[by_score[0]]).cwiseProduct(inv_l).norm() < options_.stall_radius;
  };
  // The best that is not a point already evaluated or chosen (rounding can land on one).
  for (const auto& entry : pool) {
    const Eigen::VectorXd& u = entry.second;
    if (in_exhausted_well(u)) continue;
    const bool seen = std::any_of(taken.begin(), taken.end(), [&](const Eigen::VectorXd& t) {
      return (t - u).lpNorm<Eigen::Infinity>() < 1e-12;
    });
    if (!seen) return u;
  }
  return space_.to_unit(space_.sample(rng_));
}

std::vector<Params> BayesianOptimization::ask(std::size_t k) {
  if (k == 0) throw Error("nabla::optim::BayesianOptimization::ask: k = 0 must be at least 1");
  fit_seconds_ = ei_seconds_ = 0.0;
  std::vector<Params> out;
  std::size_t valid = 0;
  for (const double s : scores_) valid += std::isfinite(s) ? 1 : 0;
  // Random first: until n_initial points have been asked or told (told from elsewhere counts).
  while (out.size() < k &&
         ((asked_ < options_.n_initial && params_.size() < options_.n_initial) || valid < 2)) {
    out.push_back(space_.sample(rng_));
    ++asked_;
  }
  if (out.size() == k) return out;

  const auto t0 = std::chrono::steady_clock::now();
  const Eigen::Index d = static_cast<Eigen::Index>(space_.size());
  const auto n = static_cast<Eigen::Index>(params_.size());
  Eigen::MatrixXd X(n, d);
  Eigen::VectorXd y(n);
  double worst = -std::numeric_limits<double>::infinity();
  for (const double s : scores_)
    if (std::isfinite(s)) worst = std::max(worst, s);
  std::vector<Eigen::VectorXd> taken;
  for (Eigen::Index i = 0; i < n; ++i) {
    taken.push_back(space_.to_unit(params_[static_cast<std::size_t>(i)]));
    X.row(i) = taken.back().transpose();
    const double s = scores_[static_cast<std::size_t>(i)];
    y[i] = std::isfinite(s) ? s : worst;
  }
  GPKernel kernel;
  kernel.noise = options_.gp.noise_low;
  GPOptions gp_options = options_.gp;
  if (gp_options.quadratic_mean && gp_options.quadratic_dimensions.empty())
    for (std::size_t j = 0; j < space_.size(); ++j)
      gp_options.quadratic_dimensions.push_back(
          !std::holds_alternative<Categorical>(space_.dimension(j)));
  gp_ = GaussianProcess(gp_options, kernel);
  if (theta_.size() == d + 2) {
    gp_.fit(X.topRows(1), y.head(1));  // sizes the kernel; then the warm start
    gp_.set_theta(theta_);
  }
  gp_.fit(X, y, &rng_);
  theta_ = gp_.theta();
  fit_seconds_ = seconds_since(t0);
  // Stalled: the last stall_patience observations improved the best by ≤ stall_tolerance.
  bool stalled = false;
  const auto patience = static_cast<Eigen::Index>(options_.stall_patience);
  if (patience > 0 && n > patience + static_cast<Eigen::Index>(options_.n_initial)) {
    const Eigen::VectorXd& yn = gp_.y_normalized();
    stalled = yn.head(n - patience).minCoeff() - yn.minCoeff() <= options_.stall_tolerance;
  }
  const auto t1 = std::chrono::steady_clock::now();
  for (auto& p : out) taken.push_back(space_.to_unit(p));
  while (out.size() < k) {
    const Eigen::VectorXd u = propose(taken, stalled);
    out.push_back(space_.from_unit(u));
    taken.push_back(u);
    ++asked_;
    if (out.size() < k) {
      double lie = gp_.y_normalized().minCoeff();
      if (options_.batch == BatchStrategy::KrigingBeliever) {
        Eigen::VectorXd mu, sd;
        gp_.predict_normalized(u.transpose(), mu, sd);
        lie = mu[0];
      }
      gp_.add_normalized(u, lie);
    }
  }
  ei_seconds_ = seconds_since(t1);
  return out;
}

SearcherState BayesianOptimization::save() const {
  SearcherState s = Searcher::save();
  s.rng = rng_.state();
  s.reals.assign(theta_.data(), theta_.data() + theta_.size());
  return s;
}

void BayesianOptimization::restore(const SearcherState& state) {
  Searcher::restore(state);
  rng_.set_state(state.rng);
  theta_ = Eigen::Map<const Eigen::VectorXd>(state.reals.data(),
                                             static_cast<Eigen::Index>(state.reals.size()));
}

}  // namespace nabla::optim
