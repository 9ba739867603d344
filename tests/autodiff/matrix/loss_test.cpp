// Losses (loss.cpp) against the element-wise path, finite differences and a closed form.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/hvp.hpp>
#include <nabla/autodiff/functional/replay.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <vector>

#include "mat_check.hpp"

using Eigen::MatrixXd;
using mat_check::check_op;
using mat_check::random_matrix;
using nabla::Mat;
using nabla::MatrixXv;
using nabla::Var;
using nabla::VectorXv;

TEST_CASE("losses") {
  const MatrixXd z = random_matrix(5, 3, 51, -3.0, 3.0);
  const MatrixXd y01 = (random_matrix(5, 3, 52).array() > 0).cast<double>();
  const MatrixXd ypm = 2.0 * y01.array() - 1.0;
  const std::vector<int> labels{0, 2, 1, 1, 0};
  const MatrixXd target = random_matrix(5, 3, 53);
  check_op(
      "mse", [&](const Mat& m) { return nabla::mse(m, target); },
      [&](const MatrixXv& m) { return (m - target.cast<Var>()).squaredNorm() / 15.0; }, z);
  check_op(
      "binary_cross_entropy_with_logits",
      [&](const Mat& m) { return nabla::binary_cross_entropy_with_logits(m, y01); },
      [&](const MatrixXv& m) {
        Var s = 0.0;
        for (Eigen::Index k = 0; k < m.size(); ++k) s = s + softplus(m(k)) - y01(k) * m(k);
        return s / 15.0;
      },
      z);
  check_op(
      "cross_entropy", [&](const Mat& m) { return nabla::cross_entropy(m, labels); },
      [&](const MatrixXv& m) {
        Var s = 0.0;
        for (Eigen::Index i = 0; i < 5; ++i) {
          Var e = 0.0;
          for (Eigen::Index j = 0; j < 3; ++j) e = e + exp(m(i, j));
          s = s + log(e) - m(i, labels[static_cast<std::size_t>(i)]);
        }
        return s / 5.0;
      },
      z);
  check_op(
      "hinge", [&](const Mat& m) { return nabla::hinge(m, ypm); },
      [&](const MatrixXv& m) {
        Var s = 0.0;
        for (Eigen::Index k = 0; k < m.size(); ++k) s = s + max(0.0, 1.0 - ypm(k) * m(k));
        return s / 15.0;
      },
      z);
  // Closed form: cross-entropy of uniform logits is log k.
  CHECK(nabla::cross_entropy(Mat(MatrixXd::Zero(4, 7)), std::vector<int>{0, 1, 2, 6}).value() ==
        doctest::Approx(std::log(7.0)));
}

// Logits far out on both sides (σ(−40) ≈ 4e-18 must keep its digits; exp(800) overflows) and
// labels 0, 1 and fractional: the value, the gradient of both operands against the closed form
// and central differences, a replay at another point, and H·v (forward over reverse).
TEST_CASE("binary_cross_entropy_with_logits at large |z| and mixed labels") {
  const std::vector<double> zs{40.0, -40.0, 800.0, -800.0, 1.5, -0.3, 0.0};
  const std::vector<double> ys{0.0, 1.0, 0.25};
  const auto r = static_cast<Eigen::Index>(zs.size());
  const auto c = static_cast<Eigen::Index>(ys.size());
  const Eigen::Index n = r * c;
  const auto nd = static_cast<double>(n);
  MatrixXd z(r, c), y(r, c);
  for (Eigen::Index i = 0; i < r; ++i)
    for (Eigen::Index j = 0; j < c; ++j) {
      z(i, j) = zs[static_cast<std::size_t>(i)];
      y(i, j) = ys[static_cast<std::size_t>(j)];
    }
  // Closed forms in long double: σ(z) = 1/(1 + e^−z), softplus(z) − y·z, σ′(z) = σ(1 − σ).
  auto sigma = [](double a) { return 1.0L / (1.0L + std::exp(-static_cast<long double>(a))); };
  long double value = 0.0L;
  for (Eigen::Index k = 0; k < n; ++k) {
    const long double a = z(k);
    value += (a > 0 ? a : 0.0L) + std::log1p(std::exp(-std::abs(a))) - y(k) * a;
  }
  value /= nd;
  const double eps = std::numeric_limits<double>::epsilon();

  // z a variable, y constant.
  auto f = [&](const Mat& m) { return nabla::binary_cross_entropy_with_logits(m, y); };
  const auto [v, g] = nabla::value_and_gradient(f, z);
  CHECK(std::abs(v - static_cast<double>(value)) <= 4 * eps * static_cast<double>(value));
  for (Eigen::Index k = 0; k < n; ++k) {
    CAPTURE(z(k));
    CAPTURE(y(k));
    // σ(z) − y rounds to within an ulp of max(σ, |y|): relative where y = 0.
    const long double s = sigma(z(k));
    const double tol = 4 * eps * static_cast<double>(std::max(s, std::abs(y(k)) + 0.0L)) / nd;
    CHECK(std::abs(g(k) - static_cast<double>((s - y(k)) / nd)) <= tol + 1e-300);
  }
  CHECK(mat_check::fd_error(f, z) <= 1e-7);

  // Both operands variables: ∂/∂y = −z/n (to an ulp), ∂/∂z the same as above.
  auto fzy = [&](const VectorXv& p) {
    return nabla::binary_cross_entropy_with_logits(nabla::reshape(Mat(VectorXv(p.head(n))), r, c),
                                                   nabla::reshape(Mat(VectorXv(p.tail(n))), r, c));
  };
  Eigen::VectorXd zy(2 * n);
  zy << z.reshaped(), y.reshaped();
  const auto [v2, g2] = nabla::value_and_gradient(fzy, zy);
  CHECK(v2 == v);
  CHECK(g2.head(n) == g.reshaped());
  for (Eigen::Index k = 0; k < n; ++k)
    CHECK(std::abs(g2[n + k] + z(k) / nd) <= eps * std::abs(z(k)) / nd);

  // Recorded elsewhere (other |z|, so other exp(−|z|)), replayed here and back: the same value
  // and gradient as fresh recordings.
  const MatrixXd other = (0.5 * z.array() + 1.0).matrix();
  nabla::Function fn(f, other);
  const auto [vr, gr] = fn.value_and_gradient(z);
  CHECK(vr == v);
  CHECK(gr == g);
  const auto [vo, go] = fn.value_and_gradient(other);
  const auto [vo_ref, go_ref] = nabla::value_and_gradient(f, other);
  CHECK(vo == vo_ref);
  CHECK(go == go_ref);

  // H·v = σ′(z)⊙v/n, against the closed form (to the Hessian's scale 1/(4n)) and central
  // differences of the gradient.
  const MatrixXd dir = random_matrix(r, c, 54);
  const Eigen::VectorXd hv = nabla::hvp(f, z, dir.reshaped());
  for (Eigen::Index k = 0; k < n; ++k) {
    const long double s = sigma(z(k));
    const double ref = static_cast<double>(s * (1.0L - s) * dir(k) / nd);
    CHECK(std::abs(hv[k] - ref) <= 1e-15 * std::abs(dir(k)) / (4 * nd));
  }
  const double h = 1e-5;
  const MatrixXd fd =
      (nabla::gradient(f, MatrixXd(z + h * dir)) - nabla::gradient(f, MatrixXd(z - h * dir))) /
      (2 * h);
  CHECK((hv - fd.reshaped()).norm() <= 1e-8 * hv.norm());
  CHECK(hv.norm() > 1e-3);
}
