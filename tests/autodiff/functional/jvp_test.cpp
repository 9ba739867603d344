// Forward mode: jvp against J·v with J from the reverse-mode jacobian of functional.hpp, and
// against closed forms; jacobian(f, x, Mode) agrees in every mode.
#include <doctest/doctest.h>

#include <cmath>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/jvp.hpp>
#include <nabla/autodiff/functional/replay.hpp>
#include <nabla/autodiff/matrix.hpp>

using nabla::Var;
using nabla::VectorXv;

namespace {

// f returns a Var recorded outside it (on `outer`), captured by reference (defect 2): jvp and
// the forward-mode jacobian used to index their own recording with its record number.
struct ReturnsForeignVar {
  const Var* foreign;
  VectorXv operator()(const VectorXv& x) const {
    VectorXv y(2);
    y << 2.0 * x[0], *foreign;
    return y;
  }
};

// R³ → R⁴ through a spread of operations (binary, with constants on either side, unary).
VectorXv mixed(const VectorXv& x) {
  VectorXv y(4);
  y[0] = x[0] * x[1] + sin(x[2]) / (1.0 + x[0] * x[0]);
  y[1] = exp(x[1] - 2.0 * x[2]) + pow(x[0], 3.0) - 2.0 / x[1];
  y[2] = atan2(x[0], x[2]) + hypot(x[1], x[2]) + sqrt(x[1]) * tanh(x[2]);
  y[3] = log(x[0] * x[0] + 1.0) + sigmoid(x[2]) - pow(x[1], x[0]) + pow(2.0, x[2]);
  return y;
}

// Central differences of f along column j, on plain function values.
Eigen::MatrixXd fd_jacobian(const Eigen::VectorXd& x) {
  auto val = [](const Eigen::VectorXd& p) {
    nabla::Tape t;
    nabla::TapeScope s(t);
    return nabla::values(mixed(nabla::variables(p)));
  };
  Eigen::MatrixXd j(4, 3);
  for (int c = 0; c < 3; ++c) {
    const double h = 1e-5;
    Eigen::VectorXd p = x, m = x;
    p[c] += h;
    m[c] -= h;
    j.col(c) = (val(p) - val(m)) / (2 * h);
  }
  return j;
}

}  // namespace

TEST_CASE("jvp equals J·v and the columns of J") {
  const Eigen::Vector3d x(0.7, 1.3, -0.4);
  const Eigen::MatrixXd j = nabla::jacobian(mixed, x);  // reverse mode, one sweep per row
  CHECK((j - fd_jacobian(x)).cwiseAbs().maxCoeff() < 1e-8);
  const Eigen::Vector3d v(0.5, -1.5, 2.0);
  const Eigen::VectorXd jv = nabla::jvp(mixed, x, v);
  REQUIRE(jv.size() == 4);
  CHECK((jv - j * v).cwiseAbs().maxCoeff() < 1e-13 * (1 + (j * v).cwiseAbs().maxCoeff()));
  for (int c = 0; c < 3; ++c) {
    const Eigen::VectorXd col = nabla::jvp(mixed, x, Eigen::Vector3d::Unit(c));
    CHECK((col - j.col(c)).cwiseAbs().maxCoeff() < 1e-13 * (1 + j.cwiseAbs().maxCoeff()));
  }
}

TEST_CASE("jvp of a scalar function is the directional derivative ∇f·v") {
  auto f = [](const VectorXv& x) {
    return exp(x[0]) * x[1] * x[1];
  };  // lecture: ∇ = (1, 2) at (0, 1)
  const Eigen::VectorXd d = nabla::jvp(f, Eigen::Vector2d(0, 1), Eigen::Vector2d(3, -1));
  REQUIRE(d.size() == 1);
  CHECK(d[0] == doctest::Approx(1 * 3 + 2 * -1));
}

TEST_CASE("jacobian: forward, reverse and auto agree; lecture Jacobians") {
  const Eigen::Vector3d x(0.7, 1.3, -0.4);
  const Eigen::MatrixXd jr = nabla::jacobian(mixed, x, nabla::Mode::Reverse);
  const Eigen::MatrixXd jf = nabla::jacobian(mixed, x, nabla::Mode::Forward);
  const Eigen::MatrixXd ja = nabla::jacobian(mixed, x, nabla::Mode::Auto);
  CHECK((jr - jf).cwiseAbs().maxCoeff() < 1e-13 * (1 + jr.cwiseAbs().maxCoeff()));
  CHECK((ja - jf).cwiseAbs().maxCoeff() == 0.0);  // 3 inputs < 4 outputs: auto is forward

  // (5x₁² + 4x₂ + 1, −x₂): A = [[10x₁, 4], [0, −1]].
  auto lecture = [](const VectorXv& v) {
    VectorXv y(2);
    y << 5 * v[0] * v[0] + 4 * v[1] + 1, -v[1];
    return y;
  };
  for (const auto mode : {nabla::Mode::Forward, nabla::Mode::Reverse}) {
    const Eigen::MatrixXd a = nabla::jacobian(lecture, Eigen::Vector2d(1, 3), mode);
    CHECK(a(0, 0) == 10.0);
    CHECK(a(0, 1) == 4.0);
    CHECK(a(1, 0) == 0.0);
    CHECK(a(1, 1) == -1.0);
  }
  // y = Ax: the Jacobian is A itself.
  Eigen::MatrixXd a(2, 3);
  a << 0.2, -3, 2, 0, 0, 5;
  auto linear = [&](const VectorXv& v) { return VectorXv(a * v); };
  CHECK(nabla::jacobian(linear, Eigen::Vector3d(1, 2, 3), nabla::Mode::Forward) == a);
  CHECK(nabla::jacobian(linear, Eigen::Vector3d(1, 2, 3), nabla::Mode::Reverse) == a);
}

