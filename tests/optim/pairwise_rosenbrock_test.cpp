// The pairwise Rosenbrock Σ_{i odd} 100(x_{i+1} − x_i²)² + (1 − x_i)² for n = 2, 4, …, 24, from
// 1000 seeded starts in [−5, 5]ⁿ per n: every L-BFGS run, stopped at ‖∇f‖∞ ≤ 1e-6, must end
// converged at the unique minimiser (1, …, 1) to ‖x − 1‖∞ ≤ 1e-4 — no exception, no other stop.
// 12 000 runs: about 2 s in a release build.
#include <doctest/doctest.h>

#include <random>

#include <nabla/optim.hpp>

namespace opt = nabla::optim;
using Eigen::VectorXd;
using nabla::Var;
using nabla::VectorXv;

TEST_CASE("pairwise Rosenbrock, n = 2 … 24, 1000 starts each: L-BFGS always reaches (1, …, 1)") {
  auto f = [](const VectorXv& x) {
    Var s = 0.0;
    for (Eigen::Index i = 0; i + 1 < x.size(); i += 2)
      s +=
          100.0 * (x[i + 1] - x[i] * x[i]) * (x[i + 1] - x[i] * x[i]) + (1.0 - x[i]) * (1.0 - x[i]);
    return s;
  };
  std::mt19937_64 gen(2026);
  std::uniform_real_distribution<double> u(-5.0, 5.0);
  long runs = 0, failures = 0, iterations = 0;
  for (Eigen::Index n = 2; n <= 24; n += 2) {
    long worst = 0;
    for (int start = 0; start < 1000; ++start) {
      VectorXd x0(n);
      for (Eigen::Index i = 0; i < n; ++i) x0[i] = u(gen);
      const opt::Result r =
          opt::minimize(f, x0, opt::LBFGS{.gtol = 1e-6, .ftol = 0.0},
                        {.stop = {.max_iterations = 10000}, .history = {.enabled = false}});
      ++runs;
      iterations += r.iterations;
      worst = std::max<long>(worst, r.iterations);
      const double error = (r.x - VectorXd::Ones(n)).lpNorm<Eigen::Infinity>();
      if (r.stop_reason != opt::StopReason::Converged || !(error <= 1e-4)) {
        ++failures;
        INFO("n = " << n << ", start " << start << ": " << r.message << ", ‖x − 1‖∞ = " << error);
        CHECK(r.stop_reason == opt::StopReason::Converged);
        CHECK(error <= 1e-4);
      }
    }
    MESSAGE("n = " << n << ": at most " << worst << " iterations");
  }
  MESSAGE(runs << " runs, " << failures << " failures, " << iterations / runs
               << " iterations on average");
  CHECK(runs == 12000);
  CHECK(failures == 0);
}
