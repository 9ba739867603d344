// Tests of batch_norm against torch float64 (tests/autodiff/reference/torch_batch_norm.py),
// the closed-form gradient identities, the running-statistics recurrence and the mode rules.
#include <doctest/doctest.h>

#include <limits>

#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nabla/autodiff.hpp>
#include <nabla/autodiff/core/mode.hpp>
#include <nabla/autodiff/functional/mat_gradient.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <nabla/autodiff/matrix/normalization.hpp>

using nabla::Mat;

namespace {
Eigen::MatrixXd grid(Eigen::Index n, Eigen::Index c, double a, double b, bool use_cos) {
  Eigen::MatrixXd x(n, c);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < c; ++j) {
      const double t = a * static_cast<double>(i) + b * static_cast<double>(j);
      x(i, j) = use_cos ? std::cos(t) : std::sin(t);
    }
  return x;
}
Eigen::MatrixXd row_of(Eigen::Index c, double base, double step) {
  Eigen::MatrixXd r(1, c);
  for (Eigen::Index j = 0; j < c; ++j) r(0, j) = base + step * static_cast<double>(j);
  return r;
}
// Reads one line of numbers, row-major, into an rows×cols matrix.
Eigen::MatrixXd read_row_major(std::istream& in, Eigen::Index rows, Eigen::Index cols) {
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index i = 0; i < rows; ++i)
    for (Eigen::Index j = 0; j < cols; ++j) in >> m(i, j);
  return m;
}
double rel_err(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return (a - b).cwiseAbs().maxCoeff() / std::max(1.0, b.cwiseAbs().maxCoeff());
}
}  // namespace

TEST_CASE("batch_norm: outputs and gradients equal torch (training/eval, affine on/off)") {
  std::ifstream in(std::string(NABLA_REFERENCE_DIR) + "/torch_batch_norm.txt");
  REQUIRE(in.good());
  std::string header;
  std::getline(in, header);
  int cases = 0;
  Eigen::Index n = 0, c = 0;
  int training = 0, affine = 0;
  while (in >> n >> c >> training >> affine) {
    CAPTURE(n);
    CAPTURE(c);
    CAPTURE(training);
    CAPTURE(affine);
    const Eigen::MatrixXd X = grid(n, c, 0.37, 1.1, false);
    const Eigen::MatrixXd G = grid(n, c, 0.5, 0.3, true);
    const Eigen::MatrixXd gamma = row_of(c, 1.0, 0.1), beta = row_of(c, 0.0, 0.05);
    nabla::BatchNormStats stats(c);
    if (training == 0) {  // one training update first, as the script does
      nabla::StatisticsCapture capture;
      (void)nabla::batch_norm(Mat(X), stats);
      stats.commit();
    }
    nabla::TrainModeScope mode(training != 0 ? nabla::TrainMode::Training
                                             : nabla::TrainMode::Evaluation);
    auto y_of = [&](const Mat& x, const Mat& g, const Mat& b) {
      return affine != 0 ? nabla::batch_norm(x, g, b, stats) : nabla::batch_norm(x, stats);
    };
    const Eigen::MatrixXd y = y_of(Mat(X), Mat(gamma), Mat(beta)).value();
    const Eigen::MatrixXd gx = nabla::gradient(
        [&](const Mat& x) {
          return nabla::sum(
              nabla::cwise_product(nabla::constant(G), y_of(x, Mat(gamma), Mat(beta))));
        },
        X);
    const Eigen::MatrixXd ref_y = read_row_major(in, n, c), ref_gx = read_row_major(in, n, c);
    CHECK(rel_err(y, ref_y) <= 1e-13);
    CHECK(rel_err(gx, ref_gx) <= 1e-13);
    if (affine != 0) {
      const Eigen::MatrixXd gg = nabla::gradient(
          [&](const Mat& g) {
            return nabla::sum(nabla::cwise_product(nabla::constant(G), y_of(Mat(X), g, Mat(beta))));
          },
          gamma);
      const Eigen::MatrixXd gb = nabla::gradient(
          [&](const Mat& b) {
            return nabla::sum(
                nabla::cwise_product(nabla::constant(G), y_of(Mat(X), Mat(gamma), b)));
          },
          beta);
      CHECK(rel_err(gg, read_row_major(in, 1, c)) <= 1e-13);
      CHECK(rel_err(gb, read_row_major(in, 1, c)) <= 1e-13);
    }
    ++cases;
  }
  CHECK(cases == 16);
}

