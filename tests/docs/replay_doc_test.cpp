// The C++ blocks of docs/replay.md, verbatim (.ci/run checks it): nabla::Function replays a
// recorded function at new inputs without calling it, checked against the closed forms.
#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/replay.hpp>
#include <nabla/autodiff/matrix.hpp>

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

TEST_CASE("docs/replay.md block 2: several input blocks") {
  std::srand(7);
  const nabla::Mat X = nabla::constant(Eigen::MatrixXd::Random(8, 64));
  const Eigen::VectorXi labels = Eigen::VectorXi::LinSpaced(8, 0, 7);
  const Eigen::MatrixXd W1 = 0.1 * Eigen::MatrixXd::Random(64, 32);
  const Eigen::MatrixXd b1 = Eigen::MatrixXd::Zero(1, 32);
  const Eigen::MatrixXd W2 = 0.1 * Eigen::MatrixXd::Random(32, 10);
  const Eigen::MatrixXd b2 = Eigen::MatrixXd::Zero(1, 10);
  // docs/replay.md, block 2:
#include <nabla/autodiff/matrix.hpp>

  // A 64-32-10 tanh network's loss on the blocks W1, b1, W2, b2 (X, labels: a fixed batch).
  auto loss = [&](const std::vector<nabla::Mat>& p) {
    return nabla::cross_entropy(nabla::tanh(X * p[0] + p[1]) * p[2] + p[3], labels);
  };
  nabla::Function fn(loss, {W1, b1, W2, b2});                 // records once
  auto [y, grads] = fn.value_and_gradient({W1, b1, W2, b2});  // grads[0] is 64×32, like W1
  Eigen::MatrixXd J = fn.jacobian({W1, b1, W2, b2});          // 1 × 2410: W1, then b1, …
  // end of block 2
  CHECK(grads.size() == 4);
  CHECK(grads[0].rows() == 64);
  CHECK(grads[0].cols() == 32);
  CHECK(J.cols() == 2410);
  // The same numbers from an ordinary recording (nabla::variable per block).
  nabla::Tape tape;
  nabla::TapeScope scope(tape);
  const std::vector<nabla::Mat> v{nabla::variable(W1), nabla::variable(b1), nabla::variable(W2),
                                  nabla::variable(b2)};
  const nabla::Var y_ref = loss(v);
  tape.reverse(y_ref);
  CHECK(y == doctest::Approx(y_ref.value()).epsilon(1e-14));
  for (std::size_t k = 0; k < 4; ++k)
    CHECK((grads[k] - nabla::gradient_of(v[k])).norm() <= 1e-14 * (1.0 + grads[k].norm()));
  CHECK(J.row(0).head(64 * 32).transpose() == grads[0].reshaped());
}
