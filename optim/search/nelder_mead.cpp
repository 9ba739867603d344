#include <nabla/optim/search/nelder_mead.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

void NelderMead::solve(SolverRun& run) const {
  if (!(xatol >= 0.0) || !(fatol >= 0.0) || max_evaluations < 0 || max_iterations < 0 ||
      !(initial_step > 0.0) || !(zero_step > 0.0))
    throw Error(fmt::format(
        "nabla::optim::NelderMead: xatol = {}, fatol = {}, max_evaluations = {}, max_iterations "
        "= {} must be >= 0 and initial_step = {}, zero_step = {} > 0",
        xatol, fatol, max_evaluations, max_iterations, initial_step, zero_step));
  const Eigen::Index n = run.size();
  const double dn = static_cast<double>(n);
  const double rho = 1.0;
  const double chi = adaptive ? 1.0 + 2.0 / dn : 2.0;
  const double psi = adaptive ? 0.75 - 1.0 / (2.0 * dn) : 0.5;
  const double sigma = adaptive ? 1.0 - 1.0 / dn : 0.5;
  const long eval_budget = max_evaluations > 0 ? max_evaluations : 200 * static_cast<long>(n);
  const long iter_budget = max_iterations > 0 ? max_iterations : 200 * static_cast<long>(n);

  // Past the budget the iteration is abandoned where it stands, as scipy's wrapper does.
  struct OutOfEvaluations {};
  long evaluations = 0;
  auto f = [&](const Eigen::VectorXd& x) {
    if (evaluations >= eval_budget) throw OutOfEvaluations{};
    ++evaluations;
    const double v = run.value(x);
    return std::isnan(v) ? std::numeric_limits<double>::infinity() : v;
  };
  auto out_of_budget = [&] {
    run.stop(StopReason::MaxEvaluations,
             fmt::format("{} evaluations, the budget (200·n by default)", evaluations));
  };
  const Eigen::VectorXd empty;
  std::vector<Eigen::VectorXd> sim(static_cast<std::size_t>(n + 1), run.x0());
  std::vector<double> fsim(static_cast<std::size_t>(n + 1));
  try {
    fsim[0] = f(sim[0]);
  } catch (const OutOfEvaluations&) {
    return out_of_budget();
  }
  if (run.start(sim[0], fsim[0], empty)) return;
  try {
    for (Eigen::Index k = 0; k < n; ++k) {
      Eigen::VectorXd& y = sim[static_cast<std::size_t>(k + 1)];
      y[k] = y[k] != 0.0 ? (1.0 + initial_step) * y[k] : zero_step;
      fsim[static_cast<std::size_t>(k + 1)] = f(y);
    }
  } catch (const OutOfEvaluations&) {
    return out_of_budget();
  }
  std::vector<std::size_t> order(sim.size());
  auto sort_simplex = [&] {
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return fsim[a] < fsim[b]; });
    std::vector<Eigen::VectorXd> s(sim.size());
    std::vector<double> fs(sim.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      s[i] = std::move(sim[order[i]]);
      fs[i] = fsim[order[i]];
    }
    sim.swap(s);
    fsim.swap(fs);
  };
  sort_simplex();
  Eigen::VectorXd xbar(n), xr, xe, xc;
  long iterations = 1;
  while (true) {
    if (evaluations >= eval_budget) return out_of_budget();
    if (iterations >= iter_budget) {
      run.stop(StopReason::MaxIterations,
               fmt::format("{} iterations, the budget (200·n by default)", iterations));
      return;
    }
    double x_spread = 0.0, f_spread = 0.0;
    for (std::size_t j = 1; j < sim.size(); ++j) {
      x_spread = std::max(x_spread, (sim[j] - sim[0]).lpNorm<Eigen::Infinity>());
      f_spread = std::max(f_spread, std::abs(fsim[0] - fsim[j]));
    }
    if (x_spread <= xatol && f_spread <= fatol) {
      run.stop(StopReason::Converged,
               fmt::format("the simplex spans max |xᵢ − x_best| = {:.3g} <= xatol = {:g} and "
                           "max |fᵢ − f_best| = {:.3g} <= fatol = {:g}",
                           x_spread, xatol, f_spread, fatol));
      return;
    }
    xbar.setZero();
    for (std::size_t j = 0; j + 1 < sim.size(); ++j) xbar += sim[j];
    xbar /= dn;
    Eigen::VectorXd& worst = sim.back();
    double& f_worst = fsim.back();
    xr = (1.0 + rho) * xbar - rho * worst;
    try {
      const double fxr = f(xr);
      bool shrink = false;
      if (fxr < fsim[0]) {
        xe = (1.0 + rho * chi) * xbar - rho * chi * worst;
        const double fxe = f(xe);
        if (fxe < fxr) {
          worst = xe;
          f_worst = fxe;
        } else {
          worst = xr;
          f_worst = fxr;
        }
      } else if (fxr < fsim[fsim.size() - 2]) {
        worst = xr;
        f_worst = fxr;
      } else if (fxr < f_worst) {  // outside contraction
        xc = (1.0 + psi * rho) * xbar - psi * rho * worst;
        const double fxc = f(xc);
        if (fxc <= fxr) {
          worst = xc;
          f_worst = fxc;
        } else {
          shrink = true;
        }
      } else {  // inside contraction
        xc = (1.0 - psi) * xbar + psi * worst;
        const double fxc = f(xc);
        if (fxc < f_worst) {
          worst = xc;
          f_worst = fxc;
        } else {
          shrink = true;
        }
      }
      if (shrink)
        for (std::size_t j = 1; j < sim.size(); ++j) {
          sim[j] = sim[0] + sigma * (sim[j] - sim[0]);
          fsim[j] = f(sim[j]);
        }
    } catch (const OutOfEvaluations&) {
      return out_of_budget();
    }
    ++iterations;
    sort_simplex();
    if (run.accept(sim[0], fsim[0], empty, 0.0)) return;
  }
}

}  // namespace nabla::optim