TEST_CASE("batch_norm: running statistics follow PyTorch's recurrence; capture and N = 1 rules") {
  const Eigen::MatrixXd X = grid(9, 3, 0.37, 1.1, false);
  for (const bool cumulative : {false, true}) {
    nabla::BatchNormStats stats(3);
    if (cumulative) stats.momentum = std::nullopt;
    Eigen::VectorXd rm = Eigen::VectorXd::Zero(3), rv = Eigen::VectorXd::Ones(3);
    (void)nabla::batch_norm(Mat(X), stats);
    CHECK_FALSE(stats.has_pending());  // no StatisticsCapture: nothing written
    for (int k = 1; k <= 5; ++k) {
      const Eigen::MatrixXd Xk = X * static_cast<double>(k) + Eigen::MatrixXd::Constant(9, 3, k);
      {
        nabla::StatisticsCapture capture;
        (void)nabla::batch_norm(Mat(Xk), stats);
      }
      CHECK(stats.has_pending());
      stats.commit();
      const Eigen::VectorXd mu = Xk.colwise().mean().transpose();
      const Eigen::VectorXd var =
          (Xk.rowwise() - mu.transpose()).array().square().colwise().sum().transpose() / 8.0;
      const double m = cumulative ? 1.0 / k : 0.1;
      rm = (1.0 - m) * rm + m * mu;
      rv = (1.0 - m) * rv + m * var;
      CHECK((stats.running_mean - rm).cwiseAbs().maxCoeff() <=
            4.0 * 0x1.0p-52 * rm.cwiseAbs().maxCoeff());
      CHECK((stats.running_var - rv).cwiseAbs().maxCoeff() <=
            4.0 * 0x1.0p-52 * rv.cwiseAbs().maxCoeff());
    }
    CHECK(stats.batches_tracked == 5);
  }
  nabla::BatchNormStats stats(3);
  CHECK_THROWS_AS((void)nabla::batch_norm(Mat(Eigen::MatrixXd::Ones(1, 3)), stats), nabla::Error);
  CHECK_THROWS_AS((void)nabla::batch_norm(Mat(Eigen::MatrixXd::Ones(4, 2)), stats),
                  nabla::ShapeError);
  {
    // A NaN or ±inf in X is an error naming the entry, in training (seen in the batch means)
    // and in evaluation, with or without statistics capture; tape and statistics are unchanged.
    nabla::Tape tape;
    const nabla::TapeScope scope(tape);
    Eigen::MatrixXd bad = Eigen::MatrixXd::Random(4, 3);
    bad(2, 1) = std::numeric_limits<double>::quiet_NaN();
    const Mat xb = nabla::variable(bad);
    const std::size_t records = tape.size();
    CHECK_THROWS_WITH_AS((void)nabla::batch_norm(xb, stats),
                         "nabla::batch_norm: X has a non-finite entry (2, 1) of 4×3 = nan",
                         nabla::Error);
    bad(2, 1) = -std::numeric_limits<double>::infinity();
    CHECK_THROWS_WITH_AS((void)nabla::batch_norm(nabla::variable(bad), stats),
                         "nabla::batch_norm: X has a non-finite entry (2, 1) of 4×3 = -inf",
                         nabla::Error);
    {
      nabla::StatisticsCapture capture;
      CHECK_THROWS_AS((void)nabla::batch_norm(xb, stats), nabla::Error);
    }
    CHECK(!stats.pending);
    {
      nabla::TrainModeScope eval(nabla::TrainMode::Evaluation);
      CHECK_THROWS_AS((void)nabla::batch_norm(xb, stats), nabla::Error);
    }
    CHECK(tape.size() == records + 1);  // the variable of the second case, nothing more
    CHECK(stats.batches_tracked == 0);
  }
  nabla::TrainModeScope eval(nabla::TrainMode::Evaluation);
  // Evaluation: (x − running_mean)/sqrt(running_var + eps) with the initial (0, 1).
  const Eigen::MatrixXd y = nabla::batch_norm(Mat(Eigen::MatrixXd::Ones(1, 3)), stats).value();
  CHECK((y.array() - 1.0 / std::sqrt(1.0 + 1e-5)).abs().maxCoeff() <= 1e-16);
}

