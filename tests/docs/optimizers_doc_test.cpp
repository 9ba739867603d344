// The C++ block of docs/optimizers.md, verbatim (.ci/run checks it): gradient descent on a
// Rosenbrock-type loss reaches the minimiser (1, 1) and says why it stopped.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <Eigen/Dense>
#include <nabla/autodiff.hpp>
#include <nabla/optim.hpp>

TEST_CASE("docs/optimizers.md block 1: minimize with gradient descent") {
  // docs/optimizers.md, block 1:
#include <nabla/optim.hpp>
  namespace opt = nabla::optim;

  auto f = [](const nabla::VectorXv& w) {  // any loss written with nabla
    return (1 - w[0]) * (1 - w[0]) + 5 * (w[1] - w[0] * w[0]) * (w[1] - w[0] * w[0]);
  };
  opt::Result r = opt::minimize(f, Eigen::Vector2d(-1.2, 1.0), opt::GradientDescent{.lr = 0.02},
                                {.schedule = opt::Schedule::constant(),
                                 .stop = {.max_iterations = 5000, .gradient_norm = 1e-8}});
  // prints "stopped: gradient_norm after … iterations, Q = …, x = [1, 1]" and the reason
  fmt::print("{}\n{}\n", r, r.message);
  // end of block 1
  CHECK(r.stop_reason == opt::StopReason::GradientNorm);
  CHECK(r.iterations < 5000);
  CHECK((r.x - Eigen::Vector2d(1, 1)).norm() <= 1e-7);
  CHECK(r.value <= 1e-14);
}
