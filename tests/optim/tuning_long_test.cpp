// The `long` suite of hyper-parameter search (release only): Bayesian optimisation on Branin
// over 20 seeds against random search with the same budget (the acceptance figures), and
// on Hartmann-6 over 10 seeds (the mean regret ≤ 0.023).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <numeric>
#include <string>
#include <vector>

#include <nabla/optim.hpp>

namespace opt = nabla::optim;

namespace {

double branin(const opt::Params& p) {
  const double x1 = opt::as_real(p, "x1"), x2 = opt::as_real(p, "x2");
  const double pi = std::numbers::pi;
  const double b = 5.1 / (4 * pi * pi), c = 5 / pi, t = 1 / (8 * pi);
  const double u = x2 - b * x1 * x1 + c * x1 - 6;
  return u * u + 10 * (1 - t) * std::cos(x1) + 10;
}
constexpr double branin_min = 0.397887;

// Written out: "x" + std::to_string(j) trips GCC 12's false -Wrestrict at -O3.
const std::array<std::string, 6> names = {"x1", "x2", "x3", "x4", "x5", "x6"};

// Hartmann-6 on [0, 1]⁶ (Dixon & Szegő's constants), f* = −3.32237.
double hartmann6(const opt::Params& p) {
  static constexpr std::array<double, 4> alpha = {1.0, 1.2, 3.0, 3.2};
  static constexpr double A[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                     {0.05, 10, 17, 0.1, 8, 14},
                                     {3, 3.5, 1.7, 10, 17, 8},
                                     {17, 8, 0.05, 10, 0.1, 14}};
  static constexpr double P[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                     {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                     {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                     {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
  double f = 0.0;
  for (int i = 0; i < 4; ++i) {
    double e = 0.0;
    for (int j = 0; j < 6; ++j) {
      const double x = opt::as_real(p, names[static_cast<std::size_t>(j)]);
      e += A[i][j] * (x - P[i][j]) * (x - P[i][j]);
    }
    f -= alpha[static_cast<std::size_t>(i)] * std::exp(-e);
  }
  return f;
}
constexpr double hartmann6_min = -3.32237;

template <class F>
double best_after(opt::Searcher& s, F f, std::size_t budget) {
  for (std::size_t i = 0; i < budget; ++i) {
    const auto p = s.ask(1);
    s.tell(p, {f(p[0])});
  }
  return s.observed_scores()[s.best_index()];
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

TEST_CASE("Bayesian optimisation: Branin, 30 evaluations, 20 seeds, against random search") {
  const opt::Space space{{"x1", opt::Real{-5, 10}}, {"x2", opt::Real{0, 15}}};
  std::vector<double> bo, random;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    opt::BayesianOptimization b(space, seed);
    bo.push_back(best_after(b, branin, 30) - branin_min);
    opt::RandomSearcher r(space, seed);
    random.push_back(best_after(r, branin, 30) - branin_min);
  }
  const double worst = *std::max_element(bo.begin(), bo.end());
  MESSAGE("Branin BO regrets: median ", median(bo), ", worst ", worst, "; random search median ",
          median(random));
  CHECK(median(bo) <= 1e-3);
  CHECK(worst <= 1e-2);
  CHECK(median(bo) <= median(random) / 100);
}

TEST_CASE("Bayesian optimisation: Hartmann-6, 100 evaluations, 10 seeds") {
  opt::Space space;
  for (const auto& name : names) space.add(name, opt::Real{0, 1});
  std::vector<double> regrets;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    opt::BayesianOptimization b(space, seed);
    regrets.push_back(best_after(b, hartmann6, 100) - hartmann6_min);
  }
  const double mean = std::accumulate(regrets.begin(), regrets.end(), 0.0) / 10;
  MESSAGE("Hartmann-6 BO regrets: mean ", mean, ", median ", median(regrets), ", worst ",
          *std::max_element(regrets.begin(), regrets.end()));
  // The figure: mean regret <= 0.023 (scikit-optimize's gp_minimize: -3.299 +- 0.048
  // after 200 calls). Which seeds miss depends in the last bits on the BLAS kernels OpenBLAS picks
  // for the CPU (the GP fits diverge, then the trajectories part); on an AMD EPYC host, seeds
  // 1-10 gave mean 0.010 natively and 0.0002-0.0185 with OPENBLAS_CORETYPE = Haswell, Zen,
  // Sandybridge and Nehalem, 9 of 10 at the global minimum in each; the miss stops in the local
  // minimum f = -3.2032 (regret 0.12). Over seeds 1-30 natively: mean 0.020, 23 of 30.
  const auto reached =
      std::count_if(regrets.begin(), regrets.end(), [](double r) { return r <= 1e-3; });
  CHECK(reached >= 8);
  CHECK(mean <= 0.023);
}
