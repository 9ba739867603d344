// Var as an Eigen scalar: NumTraits, VectorXv/MatrixXv reductions and products, mixed
// double/Var products, each gradient against its closed form.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <nabla/autodiff.hpp>

using Eigen::MatrixXd;
using Eigen::VectorXd;
using nabla::MatrixXv;
using nabla::Var;
using nabla::VectorXv;

namespace {

double max_abs_diff(const MatrixXd& a, const MatrixXd& b) {
  REQUIRE(a.rows() == b.rows());
  REQUIRE(a.cols() == b.cols());
  return (a - b).cwiseAbs().maxCoeff();
}

// The variables x as a rows×cols matrix, column-major (Eigen's own storage order).
MatrixXv as_matrix(const VectorXv& x, Eigen::Index rows, Eigen::Index cols) {
  MatrixXv m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = x[i + rows * j];
  return m;
}

VectorXd flatten(const MatrixXd& m) { return Eigen::Map<const VectorXd>(m.data(), m.size()); }

}  // namespace

TEST_CASE("NumTraits<Var> is complete and correct") {
  using T = Eigen::NumTraits<Var>;
  using D = std::numeric_limits<double>;
  CHECK(T::epsilon().value() == D::epsilon());
  CHECK(T::epsilon().value() != 0.0);
  CHECK(T::dummy_precision().value() > 0.0);
  CHECK(T::dummy_precision().value() < 1e-6);
  CHECK(T::highest().value() == D::max());
  CHECK(T::lowest().value() == D::lowest());
  CHECK(T::infinity().value() == D::infinity());
  CHECK(std::isnan(T::quiet_NaN().value()));
  CHECK(T::digits10() == D::digits10);
  CHECK(T::digits() == D::digits);
  CHECK(T::IsComplex == 0);
  CHECK(T::IsInteger == 0);
  CHECK(T::IsSigned == 1);
  CHECK(T::RequireInitialization == 1);
  // Constants record nothing, even with a tape active.
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  CHECK(T::epsilon().is_constant());
  CHECK(tape.size() == 0);
  // isApprox on Var matrices uses dummy_precision: it must not degenerate to exact equality.
  VectorXv a(2);
  a << 1.0, 2.0;
  VectorXv b(2);
  b << 1.0 + 1e-14, 2.0;
  CHECK(a.isApprox(b));
}

TEST_CASE("VectorXv reductions: sum, dot, squaredNorm, norm") {
  const VectorXd x = (VectorXd(4) << 1.0, -2.0, 0.5, 3.0).finished();
  const VectorXd c = (VectorXd(4) << 0.3, 0.1, -1.0, 2.0).finished();
  {
    const auto [v, g] = nabla::value_and_gradient([](const VectorXv& z) { return z.sum(); }, x);
    CHECK(v == doctest::Approx(x.sum()));
    CHECK(g == VectorXd::Ones(4));
  }
  {
    // d(x·x)/dx = 2x; d(x·c)/dx = c with c constant Vars.
    const VectorXd g = nabla::gradient([](const VectorXv& z) { return z.dot(z); }, x);
    CHECK(max_abs_diff(g, 2 * x) < 1e-15);
    const VectorXd g2 = nabla::gradient([&](const VectorXv& z) { return z.dot(c.cast<Var>()); }, x);
    CHECK(max_abs_diff(g2, c) < 1e-15);
  }
  {
    const auto [v, g] =
        nabla::value_and_gradient([](const VectorXv& z) { return z.squaredNorm(); }, x);
    CHECK(v == doctest::Approx(x.squaredNorm()));
    CHECK(max_abs_diff(g, 2 * x) < 1e-15);
  }
  {
    const auto [v, g] = nabla::value_and_gradient([](const VectorXv& z) { return z.norm(); }, x);
    CHECK(v == doctest::Approx(x.norm()));
    CHECK(max_abs_diff(g, x / x.norm()) < 1e-15);
  }
  {
    // Elementwise expressions: Σ exp(xᵢ)·cᵢ and the mean.
    const VectorXd g = nabla::gradient(
        [&](const VectorXv& z) {
          return (z.array().exp() * c.cast<Var>().array()).sum() + z.mean();
        },
        x);
    const VectorXd closed = (x.array().exp() * c.array()).matrix() + VectorXd::Constant(4, 0.25);
    CHECK(max_abs_diff(g, closed) < 1e-13);
  }
}

