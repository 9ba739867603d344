// The tangent (forward-mode) sweep: J·v from the right against closed forms, and
// forward_jacobian against the reverse-mode Jacobian of the same recording.
#include <doctest/doctest.h>

#include <cmath>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/sweeps/tangent.hpp>
#include <vector>

using nabla::Tape;
using nabla::TapeScope;
using nabla::Var;

TEST_CASE("tangent_sweep carries a direction through every record") {
  // f(a, b) = a·sin(b) + exp(a/b); ∂f/∂a = sin b + exp(a/b)/b, ∂f/∂b = a cos b − a exp(a/b)/b².
  Tape tape;
  const TapeScope scope(tape);
  const double av = 0.7;
  const double bv = 1.3;
  const Var a = tape.variable(av);
  const Var b = tape.variable(bv);
  const Var f = a * sin(b) + exp(a / b);
  std::vector<double> dot(tape.size(), 0.0);
  dot[a.index()] = 2.0;  // direction v = (2, −1)
  dot[b.index()] = -1.0;
  nabla::tangent_sweep(tape, dot.data());
  const double dfa = std::sin(bv) + std::exp(av / bv) / bv;
  const double dfb = av * std::cos(bv) - av * std::exp(av / bv) / (bv * bv);
  CHECK(dot[f.index()] == doctest::Approx(2.0 * dfa - dfb).epsilon(1e-15));
}

TEST_CASE("forward_jacobian equals the reverse-mode Jacobian on the same recording") {
  // F(x) = (x₀x₁, x₁ + x₂², tanh(x₀ − x₂)): J has closed form entries.
  Tape tape;
  const TapeScope scope(tape);
  nabla::VectorXv x(3);
  x << tape.variable(0.5), tape.variable(-1.5), tape.variable(2.0);
  nabla::VectorXv y(3);
  y << x[0] * x[1], x[1] + x[2] * x[2], tanh(x[0] - x[2]);
  const Eigen::MatrixXd j = nabla::forward_jacobian(tape, x, y);
  const double s = 1.0 - std::pow(std::tanh(0.5 - 2.0), 2);
  Eigen::Matrix3d want;
  want << -1.5, 0.5, 0.0, 0.0, 1.0, 4.0, s, 0.0, -s;
  CHECK((j - want).cwiseAbs().maxCoeff() <= 1e-15);
  for (Eigen::Index r = 0; r < 3; ++r) {
    tape.reverse(y[r]);
    for (Eigen::Index c = 0; c < 3; ++c) CHECK(tape.adjoint(x[c]) == doctest::Approx(j(r, c)));
  }
}
