// The homework hinge problem's optimality certificate on points with a known answer.
#include <doctest/doctest.h>

#include <cmath>

#include <nabla/optim/tools/hinge_certificate.hpp>

namespace opt = nabla::optim;

namespace {
struct Homework {
  Eigen::MatrixXd Xt{5, 3};
  Eigen::VectorXd y{5};
  Homework() {
    Xt << 0, 1, 1,     //
        1, 1, 1,       //
        1, 0, 1,       //
        -0.5, 0.5, 1,  //
        0, -0.5, 1;
    y << 1, 1, 1, -1, -1;
  }
};
}  // namespace

TEST_CASE("at the exact optimum (5/4, 1, −1/4) the certificate vanishes") {
  const Homework h;
  const auto c = opt::hinge_certificate(h.Xt, h.y, 0.1, Eigen::Vector3d(1.25, 1.0, -0.25));
  CHECK(c.loss == doctest::Approx(39.0 / 80.0).epsilon(1e-15));
  CHECK(c.norm <= 1e-9);
  REQUIRE(c.kinks.size() == 1);
  CHECK(c.kinks[0] == 2);                        // sample 3 sits on its kink
  CHECK(c.weights[2] == doctest::Approx(0.15));  // KKT multiplier by hand: 0.15 ∈ [0, 0.2]
  CHECK(c.weights[0] == 0.2);                    // violated samples weigh 1/N
  CHECK(c.weights[1] == 0.0);                    // inactive
  CHECK(c.gap_bound <= 1e-15);
}

TEST_CASE("at the start θ0 = (1, 1, 0) the certificate is 0.05·√2 (by hand)") {
  // Kinks: samples 1 and 3; violated: 4 and 5. c = 0.2θ0 − (1/5)(y4x̃4 + y5x̃5) = (0.1, 0.2, 0.4);
  // min ‖c − a(0,1,1) − b(1,0,1)‖ over a, b ∈ [0, 0.2] is at a = 0.2, b = 0.15.
  const Homework h;
  const auto c = opt::hinge_certificate(h.Xt, h.y, 0.1, Eigen::Vector3d(1, 1, 0));
  CHECK(c.loss == doctest::Approx(0.5));
  CHECK(c.kinks.size() == 2);
  CHECK(c.norm == doctest::Approx(0.05 * std::sqrt(2.0)).epsilon(1e-12));
  CHECK(c.weights[0] == doctest::Approx(0.2));
  CHECK(c.weights[2] == doctest::Approx(0.15));
  // The gap bound is an upper bound on L(θ0) − L* = 0.5 − 39/80 = 0.0125.
  CHECK(c.gap_bound >= 0.0125);
}

TEST_CASE("near the optimum the tolerant certificate is small and its gap bound is valid") {
  const Homework h;
  const Eigen::Vector3d theta(1.25 + 1e-7, 1.0 - 2e-7, -0.25 + 1e-7);
  const auto strict = opt::hinge_certificate(h.Xt, h.y, 0.1, theta, 0.0);
  CHECK(strict.norm > 0.1);  // no term exactly at a kink: a single gradient, far from 0
  const auto c = opt::best_hinge_certificate(h.Xt, h.y, 0.1, theta);
  CHECK(c.norm < 1e-6);
  const double gap = c.loss - 39.0 / 80.0;
  CHECK(gap > 0.0);
  CHECK(c.gap_bound >= gap);
  CHECK(c.distance_bound >= (theta - Eigen::Vector3d(1.25, 1.0, -0.25)).norm());
}

TEST_CASE("shape errors") {
  const Homework h;
  CHECK_THROWS_AS(opt::hinge_certificate(h.Xt, h.y, 0.1, Eigen::Vector2d(1, 1)), nabla::ShapeError);
  CHECK_THROWS_AS(opt::hinge_certificate(h.Xt, h.y, 0.0, Eigen::Vector3d(1, 1, 0)), nabla::Error);
}
