// Test problems of the global-search tests (global_search_test.cpp, global_search_long_test.cpp),
// each with its known minimum f* = 0: Rastrigin and Ackley with the optimum shifted to a seeded
// point s of the box (the box still holds the minimiser), Himmelblau (four minima) shifted to a
// seeded s in [−1, 1]², a shifted sphere; and the tally of several seeds (how many reached |f − f*|
// ≤ tol, median evaluations).
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include <nabla/optim.hpp>

namespace global_test {

// s uniform in [−4, 4]ⁿ (inside Rastrigin's box [−5.12, 5.12]ⁿ and Ackley's [−5, 5]ⁿ).
inline Eigen::VectorXd shift(std::uint64_t seed, Eigen::Index n) {
  nabla::optim::Rng rng(seed + 1000);
  Eigen::VectorXd s(n);
  for (Eigen::Index i = 0; i < n; ++i) s[i] = -4.0 + 8.0 * rng.uniform();
  return s;
}

// A point uniform in [lo, hi]ⁿ: the start x0 of a run.
inline Eigen::VectorXd start(std::uint64_t seed, Eigen::Index n, double lo, double hi) {
  nabla::optim::Rng rng(seed + 2000);
  Eigen::VectorXd x(n);
  for (Eigen::Index i = 0; i < n; ++i) x[i] = lo + (hi - lo) * rng.uniform();
  return x;
}

// 10n + Σ ((xᵢ − sᵢ)² − 10 cos 2π(xᵢ − sᵢ)).
inline auto rastrigin(Eigen::VectorXd s) {
  return [s](const Eigen::VectorXd& x) {
    double f = 10.0 * static_cast<double>(x.size());
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      const double d = x[i] - s[i];
      f += d * d - 10.0 * std::cos(2.0 * std::numbers::pi * d);
    }
    return f;
  };
}

// −20 exp(−0.2 √(Σ dᵢ²/n)) − exp(Σ cos(2π dᵢ)/n) + 20 + e, d = x − s.
inline auto ackley(Eigen::VectorXd s) {
  return [s](const Eigen::VectorXd& x) {
    const double n = static_cast<double>(x.size());
    double sq = 0.0, c = 0.0;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      const double d = x[i] - s[i];
      sq += d * d;
      c += std::cos(2.0 * std::numbers::pi * d);
    }
    return -20.0 * std::exp(-0.2 * std::sqrt(sq / n)) - std::exp(c / n) + 20.0 + std::numbers::e;
  };
}

// (x² + y − 11)² + (x + y² − 7)²: minima 0 at (3, 2), (−2.805…, 3.131…), (−3.779…, −3.283…),
// (3.584…, −1.848…).
inline double himmelblau(const Eigen::VectorXd& x) {
  const double a = x[0] * x[0] + x[1] - 11.0, b = x[0] + x[1] * x[1] - 7.0;
  return a * a + b * b;
}

// s uniform in [−1, 1]²: Himmelblau's minima (|xᵢ| ≤ 3.78) moved by s stay inside [−5, 5]².
inline Eigen::Vector2d himmelblau_shift(std::uint64_t seed) {
  nabla::optim::Rng rng(seed + 3000);
  const double a = -1.0 + 2.0 * rng.uniform();
  return {a, -1.0 + 2.0 * rng.uniform()};
}

// Himmelblau with its four minima moved by s.
inline auto himmelblau_at(Eigen::Vector2d s) {
  return [s](const Eigen::VectorXd& x) { return himmelblau(x - s); };
}

struct Tally {
  int passed = 0, runs = 0;
  std::vector<double> evaluations;
  void add(const nabla::optim::Result& r, double tol) {
    ++runs;
    if (std::abs(r.value) <= tol) ++passed;
    evaluations.push_back(static_cast<double>(r.evaluations.values));
  }
  [[nodiscard]] double median() {
    std::sort(evaluations.begin(), evaluations.end());
    const std::size_t k = evaluations.size();
    return k == 0 ? 0.0 : 0.5 * (evaluations[(k - 1) / 2] + evaluations[k / 2]);
  }
};

}  // namespace global_test
