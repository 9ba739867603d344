// The C++ blocks of docs/chain-rule.md, verbatim (.ci/run checks it), with the numbers the
// document states.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <Eigen/Dense>
#include <cmath>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/teaching/chain.hpp>
#include <string>
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

TEST_CASE("docs/chain-rule.md block 3: anomaly detection names the sqrt record") {
  // docs/chain-rule.md, block 3:
  {
    const nabla::DetectAnomaly anomaly;
    try {
      (void)nabla::gradient([](const nabla::VectorXv& x) { return sqrt(x[0] - x[0]) * x[1]; },
                            Eigen::Vector2d(1, 2));
    } catch (const nabla::NonFiniteError& e) {
      fmt::print("{}\n", e.what());  // names the sqrt record and its infinite partial
    }
  }
  // end of block 3
  CHECK(!nabla::anomaly_detection());
  const nabla::DetectAnomaly anomaly;
  std::string printed;
  try {
    (void)nabla::gradient([](const nabla::VectorXv& x) { return sqrt(x[0] - x[0]) * x[1]; },
                          Eigen::Vector2d(1, 2));
  } catch (const nabla::NonFiniteError& e) {
    printed = e.what();
  }
  CHECK(printed.find("operation 'sqrt'") != std::string::npos);
  CHECK(printed.find("local partial inf") != std::string::npos);
}