TEST_CASE("forward mode through custom functions, linear records and constant outputs") {
  const auto log_cosh = nabla::scalar_function<1>(
      "log_cosh", [](double t) { return std::log(std::cosh(t)); },
      [](double t) { return std::tanh(t); });
  auto f = [&](const VectorXv& x) {
    VectorXv y(3);
    y[0] = log_cosh(x[0] * x[1]);
    y[1] = nabla::sum(x) + nabla::dot(x, Eigen::Vector2d(2, -3));
    y[2] = Var(4.0);  // constant: no derivative
    return y;
  };
  const Eigen::Vector2d x(0.5, -1.2);
  const Eigen::MatrixXd jf = nabla::jacobian(f, x, nabla::Mode::Forward);
  CHECK(jf(0, 0) == doctest::Approx(std::tanh(x[0] * x[1]) * x[1]).epsilon(1e-14));
  CHECK(jf(0, 1) == doctest::Approx(std::tanh(x[0] * x[1]) * x[0]).epsilon(1e-14));
  CHECK(jf(1, 0) == 3.0);
  CHECK(jf(1, 1) == -2.0);
  CHECK(jf.row(2).isZero(0.0));
  CHECK((jf - nabla::jacobian(f, x, nabla::Mode::Reverse)).cwiseAbs().maxCoeff() < 1e-15);
}

TEST_CASE("a zero tangent never meets an infinite partial (sqrt at 0 unused by v)") {
  auto f = [](const VectorXv& x) { return sqrt(x[0]) + x[1]; };
  const Eigen::VectorXd d = nabla::jvp(f, Eigen::Vector2d(0, 1), Eigen::Vector2d(0, 1));
  CHECK(d[0] == 1.0);
}

TEST_CASE("jvp rejects a direction of the wrong size") {
  CHECK_THROWS_AS(nabla::jvp(mixed, Eigen::Vector3d(1, 1, 1), Eigen::Vector2d(1, 1)),
                  nabla::ShapeError);
}

TEST_CASE("a Var of another tape returned by f is an error, not a read past the tape (defect 2)") {
  nabla::Tape outer;
  nabla::TapeScope scope(outer);
  // Record enough on `outer` that the foreign record index lies past f's own recording.
  Var foreign = nabla::variable(1.0);
  for (int k = 0; k < 100; ++k) foreign = foreign * 1.01;
  const ReturnsForeignVar f{&foreign};
  const Eigen::VectorXd x = Eigen::VectorXd::Constant(1, 0.5);
  const Eigen::VectorXd v = Eigen::VectorXd::Constant(1, 1.0);
  CHECK_THROWS_WITH_AS((void)nabla::jvp(f, x, v), doctest::Contains("nabla::jvp"),
                       nabla::TapeMismatchError);
  CHECK_THROWS_WITH_AS((void)nabla::jacobian(f, x), doctest::Contains("forward mode"),
                       nabla::TapeMismatchError);
  CHECK_THROWS_AS((void)nabla::jacobian(f, x, nabla::Mode::Forward), nabla::TapeMismatchError);
  CHECK_THROWS_AS((void)nabla::jacobian(f, x, nabla::Mode::Reverse), nabla::TapeMismatchError);
  CHECK_THROWS_WITH_AS(nabla::Function(f, x), doctest::Contains("nabla::Function"),
                       nabla::TapeMismatchError);
  // A scalar-valued f and a matrix f returning a foreign Var.
  CHECK_THROWS_AS((void)nabla::jvp([&](const VectorXv&) { return foreign; }, x, v),
                  nabla::TapeMismatchError);
  CHECK_THROWS_AS((void)nabla::jvp([&](const nabla::Mat&) { return foreign; }, x, v),
                  nabla::TapeMismatchError);
  // A constant (no tape) returned from f is fine: its derivative is 0.
  CHECK(nabla::jvp([](const VectorXv&) { return Var(3.0); }, x, v)[0] == 0.0);
}