TEST_CASE("mixed MatrixXd · VectorXv and VectorXv arithmetic") {
  MatrixXd A(3, 4);
  A << 1, 2, 0, -1, 0.5, -3, 2, 1, 4, 0, 1, 2;
  const VectorXd b = (VectorXd(3) << 1.0, -1.0, 0.5).finished();
  const VectorXd x = (VectorXd(4) << 0.2, -0.4, 1.0, 0.3).finished();
  // ½‖Ax − b‖²: gradient Aᵀ(Ax − b).
  auto f = [&](const VectorXv& z) {
    const VectorXv r = A * z - b.cast<Var>();
    return 0.5 * r.squaredNorm();
  };
  const VectorXd g = nabla::gradient(f, x);
  CHECK(max_abs_diff(g, A.transpose() * (A * x - b)) < 1e-13);
  // The Jacobian of z ↦ Az is A (one row per output).
  const MatrixXd J = nabla::jacobian([&](const VectorXv& z) { return VectorXv(A * z); }, x);
  CHECK(max_abs_diff(J, A) < 1e-15);
  // Scalar multiples and sums of vectors: d/dz Σ (2z − 3z + z/4) = −0.75 per entry.
  const VectorXd g3 =
      nabla::gradient([](const VectorXv& z) { return (2.0 * z - z * 3.0 + z / 4.0).sum(); }, x);
  CHECK(max_abs_diff(g3, VectorXd::Constant(4, -0.75)) < 1e-15);
  // A row vector times a matrix: d/dz Σⱼ (zᵀAᵀ)ⱼ = Aᵀ·1.
  const VectorXd g4 = nabla::gradient(
      [&](const VectorXv& z) { return (z.transpose() * A.transpose().cast<Var>()).sum(); }, x);
  CHECK(max_abs_diff(g4, A.transpose() * VectorXd::Ones(3)) < 1e-13);
}

TEST_CASE("MatrixXv products and transpose, element by element") {
  // f(X) = Σ (X·Y)ᵢⱼ wᵢⱼ with constant Y, W: ∂f/∂X = W·Yᵀ.
  MatrixXd X0(2, 3);
  X0 << 0.5, -1.0, 2.0, 1.5, 0.0, -0.3;
  MatrixXd Y(3, 2);
  Y << 1, 2, -1, 0.5, 0.3, -2;
  MatrixXd W(2, 2);
  W << 1, -1, 0.5, 2;
  const VectorXd g = nabla::gradient(
      [&](const VectorXv& z) {
        const MatrixXv X = as_matrix(z, 2, 3);
        const MatrixXv P = X * Y.cast<Var>();
        return (P.array() * W.cast<Var>().array()).sum();
      },
      flatten(X0));
  CHECK(max_abs_diff(g, flatten(W * Y.transpose())) < 1e-13);
  // f(X) = trace(Xᵀ X) = ‖X‖²_F: gradient 2X; and Σ (X Xᵀ)ᵢⱼ = ‖Xᵀ1‖²: gradient 2·1·1ᵀX.
  const VectorXd g2 = nabla::gradient(
      [](const VectorXv& z) {
        const MatrixXv X = as_matrix(z, 2, 3);
        return (X.transpose() * X).trace();
      },
      flatten(X0));
  CHECK(max_abs_diff(g2, flatten(2 * X0)) < 1e-13);
  const VectorXd g3 = nabla::gradient(
      [](const VectorXv& z) {
        const MatrixXv X = as_matrix(z, 2, 3);
        return (X * X.transpose()).sum();
      },
      flatten(X0));
  CHECK(max_abs_diff(g3, flatten(MatrixXd(MatrixXd::Constant(2, 2, 2.0)) * X0)) < 1e-13);
  // A quadratic form zᵀ M z with M a MatrixXv of constants: (M + Mᵀ) z.
  MatrixXd M(3, 3);
  M << 2, 1, 0, -1, 3, 0.5, 0, 2, 1;
  const VectorXd z0 = (VectorXd(3) << 1.0, -2.0, 0.5).finished();
  const VectorXd g4 = nabla::gradient(
      [&](const VectorXv& z) {
        const MatrixXv Mv = M.cast<Var>();
        return z.dot(Mv * z);
      },
      z0);
  CHECK(max_abs_diff(g4, (M + M.transpose()) * z0) < 1e-13);
  // values() of a MatrixXv.
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  const MatrixXv Xv = M.cast<Var>();
  CHECK(nabla::values(Xv) == M);
}

TEST_CASE("variables() and values() on the active tape") {
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  const VectorXd x = (VectorXd(3) << 1.0, 2.0, 3.0).finished();
  const VectorXv v = nabla::variables(x);
  CHECK(tape.size() == 3);
  CHECK(nabla::values(v) == x);
  const Var y = v.squaredNorm();
  tape.reverse(y);
  for (Eigen::Index i = 0; i < 3; ++i) CHECK(tape.adjoint(v[i]) == 2 * x[i]);
}
