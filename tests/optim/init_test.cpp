// Seeded weight initialisation.
#include <doctest/doctest.h>

#include <nabla/optim/tools/init.hpp>

namespace opt = nabla::optim;

TEST_CASE("standard normal: same seed same vector, moments of N(0, 1)") {
  const Eigen::VectorXd a = opt::initialize(200000, {.seed = 9});
  CHECK(a == opt::initialize(200000, {.seed = 9}));
  CHECK(a != opt::initialize(200000, {.seed = 10}));
  const double mean = a.mean();
  const double var = (a.array() - mean).square().mean();
  CHECK(std::abs(mean) < 0.01);  // σ/√n ≈ 0.0022
  CHECK(var == doctest::Approx(1.0).epsilon(0.02));
}

TEST_CASE("zeros, constant, zero bias") {
  CHECK(opt::initialize(3, {.kind = opt::Init::Zeros}).isZero());
  CHECK(opt::initialize(3, {.kind = opt::Init::Constant, .value = 0.5}) ==
        Eigen::Vector3d(0.5, 0.5, 0.5));
  const Eigen::VectorXd w = opt::initialize(4, {.zero_bias = 3, .seed = 1});
  CHECK(w[3] == 0.0);
  CHECK(w[0] != 0.0);
  CHECK_THROWS_AS(opt::initialize(4, {.zero_bias = 4}), nabla::ShapeError);
}
