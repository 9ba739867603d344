// Step-size schedules against their closed forms.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include <nabla/optim.hpp>

namespace opt = nabla::optim;
using S = opt::Schedule;

TEST_CASE("closed-form schedules") {
  CHECK(S::constant().rate(17, 0.3) == 0.3);
  CHECK(S::inverse_time().rate(4, 1.0) == 0.25);                                   // 1/t
  CHECK(S::power(0.3).rate(8, 0.1) == doctest::Approx(0.1 / std::pow(8.0, 0.3)));  // 0.1/t^0.3
  CHECK(S::vowpal(10.0, 0.5).rate(30, 2.0) == doctest::Approx(2.0 * 0.5));         // λ(s/(s+t))^p
  CHECK(S::exponential(0.5).rate(1, 1.0) == 1.0);
  CHECK(S::exponential(0.5).rate(4, 1.0) == 0.125);
  const S step = S::step(3, 0.1);
  CHECK(step.rate(3, 1.0) == 1.0);
  CHECK(step.rate(4, 1.0) == doctest::Approx(0.1));
  CHECK(step.rate(7, 1.0) == doctest::Approx(0.01));
}

TEST_CASE("cosine with warm-up") {
  const S c = S::cosine(110, 10, 0.0);
  CHECK(c.rate(1, 1.0) == doctest::Approx(0.1));  // linear warm-up
  CHECK(c.rate(10, 1.0) == doctest::Approx(1.0));
  CHECK(c.rate(60, 1.0) == doctest::Approx(0.5));  // half-way through the cosine
  CHECK(c.rate(110, 1.0) == 0.0);
  CHECK(S::cosine(100, 0, 0.1).rate(50, 1.0) ==
        doctest::Approx(0.1 + 0.45 * (1 + std::cos(std::numbers::pi * 0.5))));
}

TEST_CASE("reduce on plateau") {
  S p = S::reduce_on_plateau(0.5, 2, 1e-4);
  p.observe(1.0);  // best
  p.observe(1.0);  // bad 1
  p.observe(1.0);  // bad 2
  CHECK(p.rate(1, 1.0) == 1.0);
  p.observe(1.0);  // bad 3 > patience 2: halve
  CHECK(p.rate(1, 1.0) == 0.5);
  p.observe(0.5);  // improvement resets the count
  p.observe(0.5);
  p.observe(0.5);
  CHECK(p.rate(1, 1.0) == 0.5);
}

TEST_CASE("any callable, and 1/t through the driver") {
  const S c = S::custom([](std::int64_t t, double lr) { return lr / static_cast<double>(t * t); });
  CHECK(c.rate(3, 0.9) == doctest::Approx(0.1));
  // GD on x²/2 with η_t = 1/t from x0 = 1: x_1 = 0 (η_1 = 1 lands on the minimiser).
  opt::Options o;
  o.schedule = S::inverse_time();
  o.stop.max_iterations = 3;
  o.history.record_x = true;
  auto f = [](const nabla::VectorXv& x) { return 0.5 * x[0] * x[0]; };
  const auto r =
      opt::minimize(f, Eigen::VectorXd::Constant(1, 1.0), opt::GradientDescent{.lr = 1.0}, o);
  CHECK(r.history.rows[1].step_size == 1.0);
  CHECK(r.history.rows[2].step_size == 0.5);
  CHECK(r.x[0] == 0.0);
}

TEST_CASE("bad parameters are errors") {
  CHECK_THROWS_AS(S::power(-1), nabla::Error);
  CHECK_THROWS_AS(S::cosine(10, 20), nabla::Error);
  CHECK_THROWS_AS(S::reduce_on_plateau(2.0), nabla::Error);
}
