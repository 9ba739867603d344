// The second-order check: minimum, maximum, saddle, undecided, from Hessian eigenvalues.
#include <doctest/doctest.h>

#include <nabla/autodiff.hpp>
#include <nabla/autodiff/teaching/stationary_point.hpp>

using nabla::StationaryKind;
using nabla::Var;
using nabla::VectorXv;

TEST_CASE("classify stationary points") {
  auto bowl = [](const VectorXv& x) { return x[0] * x[0] + 3.0 * x[1] * x[1]; };
  const auto p = nabla::classify_stationary_point(bowl, Eigen::Vector2d(0, 0));
  CHECK(p.kind == StationaryKind::LocalMinimum);
  CHECK(p.eigenvalues[0] == 2.0);
  CHECK(p.eigenvalues[1] == 6.0);
  auto cap = [](const VectorXv& x) { return -exp(-x.squaredNorm()); };
  CHECK(nabla::classify_stationary_point([&](const VectorXv& x) { return -cap(x); },
                                         Eigen::Vector2d(0, 0))
            .kind == StationaryKind::LocalMaximum);
  auto saddle = [](const VectorXv& x) { return x[0] * x[0] - x[1] * x[1]; };
  CHECK(nabla::classify_stationary_point(saddle, Eigen::Vector2d(0, 0)).kind ==
        StationaryKind::Saddle);
  auto quartic = [](const VectorXv& x) { return pow(x[0], 4.0) + x[1] * x[1]; };
  CHECK(nabla::classify_stationary_point(quartic, Eigen::Vector2d(0, 0)).kind ==
        StationaryKind::Undecided);
  CHECK(nabla::classify_stationary_point(bowl, Eigen::Vector2d(1, 0)).kind ==
        StationaryKind::NotStationary);
}

TEST_CASE("Rosenbrock's minimum (1, 1) is a local minimum; (0, 0) is not stationary") {
  auto rosen = [](const VectorXv& x) {
    return 100.0 * square(x[1] - x[0] * x[0]) + square(1.0 - x[0]);
  };
  const auto p = nabla::classify_stationary_point(rosen, Eigen::Vector2d(1, 1));
  CHECK(p.kind == StationaryKind::LocalMinimum);
  // H = [[802, −400], [−400, 200]]: eigenvalues 501 ∓ √(301² + 400²).
  const double root = std::sqrt(301.0 * 301.0 + 400.0 * 400.0);
  CHECK(p.eigenvalues[0] == doctest::Approx(501 - root).epsilon(1e-12));
  CHECK(p.eigenvalues[1] == doctest::Approx(501 + root).epsilon(1e-12));
  CHECK(nabla::classify_stationary_point(rosen, Eigen::Vector2d(0, 0)).kind ==
        StationaryKind::NotStationary);
}
