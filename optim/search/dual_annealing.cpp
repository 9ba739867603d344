#include <nabla/optim/search/dual_annealing.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/run/random.hpp>
#include <nabla/optim/search/box.hpp>

namespace nabla::optim {

namespace {

// The Tsallis visiting distribution of parameter qv (Tsallis & Stariolo 1996, p. 405), its
// constants once; a step is the ratio of two normals scaled by the temperature, clipped at the
// tail limit and wrapped into the box.
class Visiting {
 public:
  Visiting(const detail::Box& box, double qv, Rng& rng) : box_(box), qv_(qv), rng_(rng) {
    const double pi = std::numbers::pi;
    const double factor2 = std::exp((4.0 - qv) * std::log(qv - 1.0));
    const double factor3 = std::exp((2.0 - qv) * std::log(2.0) / (qv - 1.0));
    factor4_p_ = std::sqrt(pi) * factor2 / (factor3 * (3.0 - qv));
    const double factor5 = 1.0 / (qv - 1.0) - 0.5;
    const double d1 = 2.0 - factor5;
    factor6_ = pi * (1.0 - factor5) / std::sin(pi * (1.0 - factor5)) / std::exp(std::lgamma(d1));
  }

  // The j-th proposal of a chain from x: all coordinates for j < n, coordinate j − n after.
  Eigen::VectorXd visit(const Eigen::VectorXd& x, Eigen::Index j, double temperature) {
    const Eigen::Index n = x.size();
    Eigen::VectorXd y = x;
    if (j < n) {
      Eigen::VectorXd step(n);
      for (Eigen::Index i = 0; i < n; ++i) step[i] = draw(temperature);
      const double upper_sample = rng_.uniform(), lower_sample = rng_.uniform();
      for (Eigen::Index i = 0; i < n; ++i) {
        if (step[i] > tail_limit) step[i] = tail_limit * upper_sample;
        if (step[i] < -tail_limit) step[i] = -tail_limit * lower_sample;
        y[i] = wrap(x[i] + step[i], i);
      }
    } else {
      const Eigen::Index i = j - n;
      double step = draw(temperature);
      if (step > tail_limit)
        step = tail_limit * rng_.uniform();
      else if (step < -tail_limit)
        step = -tail_limit * rng_.uniform();
      y[i] = wrap(x[i] + step, i);
    }
    return y;
  }

 private:
  static constexpr double tail_limit = 1e8;
  static constexpr double min_visit_bound = 1e-10;

  double draw(double temperature) {
    const double a = rng_.normal(), b = rng_.normal();
    const double factor1 = std::exp(std::log(temperature) / (qv_ - 1.0));
    const double factor4 = factor4_p_ * factor1;
    const double sigma = std::exp(-(qv_ - 1.0) * std::log(factor6_ / factor4) / (3.0 - qv_));
    const double den = std::exp((qv_ - 1.0) * std::log(std::abs(b)) / (3.0 - qv_));
    const double v = a * sigma / den;
    return std::isnan(v) ? 0.0 : v;  // 0/0 only when both normals are exactly 0
  }
  // Periodic in the box, as scipy: a point that leaves on one side comes back on the other.
  double wrap(double v, Eigen::Index i) const {
    const double range = box_.upper[i] - box_.lower[i];
    const double b = std::fmod(v - box_.lower[i], range) + range;
    double w = std::fmod(b, range) + box_.lower[i];
    if (std::abs(w - box_.lower[i]) < min_visit_bound) w += min_visit_bound;
    return w;
  }

