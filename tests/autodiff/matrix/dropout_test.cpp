// Tests of dropout: the counter-based mask, its expectation, its gradient and evaluation mode.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>

#include <nabla/autodiff.hpp>
#include <nabla/autodiff/core/mode.hpp>
#include <nabla/autodiff/functional/mat_gradient.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <nabla/autodiff/matrix/dropout.hpp>

using nabla::Mat;

namespace {
Eigen::MatrixXd input(Eigen::Index n, Eigen::Index c) {
  Eigen::MatrixXd x(n, c);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < c; ++j)
      x(i, j) = std::sin(static_cast<double>(i) * 0.37 + static_cast<double>(j) * 1.1) + 1.5;
  return x;
}
Eigen::MatrixXd dropped(const Eigen::MatrixXd& x, double p, std::uint64_t seed) {
  return nabla::dropout(Mat(x), p, seed).value();
}
}  // namespace

TEST_CASE("dropout: the mask is a function of (seed, step, batch) and changes with each") {
  const Eigen::MatrixXd x = input(16, 8);
  Eigen::MatrixXd a, same, other_seed, other_step, other_batch;
  {
    nabla::StepScope step(3, 4);
    a = dropped(x, 0.5, 11);
    same = dropped(x, 0.5, 11);
    other_seed = dropped(x, 0.5, 12);
  }
  {
    nabla::StepScope step(4, 4);
    other_step = dropped(x, 0.5, 11);
  }
  {
    nabla::StepScope step(3, 5);
    other_batch = dropped(x, 0.5, 11);
  }
  CHECK((a - same).cwiseAbs().maxCoeff() == 0.0);
  CHECK((a - other_seed).cwiseAbs().maxCoeff() > 0.0);
  CHECK((a - other_step).cwiseAbs().maxCoeff() > 0.0);
  CHECK((a - other_batch).cwiseAbs().maxCoeff() > 0.0);
  // Every entry is 0 or x / (1 − p).
  for (Eigen::Index k = 0; k < x.size(); ++k) CHECK((a(k) == 0.0 || a(k) == 2.0 * x(k)));
}

TEST_CASE("dropout: the mean over many seeds is the input (5 sigma)") {
  // Each output is x/(1−p) with probability 1−p, else 0: mean x, variance x²·p/(1−p). The mean
  // of S seeds has standard deviation x·sqrt(p/((1−p)·S)); 5σ bounds every entry (128 entries,
  // a 5σ excursion has probability < 1e-4 for all of them together).
  const Eigen::MatrixXd x = input(16, 8);
  const double p = 0.3;
  const int seeds = 4000;
  Eigen::MatrixXd mean = Eigen::MatrixXd::Zero(16, 8);
  for (int s = 0; s < seeds; ++s) mean += dropped(x, p, static_cast<std::uint64_t>(s));
  mean /= seeds;
  for (Eigen::Index k = 0; k < x.size(); ++k)
    CHECK(std::abs(mean(k) - x(k)) <= 5.0 * x(k) * std::sqrt(p / ((1.0 - p) * seeds)));
}

TEST_CASE("dropout: the gradient is the scaled mask; evaluation mode and p = 0 are the identity") {
  const Eigen::MatrixXd x = input(6, 5);
  const double p = 0.4;
  nabla::StepScope step(1, 2);
  const Eigen::MatrixXd y = dropped(x, p, 7);
  Eigen::MatrixXd mask(6, 5);
  for (Eigen::Index k = 0; k < x.size(); ++k)
    mask(k) =
        nabla::dropout_keeps(p, 7, 1, 2, static_cast<std::uint64_t>(k)) ? 1.0 / (1.0 - p) : 0.0;
  CHECK((y - mask.cwiseProduct(x)).cwiseAbs().maxCoeff() == 0.0);
  // d/dx ‖mask ⊙ x‖² = 2·mask²·x.
  auto f = [&](const Mat& w) { return nabla::squared_norm(nabla::dropout(w, p, 7)); };
  const Eigen::MatrixXd g = nabla::gradient(f, x);
  CHECK((g - 2.0 * mask.cwiseProduct(mask).cwiseProduct(x)).cwiseAbs().maxCoeff() <= 1e-14);
  {
    nabla::TrainModeScope eval(nabla::TrainMode::Evaluation);
    CHECK((dropped(x, p, 7) - x).cwiseAbs().maxCoeff() == 0.0);
  }
  CHECK((dropped(x, 0.0, 7) - x).cwiseAbs().maxCoeff() == 0.0);
  CHECK_THROWS_AS((void)dropped(x, 1.0, 7), nabla::Error);
  CHECK_THROWS_AS((void)dropped(x, -0.1, 7), nabla::Error);
  CHECK_THROWS_AS((void)dropped(x, std::nan(""), 7), nabla::Error);
}
