// Linear records: linear_combination, dot and sum are one record each, with the value and the
// gradient of the closed form offset + Σ cₖ·tₖ, and shape errors that name the call.
#include <doctest/doctest.h>

#include <array>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/scalar/linear.hpp>

using nabla::Tape;
using nabla::TapeScope;
using nabla::Var;

TEST_CASE("linear_combination is one record with the coefficients as its partials") {
  Tape tape;
  const TapeScope scope(tape);
  const std::array<Var, 3> t = {tape.variable(1.0), tape.variable(-2.0), tape.variable(4.0)};
  const std::array<double, 3> c = {2.0, -3.0, 0.5};
  const std::size_t before = tape.size();
  const Var y = nabla::linear_combination(t, c, 1.0);
  CHECK(tape.size() == before + 1);
  CHECK(y.value() == 1.0 + 2.0 * 1.0 - 3.0 * -2.0 + 0.5 * 4.0);  // 11
  tape.reverse(y);
  for (std::size_t k = 0; k < 3; ++k) CHECK(tape.adjoint(t[k]) == c[k]);
}

TEST_CASE("linear_combination of a repeated term adds its coefficients") {
  Tape tape;
  const TapeScope scope(tape);
  const Var x = tape.variable(3.0);
  const std::array<Var, 3> t = {x, x, Var(5.0)};  // a constant term folds into the offset
  const std::array<double, 3> c = {1.5, 2.5, -1.0};
  const Var y = nabla::linear_combination(t, c);
  CHECK(y.value() == 1.5 * 3.0 + 2.5 * 3.0 - 5.0);
  tape.reverse(y);
  CHECK(tape.adjoint(x) == 4.0);
}

TEST_CASE("dot in both orders and sum: gradients are the data and ones") {
  const Eigen::Vector3d x(0.5, -1.0, 2.0);
  auto wx = [&](const nabla::VectorXv& w) { return nabla::dot(w, x); };
  auto xw = [&](const nabla::VectorXv& w) { return nabla::dot(x, w); };
  auto total = [](const nabla::VectorXv& w) { return nabla::sum(w); };
  const Eigen::Vector3d w(1.0, 2.0, 3.0);
  const auto [v1, g1] = nabla::value_and_gradient(wx, w);
  const auto [v2, g2] = nabla::value_and_gradient(xw, w);
  const auto [v3, g3] = nabla::value_and_gradient(total, w);
  CHECK(v1 == 0.5 - 2.0 + 6.0);
  CHECK(v2 == v1);
  CHECK(v3 == 6.0);
  CHECK(g1 == Eigen::VectorXd(x));
  CHECK(g2 == Eigen::VectorXd(x));
  CHECK(g3 == Eigen::VectorXd::Ones(3));
}

TEST_CASE("linear records with mismatched sizes throw ShapeError naming the call") {
  Tape tape;
  const TapeScope scope(tape);
  const std::array<Var, 2> t = {tape.variable(1.0), tape.variable(2.0)};
  const std::array<double, 3> c = {1.0, 2.0, 3.0};
  CHECK_THROWS_WITH_AS(nabla::linear_combination(t, c),
                       doctest::Contains("nabla::linear_combination: 2 terms but 3 coefficients"),
                       nabla::ShapeError);
  nabla::VectorXv w(2);
  w << t[0], t[1];
  CHECK_THROWS_WITH_AS(nabla::dot(w, Eigen::Vector3d(1.0, 2.0, 3.0)),
                       doctest::Contains("nabla::dot"), nabla::ShapeError);
}
