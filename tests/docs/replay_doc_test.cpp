// The C++ block of docs/replay.md, verbatim (.ci/run checks it): nabla::Function replays a
// recorded function at new inputs without calling it, checked against the closed forms.
#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/replay.hpp>

TEST_CASE("docs/replay.md block 1: record once, evaluate many times") {
  int calls = 0;
  // f(x) = x₀²·x₁ + 3x₁, smooth, so no branch can flip.
  auto f = [&calls](const nabla::VectorXv& x) {
    ++calls;
    return x[0] * x[0] * x[1] + 3.0 * x[1];
  };
  const Eigen::Vector2d x0(1.0, 2.0), x1(2.0, -1.0), x2(0.5, 4.0), x3(-3.0, 0.25);
  // docs/replay.md, block 1:
#include <nabla/autodiff/functional/replay.hpp>

  nabla::Function fn(f, x0);                 // calls f(x0) once and keeps the tape
  double y = fn.value(x1);                   // replay: f is not called
  auto [y2, g] = fn.value_and_gradient(x2);  // forward replay + one reverse sweep
  Eigen::MatrixXd J = fn.jacobian(x3);       // one reverse sweep per output
  if (!fn.status().ok()) {
    // a recorded branch flipped at x3, see below
  }
  // end of block 1
  CHECK(calls == 1);
  CHECK(y == doctest::Approx(4.0 * -1.0 - 3.0).epsilon(1e-15));
  CHECK(y2 == doctest::Approx(0.25 * 4.0 + 12.0).epsilon(1e-15));
  CHECK(g[0] == doctest::Approx(2 * 0.5 * 4.0).epsilon(1e-15));
  CHECK(g[1] == doctest::Approx(0.25 + 3.0).epsilon(1e-15));
  CHECK(J.rows() == 1);
  CHECK(J(0, 0) == doctest::Approx(2 * -3.0 * 0.25).epsilon(1e-15));
  CHECK(J(0, 1) == doctest::Approx(9.0 + 3.0).epsilon(1e-15));
  CHECK(fn.status().ok());
}
