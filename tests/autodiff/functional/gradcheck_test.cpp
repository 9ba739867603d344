// gradcheck: on correct gradients the error is at finite-difference level; fed a deliberately
// wrong custom derivative it reports the right error and the right worst index.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <limits>
#include <nabla/autodiff.hpp>

using Eigen::VectorXd;
using nabla::Var;
using nabla::VectorXv;

namespace {

// x² with the derivative 2.1·x instead of 2x: wrong by 0.1·x.
const auto bad_square = nabla::scalar_function<1>(
    "bad_square", [](double x) { return x * x; }, [](double x) { return 2.1 * x; });

// x·y with ∂/∂y wrong by +0.5 and ∂/∂x right.
const auto bad_product = nabla::scalar_function<2>(
    "bad_product", [](double x, double y) { return x * y; },
    [](double x, double y) {
      return std::array<double, 2>{y, x + 0.5};
    });

}  // namespace

TEST_CASE("correct gradients pass, with value, gradient and finite differences reported") {
  auto f = [](const VectorXv& x) { return exp(x[0]) * sin(x[1]) + x[2] * x[2] * x[0]; };
  const Eigen::Vector3d x(0.3, -1.2, 2.0);
  const nabla::GradcheckResult r = nabla::gradcheck(f, x);
  CHECK(r.passed());
  CHECK(r.error < 1e-8);
  CHECK(r.value == doctest::Approx(std::exp(0.3) * std::sin(-1.2) + 4.0 * 0.3));
  const Eigen::Vector3d closed(std::exp(0.3) * std::sin(-1.2) + 4.0, std::exp(0.3) * std::cos(-1.2),
                               2 * 2.0 * 0.3);
  CHECK((r.gradient - closed).cwiseAbs().maxCoeff() < 1e-14);
  CHECK((r.finite_difference - closed).cwiseAbs().maxCoeff() < 1e-8);
  CHECK(r.worst_index >= 0);
  CHECK(r.worst_index < 3);
}

TEST_CASE("a wrong custom derivative: error and worst index") {
  auto f = [](const VectorXv& x) {
    Var s = 0.0;
    for (Eigen::Index i = 0; i < x.size(); ++i) s += bad_square(x[i]);
    return s;
  };
  const Eigen::Vector3d x(0.5, -3.0, 1.0);
  const nabla::GradcheckResult r = nabla::gradcheck(f, x);
  // |g − g_fd| = 0.1·|xᵢ| = (0.05, 0.3, 0.1); ‖g‖∞ = 2.1·3 = 6.3.
  CHECK(r.worst_index == 1);
  CHECK(r.error == doctest::Approx(0.3 / 6.3).epsilon(1e-8));
  CHECK_FALSE(r.passed());
  CHECK(r.passed(0.05));
  CHECK(r.gradient == 2.1 * x);
  CHECK((r.finite_difference - 2 * x).cwiseAbs().maxCoeff() < 1e-9);

  // The wrong partial in the second slot of a two-input function: worst index 1, error
  // 0.5 / max(1, ‖g‖∞) with ‖g‖∞ < 1 here.
  auto h = [](const VectorXv& x) { return bad_product(x[0], x[1]) + x[2]; };
  const nabla::GradcheckResult r2 = nabla::gradcheck(h, Eigen::Vector3d(0.25, 0.5, 2.0));
  CHECK(r2.worst_index == 1);
  CHECK(r2.error == doctest::Approx(0.5).epsilon(1e-8));
  // The scale is ‖g‖∞ when that exceeds 1: g = (y, x + 0.5, 1) at (4, 8, 0) → ‖g‖∞ = 8.
  const nabla::GradcheckResult r3 = nabla::gradcheck(h, Eigen::Vector3d(4.0, 8.0, 0.0));
  CHECK(r3.worst_index == 1);
  CHECK(r3.error == doctest::Approx(0.5 / 8.0).epsilon(1e-8));
}

TEST_CASE("generic lambdas, an explicit step, empty input, non-finite gradients") {
  auto generic = [](const auto& x) { return x[0] * x[0] * x[0] + x[1]; };
  const nabla::GradcheckResult r = nabla::gradcheck(generic, Eigen::Vector2d(1.5, 2.0));
  CHECK(r.passed());
  CHECK(r.gradient == Eigen::Vector2d(3 * 1.5 * 1.5, 1.0));
  // A coarse step: central differences of x³ are off by h² exactly (per unit of |x|·h).
  const double h = 1e-2;
  const nabla::GradcheckResult coarse = nabla::gradcheck(generic, Eigen::Vector2d(1.5, 2.0), h);
  const double step = h * 1.5;  // h·max(1, |x₀|)
  CHECK(coarse.finite_difference[0] == doctest::Approx(3 * 1.5 * 1.5 + step * step).epsilon(1e-10));
  CHECK(coarse.error == doctest::Approx(step * step / (3 * 1.5 * 1.5)).epsilon(1e-6));
  CHECK(coarse.worst_index == 0);
  // No inputs: nothing to compare.
  const nabla::GradcheckResult empty =
      nabla::gradcheck([](const VectorXv&) { return Var(1.0); }, VectorXd(0));
  CHECK(empty.error == 0.0);
  CHECK(empty.passed());
  // sqrt at 0: the tape says +inf, differences say NaN: reported as an infinite error, never
  // as NaN (which would compare false everywhere and could pass a `!(error > tol)` check).
  const nabla::GradcheckResult bad = nabla::gradcheck([](const VectorXv& x) { return sqrt(x[0]); },
                                                      Eigen::Matrix<double, 1, 1>(0.0));
  CHECK(bad.error == std::numeric_limits<double>::infinity());
  CHECK_FALSE(bad.passed());
}

TEST_CASE("gradcheck records nothing on an outer active tape and nests") {
  nabla::Tape outer;
  const nabla::TapeScope scope(outer);
  const Var a = outer.variable(1.0);
  const nabla::GradcheckResult r =
      nabla::gradcheck([](const VectorXv& x) { return x.squaredNorm(); }, Eigen::Vector2d(1, 2));
  CHECK(r.passed());
  CHECK(outer.size() == 1);
  CHECK(nabla::Tape::active() == &outer);
  // A gradcheck inside a loss of a gradient call.
  const VectorXd g = nabla::gradient(
      [](const VectorXv& x) {
        const auto inner =
            nabla::gradcheck([](const VectorXv& z) { return z.prod(); }, nabla::values(x));
        CHECK(inner.passed());
        return x.prod();
      },
      Eigen::Vector3d(2, 3, 4));
  CHECK(g == Eigen::Vector3d(12, 8, 6));
  const Var b = a * a;
  outer.reverse(b);
  CHECK(outer.adjoint(a) == 2.0);
}
