// Logistic regression on a generated data set, written on matrix nodes: the loss is one
// matrix product and one fused cross-entropy record, so each gradient costs about two passes
// over the data — what a hand-written gradient costs. The loss is recorded once
// (nabla::Function) and replayed at every step of plain gradient descent; four Newton steps on
// the exact Hessian of the Mat loss (nabla::hessian) then reach the minimum to rounding.
#include <fmt/format.h>

#include <Eigen/Cholesky>

#include <cmath>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/replay.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <nabla/autodiff/teaching/stationary_point.hpp>
#include <random>

int main() {
  // Two Gaussian classes in 5 dimensions; the last column of X is a constant 1 (the bias).
  const Eigen::Index n = 2000;
  const Eigen::Index d = 5;
  std::mt19937 gen(7);
  std::normal_distribution<double> noise(0.0, 1.0);
  Eigen::VectorXd w_true(d + 1);
  w_true << 1.5, -2.0, 0.5, 1.0, -0.7, 0.3;
  Eigen::MatrixXd X(n, d + 1);
  Eigen::VectorXd y(n);  // labels in {0, 1}
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < d; ++j) X(i, j) = noise(gen);
    X(i, d) = 1.0;
    const double logit = X.row(i).dot(w_true) + 0.3 * noise(gen);
    y[i] = logit > 0.0 ? 1.0 : 0.0;
  }

  // Share the data with the loss once (no copy per call), then write the loss on Mats.
  const nabla::Mat Xc = nabla::constant(X);
  const nabla::Mat yc = nabla::constant(y);
  const double lambda = 1e-3;
  auto loss = [&](const nabla::Mat& w) {
    return nabla::binary_cross_entropy_with_logits(Xc * w, yc) +
           lambda * nabla::squared_norm(w.head(d));  // no penalty on the bias
  };

  Eigen::VectorXd w = Eigen::VectorXd::Zero(d + 1);
  nabla::Function fn(loss, w);  // records the loss once
  const double first = fn.value(w);
  double value = first;
  const double step = 1.0;
  for (int it = 0; it < 300; ++it) {
    const auto [v, g] = fn.value_and_gradient(w);  // replay: loss is not called again
    value = v;
    w -= step * g;
    if (it % 50 == 0) fmt::print("iteration {:3d}  loss {:.6f}  |g| {:.2e}\n", it, v, g.norm());
  }
  const Eigen::VectorXd logits = X * w;
  Eigen::Index correct = 0;
  for (Eigen::Index i = 0; i < n; ++i) correct += (logits[i] > 0.0) == (y[i] > 0.5) ? 1 : 0;
  const double accuracy = static_cast<double>(correct) / static_cast<double>(n);
  fmt::print("loss {:.6f} -> {:.6f}, training accuracy {:.1f} %, recorded {} time(s)\n", first,
             value, 100.0 * accuracy, fn.recordings());
  fmt::print("direction of w vs the true one: cos = {:.4f}\n",
             w.head(d).dot(w_true.head(d)) / (w.head(d).norm() * w_true.head(d).norm()));
  // The gradient at the end agrees with a fresh recording through the functional API.
  const Eigen::VectorXd g_fresh = nabla::gradient(loss, w);
  const double mismatch = (g_fresh - fn.gradient(w)).norm();
  // Finish with Newton steps on the exact Hessian of the Mat loss (6×6, vec(w) order), then
  // check the second-order condition: ∇L = 0 and H positive definite.
  Eigen::VectorXd w_newton = w;
  for (int it = 0; it < 4; ++it) {
    const Eigen::MatrixXd h = nabla::hessian(loss, w_newton);
    w_newton -= h.ldlt().solve(nabla::gradient(loss, w_newton));
  }
  const nabla::StationaryPoint p = nabla::classify_stationary_point(loss, w_newton);
  fmt::print(
      "after 4 Newton steps: loss {:.6f}, |g|inf {:.1e}, smallest eigenvalue of H {:.4f}: {}\n",
      fn.value(w_newton), p.gradient_norm, p.eigenvalues[0], nabla::to_string(p.kind));
  const bool ok = value < 0.5 * first && accuracy > 0.9 && mismatch < 1e-12 &&
                  p.kind == nabla::StationaryKind::LocalMinimum;
  if (!ok) fmt::print("FAILED: the loss did not drop enough or the accuracy is low\n");
  return ok ? 0 : 1;
}
