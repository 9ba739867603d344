// The second-order sweep (dual numbers, forward over reverse): H·v and ∇f from one
// SecondOrderSweep against closed forms, reused for several directions.
#include <doctest/doctest.h>

#include <cmath>
#include <nabla/autodiff.hpp>

using nabla::Tape;
using nabla::TapeScope;
using nabla::Var;

TEST_CASE("SecondOrderSweep gives H·v and the gradient for every direction") {
  // f(x, y) = x²y + exp(xy): H = [[2y + y²e, 2x + e + xy·e], [2x + e + xy·e, x²e]], e = exp(xy).
  const double xv = 0.4;
  const double yv = -0.9;
  Tape tape;
  const TapeScope scope(tape);
  nabla::VectorXv in(2);
  in << tape.variable(xv), tape.variable(yv);
  const Var f = in[0] * in[0] * in[1] + exp(in[0] * in[1]);
  nabla::SecondOrderSweep sweep(tape, in, f);
  const double e = std::exp(xv * yv);
  Eigen::Matrix2d h;
  h << 2.0 * yv + yv * yv * e, 2.0 * xv + e + xv * yv * e, 2.0 * xv + e + xv * yv * e, xv * xv * e;
  const Eigen::Vector2d g(2.0 * xv * yv + yv * e, xv * xv + xv * e);
  for (const Eigen::Vector2d& v :
       {Eigen::Vector2d(1.0, 0.0), Eigen::Vector2d(0.0, 1.0), Eigen::Vector2d(0.3, -2.0)}) {
    Eigen::Vector2d hv;
    Eigen::Vector2d grad;
    sweep.run(v.data(), hv.data(), grad.data());
    CHECK((hv - h * v).cwiseAbs().maxCoeff() <= 1e-15);
    CHECK((grad - g).cwiseAbs().maxCoeff() <= 1e-15);
  }
}

TEST_CASE("SecondOrderSweep of a constant output is zero") {
  Tape tape;
  const TapeScope scope(tape);
  nabla::VectorXv in(1);
  in << tape.variable(2.0);
  nabla::SecondOrderSweep sweep(tape, in, Var(3.0));
  const double v = 1.0;
  double hv = -1.0;
  sweep.run(&v, &hv);
  CHECK(hv == 0.0);
}
