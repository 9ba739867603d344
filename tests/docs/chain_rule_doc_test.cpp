// The C++ blocks of docs/chain-rule.md, verbatim (.ci/run checks it), with the numbers the
// document states.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <Eigen/Dense>
#include <cmath>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/teaching/chain.hpp>
#include <vector>

TEST_CASE("docs/chain-rule.md block 1: the derivative of log(x² + 1)") {
  // docs/chain-rule.md, block 1:
  double d = nabla::derivative([](nabla::Var x) { return log(x * x + 1.0); }, 0.7);
  // end of block 1
  CHECK(d == doctest::Approx(2 * 0.7 / (0.7 * 0.7 + 1.0)).epsilon(1e-15));
}

TEST_CASE("docs/chain-rule.md block 2: the chain of Jacobians of the lecture's MSE") {
  Eigen::Matrix2d a;
  a << 1, 2, 0, -1;
  const Eigen::Vector2d x(2, 1);
  // docs/chain-rule.md, block 2:
  const std::vector<nabla::Stage> stages = {
      {"y", [&](const nabla::VectorXv& v) { return nabla::VectorXv(a * v); }},
      {"l", [](const nabla::VectorXv& y) { return (y[0] - 1) * (y[0] - 1) + y[1] * y[1]; }},
  };
  fmt::print("{}", nabla::chain_of_jacobians(stages, x).text);
  // end of block 2
  const nabla::ChainOfJacobians c = nabla::chain_of_jacobians(stages, x);
  CHECK(c.text.find("Chain of Jacobians: A = A_l · A_y") != std::string::npos);
  CHECK(c.from_left.back()(0, 0) == doctest::Approx(6.0));   // 2(y1 − 1), y = (4, −1)
  CHECK(c.from_left.back()(0, 1) == doctest::Approx(14.0));  // 4(y1 − 1) − 2y2
}