  const detail::Box& box_;
  double qv_;
  Rng& rng_;
  double factor4_p_ = 0.0, factor6_ = 0.0;
};

}  // namespace

void DualAnnealing::solve(SolverRun& run) const {
  if (max_iterations <= 0 || max_evaluations < 0 || !(initial_temp > 0.0) ||
      !std::isfinite(initial_temp) || !(restart_temp_ratio > 0.0 && restart_temp_ratio < 1.0) ||
      !(visit > 1.0 && visit < 3.0) || !(accept > -1e4 && accept <= -5.0))
    throw Error(fmt::format(
        "nabla::optim::DualAnnealing: need max_iterations = {} > 0, max_evaluations = {} >= 0, "
        "finite initial_temp = {} > 0, restart_temp_ratio = {} in (0, 1), visit = {} in (1, 3) "
        "and accept = {} in (-1e4, -5]",
        max_iterations, max_evaluations, initial_temp, restart_temp_ratio, visit, accept));
  const detail::Box box = detail::validated_box("DualAnnealing", lower, upper, run.x0());
  const Eigen::Index n = run.size();
  const std::int64_t budget = max_evaluations > 0 ? max_evaluations : 10'000'000;
  const bool has_gradient = run.objective_capabilities().has(Capability::Gradient);
  // scipy's local-search iteration budget: 6n within [100, 1000].
  const std::int64_t ls_iterations = std::clamp<std::int64_t>(6 * n, 100, 1000);
  Rng rng(run.options().seed);
  detail::BoxEvaluator eval(run, budget);
  Visiting visiting(box, visit, rng);
  auto uniform_point = [&] {
    Eigen::VectorXd x(n);
    for (Eigen::Index i = 0; i < n; ++i) x[i] = box.lower[i] + rng.uniform() * box.width()[i];
    return x;
  };
  auto local = [&](const Eigen::VectorXd& x, double e) {
    detail::LocalMinimum m = detail::box_local_search(eval, box, has_gradient, x, ls_iterations);
    if (!(m.value < e)) return detail::LocalMinimum{x, e};
    return m;
  };
  const std::string own_budget = fmt::format("max_evaluations = {}", budget);
  try {
    // The energy state: the current point, and the best of the chains and local searches.
    Eigen::VectorXd current = run.x0();
    double e = eval(current);
    // A non-finite start is replaced by random points of the box, up to 1000 (scipy's rule).
    for (int tries = 0; !std::isfinite(e) && tries < 1000; ++tries) {
      current = uniform_point();
      e = eval(current);
    }
    if (run.start(current, e, Eigen::VectorXd())) return;
    Eigen::VectorXd xbest = current, xmin = current;
    double ebest = e, emin = e;
    long not_improved = 0, not_improved_max = 1000;
    bool improved = false;
    const double t1 = std::exp((visit - 1.0) * std::log(2.0)) - 1.0;
    const double restart_temp = initial_temp * restart_temp_ratio;
    int iteration = 0;
    while (true) {
      for (int i = 0; i < max_iterations; ++i) {
        const double t2 = std::exp((visit - 1.0) * std::log(static_cast<double>(i) + 2.0)) - 1.0;
        const double temperature = initial_temp * t1 / t2;
        if (iteration >= max_iterations) {
          run.stop(StopReason::MaxIterations,
                   fmt::format("{} annealing iterations (max_iterations); best f = {:.10g} after "
                               "{} evaluations",
                               iteration, eval.best_value(), eval.count()));
          return;
        }
        if (temperature < restart_temp) {  // re-anneal from a random point
          current = uniform_point();
          e = eval(current);
          for (int tries = 0; !std::isfinite(e) && tries < 1000; ++tries) {
            current = uniform_point();
            e = eval(current);
          }
          break;
        }
        // One Markov chain of 2n proposals at this temperature.
        const double temperature_step = temperature / static_cast<double>(i + 1);
        ++not_improved;
        for (Eigen::Index j = 0; j < 2 * n; ++j) {
          if (j == 0) improved = i == 0;
          Eigen::VectorXd y = visiting.visit(current, j, temperature);
          const double ey = eval(y);
          if (ey < e) {
            current = y;
            e = ey;
            if (ey < ebest) {
              ebest = ey;
              xbest = current;
              improved = true;
              not_improved = 0;
            }
            continue;
          }
          // The generalized Metropolis acceptance of a worse point.
          const double r = rng.uniform();
          const double p_temp = 1.0 - (1.0 - accept) * (ey - e) / temperature_step;
          const double p = p_temp <= 0.0 ? 0.0 : std::exp(std::log(p_temp) / (1.0 - accept));
          if (std::isfinite(ey) && r <= p) {
            current = y;
            e = ey;
            xmin = current;
          }
          if (not_improved >= not_improved_max && (j == 0 || e < emin)) {
            emin = e;
            xmin = current;
          }
        }
        if (local_search) {
          if (improved) {  // the best improved: polish it
            const detail::LocalMinimum m = local(xbest, ebest);
            if (m.value < ebest) {
              not_improved = 0;
              ebest = m.value;
              xbest = m.x;
              current = m.x;
              e = m.value;
            }
          }
          // scipy's other trigger, exp(K·(ebest − e)/T_step) with K = 100n, applies only when
          // K < 90n: never, so it is left out. A long time without improvement:
          if (not_improved >= not_improved_max) {
            const detail::LocalMinimum m = local(xmin, emin);
            xmin = m.x;
            emin = m.value;
            not_improved = 0;
            not_improved_max = static_cast<long>(n);
            if (m.value < ebest) {
              ebest = m.value;
              xbest = m.x;
              current = m.x;
              e = m.value;
            }
          }
        }
        ++iteration;
        if (eval.report()) return;
      }
    }
  } catch (const detail::OutOfBudget&) {
    eval.stop_out_of_budget(own_budget);
  }
}

}  // namespace nabla::optim
