// Seeded weight initialisation.
#include <doctest/doctest.h>

#include <cmath>

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

TEST_CASE("Xavier and He weight blocks: shape, bounds, variance of PyTorch's definitions") {
  const Eigen::Index fan_in = 784, fan_out = 128;  // 100352 draws
  struct Case {
    opt::WeightInit kind;
    double variance;  // Var w: a²/3 for U(−a, a), σ² for N(0, σ²)
    double bound;     // 0 for the normal draws
  };
  const double a_xavier = std::sqrt(6.0 / (fan_in + fan_out));
  const double a_he = std::sqrt(2.0) * std::sqrt(3.0 / fan_in);
  const Case cases[] = {
      {opt::WeightInit::XavierUniform, a_xavier * a_xavier / 3.0, a_xavier},
      {opt::WeightInit::XavierNormal, 2.0 / (fan_in + fan_out), 0.0},
      {opt::WeightInit::HeUniform, a_he * a_he / 3.0, a_he},
      {opt::WeightInit::HeNormal, 2.0 / fan_in, 0.0},
  };
  for (const Case& c : cases) {
    CAPTURE(static_cast<int>(c.kind));
    const Eigen::MatrixXd w = opt::initialize_weights(fan_in, fan_out, {.kind = c.kind, .seed = 4});
    CHECK(w.rows() == fan_in);
    CHECK(w.cols() == fan_out);
    CHECK(w == opt::initialize_weights(fan_in, fan_out, {.kind = c.kind, .seed = 4}));
    CHECK(w != opt::initialize_weights(fan_in, fan_out, {.kind = c.kind, .seed = 5}));
    const double mean = w.mean();
    const double var = (w.array() - mean).square().mean();
    // Standard error of the sample variance: σ²·√(2/n) ≈ 0.45 % (normal), less for uniform.
    CHECK(var == doctest::Approx(c.variance).epsilon(0.02));
    CHECK(std::abs(mean) < 5.0 * std::sqrt(c.variance / static_cast<double>(w.size())));
    if (c.bound > 0.0) {
      CHECK(w.cwiseAbs().maxCoeff() <= c.bound);
      CHECK(w.cwiseAbs().maxCoeff() >= 0.999 * c.bound);
    }
  }
  // A gain scales the draws exactly (same seed, same uniforms).
  const Eigen::MatrixXd w1 =
      opt::initialize_weights(10, 5, {.kind = opt::WeightInit::XavierNormal});
  const Eigen::MatrixXd w3 =
      opt::initialize_weights(10, 5, {.kind = opt::WeightInit::XavierNormal, .gain = 5.0 / 3.0});
  CHECK((w3 - (5.0 / 3.0) * w1).cwiseAbs().maxCoeff() <= 1e-15);
  CHECK_THROWS_AS((void)opt::initialize_weights(0, 5), nabla::ShapeError);
  CHECK_THROWS_AS((void)opt::initialize_weights(3, 5, {.gain = -1.0}), nabla::Error);
}