TEST_CASE("batch_norm: StatisticsUpdates commit once, discard, and forget destroyed stats") {
  const Eigen::MatrixXd X = grid(6, 2, 0.37, 1.1, false);
  nabla::BatchNormStats a(2), b(2);
  nabla::StatisticsUpdates updates;
  {
    nabla::StatisticsCapture capture(updates);
    (void)nabla::batch_norm(Mat(X), a);
    (void)nabla::batch_norm(Mat(X * 2.0), a);  // the later write of the same step wins
    (void)nabla::batch_norm(Mat(X), b);
  }
  CHECK(updates.size() == 2);
  {
    nabla::TrainModeScope eval(nabla::TrainMode::Evaluation);
    nabla::StatisticsCapture capture(updates);
    (void)nabla::batch_norm(Mat(X), a);  // evaluation mode writes nothing
  }
  CHECK(updates.size() == 2);
  updates.commit();
  CHECK(updates.size() == 0);
  CHECK(a.batches_tracked == 1);
  CHECK(b.batches_tracked == 1);
  const Eigen::VectorXd mu2 = (X * 2.0).colwise().mean().transpose();
  CHECK((a.running_mean - 0.1 * mu2).cwiseAbs().maxCoeff() <= 1e-16);
  updates.commit();  // nothing left: no second update
  CHECK(a.batches_tracked == 1);
  {
    nabla::StatisticsCapture capture(updates);
    (void)nabla::batch_norm(Mat(X), a);
  }
  updates.discard();
  CHECK_FALSE(a.has_pending());
  a.commit();
  CHECK(a.batches_tracked == 1);
  {
    auto c = std::make_unique<nabla::BatchNormStats>(2);
    {
      nabla::StatisticsCapture capture(updates);
      (void)nabla::batch_norm(Mat(X), *c);
    }
    CHECK(updates.size() == 1);
    const nabla::BatchNormStats copy = *c;  // a copy keeps the values, not the registration
    CHECK(copy.has_pending());
    c.reset();  // destroyed while registered: removed from the updates
    CHECK(updates.size() == 0);
  }
  updates.commit();
}

TEST_CASE("batch_norm: gradient identities per channel and finite differences") {
  for (const double eps : {1e-5, 0.0}) {
    const Eigen::Index n = 17, c = 5;
    const Eigen::MatrixXd X = grid(n, c, 0.37, 1.1, false);
    const Eigen::MatrixXd G = grid(n, c, 0.5, 0.3, true);
    const Eigen::MatrixXd gamma = row_of(c, 1.0, 0.1), beta = row_of(c, 0.0, 0.05);
    nabla::BatchNormStats stats(c);
    stats.eps = eps;
    auto f = [&](const Mat& x) {
      return nabla::sum(nabla::cwise_product(nabla::constant(G),
                                             nabla::batch_norm(x, Mat(gamma), Mat(beta), stats)));
    };
    const Eigen::MatrixXd gx = nabla::gradient(f, X);
    for (Eigen::Index j = 0; j < c; ++j) {
      const Eigen::VectorXd xc = X.col(j).array() - X.col(j).mean();
      const double var = xc.squaredNorm() / static_cast<double>(n), s = std::sqrt(var + eps);
      const Eigen::VectorXd xhat = xc / s;
      const double tol = 1e-12 * G.col(j).cwiseAbs().sum() * gamma(0, j) / s;
      CHECK(std::abs(gx.col(j).sum()) <= tol);
      const double rhs = gamma(0, j) / s * eps / (var + eps) * G.col(j).dot(xhat);
      CHECK(std::abs(gx.col(j).dot(xhat) - rhs) <= tol);
    }
    // Central differences, step 1e-6: truncation O(h²·f''') ≈ 1e-12, rounding ≈ 1e-10.
    for (Eigen::Index k = 0; k < X.size(); k += 7) {
      Eigen::MatrixXd xp = X, xm = X;
      xp(k) += 1e-6;
      xm(k) -= 1e-6;
      const double fd = (f(Mat(xp)).value() - f(Mat(xm)).value()) / 2e-6;
      CHECK(std::abs(fd - gx(k)) <= 1e-7 * std::max(1.0, std::abs(gx(k))));
    }
  }
}
