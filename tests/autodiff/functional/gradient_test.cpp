// The functional API (gradient, value_and_gradient, jacobian) on the lectures' worked
// examples and on the kinds of callables users pass.
#include <doctest/doctest.h>

#include <cmath>
#include <nabla/autodiff.hpp>
#include <vector>

using Eigen::MatrixXd;
using Eigen::VectorXd;
using nabla::Var;
using nabla::VectorXv;

namespace {

double max_abs_diff(const MatrixXd& a, const MatrixXd& b) {
  REQUIRE(a.rows() == b.rows());
  REQUIRE(a.cols() == b.cols());
  return a.size() == 0 ? 0.0 : (a - b).cwiseAbs().maxCoeff();
}

struct Quadratic {  // a function object: ½ xᵀ diag(d) x
  VectorXd d;
  Var operator()(const VectorXv& x) const {
    Var s = 0.0;
    for (Eigen::Index i = 0; i < x.size(); ++i) s += 0.5 * d[i] * x[i] * x[i];
    return s;
  }
};

Var plain_function(const VectorXv& x) { return x[0] * sin(x[1]); }

}  // namespace

TEST_CASE("lecture 004: ∇(x₁² − x₂) at (1, 2) = (2, −1); ∇(e^{x₁}x₂²) at (0, 1) = (1, 2)") {
  const VectorXd g =
      nabla::gradient([](const VectorXv& x) { return x[0] * x[0] - x[1]; }, Eigen::Vector2d(1, 2));
  CHECK(g == Eigen::Vector2d(2, -1));
  const VectorXd g2 = nabla::gradient([](const VectorXv& x) { return exp(x[0]) * x[1] * x[1]; },
                                      Eigen::Vector2d(0, 1));
  CHECK(g2 == Eigen::Vector2d(1, 2));
}

TEST_CASE("lecture 004: ∂(x²y) = (2xy, x²) and ∇(x² − xy) = (2x − y, −x)") {
  for (const auto& [x, y] : std::vector<std::pair<double, double>>{{1, 2}, {-1.5, 0.5}, {3, -2}}) {
    INFO("(", x, ", ", y, ")");
    const VectorXd g = nabla::gradient([](const VectorXv& v) { return v[0] * v[0] * v[1]; },
                                       Eigen::Vector2d(x, y));
    CHECK(g == Eigen::Vector2d(2 * x * y, x * x));
    const VectorXd h = nabla::gradient([](const VectorXv& v) { return v[0] * v[0] - v[0] * v[1]; },
                                       Eigen::Vector2d(x, y));
    CHECK(h == Eigen::Vector2d(2 * x - y, -x));
  }
}

TEST_CASE("lecture 004: the Jacobian of (5x₁² + 4x₂ + 1, −x₂) is [[10x₁, 4], [0, −1]]") {
  auto f = [](const VectorXv& x) {
    VectorXv y(2);
    y << 5 * x[0] * x[0] + 4 * x[1] + 1, -x[1];
    return y;
  };
  for (const Eigen::Vector2d& p :
       {Eigen::Vector2d(1, 3), Eigen::Vector2d(-2, 0.5), Eigen::Vector2d(0, 0)}) {
    const MatrixXd J = nabla::jacobian(f, p);
    MatrixXd closed(2, 2);
    closed << 10 * p[0], 4, 0, -1;
    CHECK(J == closed);
  }
}

TEST_CASE("lecture 001: the MSE chain y = A x, l = (y₁ − 1)² + y₂², ∇ₓl = A_l·A_y") {
  MatrixXd A(2, 2);
  A << 1, 2, 0, -1;
  auto y_of = [&](const VectorXv& x) { return VectorXv(A * x); };
  auto l_of_y = [](const VectorXv& y) { return (y[0] - 1) * (y[0] - 1) + y[1] * y[1]; };
  auto l_of_x = [&](const VectorXv& x) { return l_of_y(y_of(x)); };
  for (const Eigen::Vector2d& x :
       {Eigen::Vector2d(1, 1), Eigen::Vector2d(0.3, -0.7), Eigen::Vector2d(-2, 4)}) {
    const Eigen::Vector2d y = A * x;
    // The two Jacobians of the chain, each from the tape.
    const MatrixXd A_y = nabla::jacobian(y_of, x);
    const MatrixXd A_l = nabla::gradient(l_of_y, y).transpose();
    CHECK(A_y == A);
    CHECK(max_abs_diff(A_l, Eigen::RowVector2d(2 * (y[0] - 1), 2 * y[1])) < 1e-15);
    const VectorXd g = nabla::gradient(l_of_x, x);
    CHECK(max_abs_diff(g.transpose(), A_l * A_y) < 1e-14);
    CHECK(max_abs_diff(g, Eigen::Vector2d(2 * (y[0] - 1), 4 * (y[0] - 1) - 2 * y[1])) < 1e-14);
  }
}

TEST_CASE("lecture 000: pair regression ∂Q/∂m, ∂Q/∂b and ∇Q = (2/l)Xᵀ(Xw − y)") {
  // Q(m, b) = (1/l) Σ (m xᵢ + b − yᵢ)²
  const VectorXd xs = (VectorXd(5) << 1.0, 2.0, 3.0, 4.0, 5.5).finished();
  const VectorXd ys = (VectorXd(5) << 2.1, 3.9, 6.2, 7.8, 11.0).finished();
  const double l = static_cast<double>(xs.size());
  auto Q = [&](const VectorXv& p) {
    Var s = 0.0;
    for (Eigen::Index i = 0; i < xs.size(); ++i) s += square(p[0] * xs[i] + p[1] - ys[i]);
    return s / l;
  };
  for (const Eigen::Vector2d& mb :
       {Eigen::Vector2d(0, 0), Eigen::Vector2d(1.8, 0.4), Eigen::Vector2d(-1, 3)}) {
    const double m = mb[0];
    const double b = mb[1];
    double dm = 0;
    double db = 0;
    for (Eigen::Index i = 0; i < xs.size(); ++i) {
      dm += xs[i] * (m * xs[i] + b - ys[i]);
      db += m * xs[i] + b - ys[i];
    }
    dm *= 2 / l;
    db *= 2 / l;
    const auto [value, g] = nabla::value_and_gradient(Q, mb);
    double q = 0;
    for (Eigen::Index i = 0; i < xs.size(); ++i) q += std::pow(m * xs[i] + b - ys[i], 2);
    CHECK(value == doctest::Approx(q / l).epsilon(1e-14));
    CHECK(g[0] == doctest::Approx(dm).epsilon(1e-13));
    CHECK(g[1] == doctest::Approx(db).epsilon(1e-13));
  }
  // The general form, d = 3 features, written with Eigen on Var.
  MatrixXd X(5, 3);
  X << 1, 0.5, -1, 1, 2, 0, 1, -1, 3, 1, 0.2, 0.7, 1, 4, -2;
  auto Qw = [&](const VectorXv& w) {
    const VectorXv r = X * w - ys.cast<Var>();
    return r.squaredNorm() / l;
  };
  const VectorXd w = (VectorXd(3) << 0.5, -0.25, 1.0).finished();
  const VectorXd g = nabla::gradient(Qw, w);
  CHECK(max_abs_diff(g, 2 / l * X.transpose() * (X * w - ys)) < 1e-13);
}

TEST_CASE("value_and_gradient: both overloads agree and the buffer form reuses g") {
  auto f = [](const VectorXv& x) { return exp(x[0] * x[1]) + log(x[2]); };
  const Eigen::Vector3d x(0.5, -1.0, 2.0);
  const auto [v, g] = nabla::value_and_gradient(f, x);
  CHECK(v == doctest::Approx(std::exp(-0.5) + std::log(2.0)));
  const Eigen::Vector3d closed(-std::exp(-0.5), 0.5 * std::exp(-0.5), 0.5);
  CHECK(max_abs_diff(g, closed) < 1e-15);
  VectorXd buffer;  // resized by the call
  const double v2 = nabla::value_and_gradient(f, x, buffer);
  CHECK(v2 == v);
  CHECK(buffer == g);
  const double* data = buffer.data();
  (void)nabla::value_and_gradient(f, Eigen::Vector3d(1, 1, 1), buffer);
  CHECK(buffer.data() == data);  // same size: no reallocation
  CHECK(max_abs_diff(buffer, Eigen::Vector3d(std::exp(1.0), std::exp(1.0), 1.0)) < 1e-15);
  CHECK(nabla::gradient(f, x) == g);
}

TEST_CASE("callables: generic lambdas, function objects, plain functions") {
  const Eigen::Vector2d x(0.7, 1.9);
  // A generic lambda is instantiated with VectorXv.
  auto generic = [](const auto& v) { return v[0] * v[0] * v[1]; };
  CHECK(nabla::gradient(generic, x) == Eigen::Vector2d(2 * 0.7 * 1.9, 0.7 * 0.7));
  // The same generic lambda on doubles gives the value.
  CHECK(generic(Eigen::Vector2d(0.7, 1.9)) == doctest::Approx(0.49 * 1.9));
  const Quadratic q{Eigen::Vector2d(3.0, -2.0)};
  CHECK(nabla::gradient(q, x) == Eigen::Vector2d(3.0 * 0.7, -2.0 * 1.9));
  CHECK(nabla::gradient(plain_function, x) == Eigen::Vector2d(std::sin(1.9), 0.7 * std::cos(1.9)));
  CHECK(nabla::gradient(&plain_function, x) == nabla::gradient(plain_function, x));
  // A mutable lambda keeps its state across calls.
  int calls = 0;
  auto counting = [&calls](const VectorXv& v) mutable {
    ++calls;
    return v.sum();
  };
  (void)nabla::gradient(counting, x);
  (void)nabla::jacobian([&](const VectorXv& v) { return VectorXv(v * 2.0); }, x);
  CHECK(calls == 1);  // f is called once per gradient
}

TEST_CASE("jacobian: shapes, constant rows, a function of all inputs") {
  // f: R³ → R⁴ with a constant output and an output independent of x₂.
  auto f = [](const VectorXv& x) {
    VectorXv y(4);
    y << x[0] * x[1], Var(7.0), sin(x[2]) + x[0], exp(x[1]);
    return y;
  };
  const Eigen::Vector3d x(0.5, -1.0, 2.0);
  const MatrixXd J = nabla::jacobian(f, x);
  REQUIRE(J.rows() == 4);
  REQUIRE(J.cols() == 3);
  MatrixXd closed(4, 3);
  closed << -1.0, 0.5, 0, 0, 0, 0, 1, 0, std::cos(2.0), 0, std::exp(-1.0), 0;
  CHECK(max_abs_diff(J, closed) < 1e-15);
  // Each row equals the gradient of that output alone (the sweeps do not leak into each other).
  for (int k = 0; k < 4; ++k) {
    const VectorXd gk = nabla::gradient([&](const VectorXv& v) { return f(v)[k]; }, x);
    CHECK(max_abs_diff(J.row(k), gk.transpose()) < 1e-15);
  }
  // Recorded once, swept once per output.
  int calls = 0;
  const MatrixXd J2 = nabla::jacobian(
      [&](const VectorXv& v) {
        ++calls;
        return f(v);
      },
      x);
  CHECK(calls == 1);
  CHECK(J2 == J);
  // An output equal to an input: a unit row.
  const MatrixXd I = nabla::jacobian([](const VectorXv& v) { return VectorXv(v); }, x);
  CHECK(I == MatrixXd::Identity(3, 3));
  // No outputs: a 0×n matrix.
  const MatrixXd E = nabla::jacobian([](const VectorXv&) { return VectorXv(0); }, x);
  CHECK(E.rows() == 0);
  CHECK(E.cols() == 3);
}

TEST_CASE("gradient of a function that ignores some or all inputs") {
  const Eigen::Vector3d x(1, 2, 3);
  CHECK(nabla::gradient([](const VectorXv& v) { return v[1] * 2.0; }, x) ==
        Eigen::Vector3d(0, 2, 0));
  CHECK(nabla::gradient([](const VectorXv&) { return Var(5.0); }, x) == Eigen::Vector3d::Zero());
  const auto [v, g] = nabla::value_and_gradient([](const VectorXv&) { return Var(5.0); }, x);
  CHECK(v == 5.0);
  CHECK(g == Eigen::Vector3d::Zero());
}

TEST_CASE("repeated calls do not leak state between them") {
  // Many calls on the pooled tape: results stay exact and the active tape is restored.
  auto f = [](const VectorXv& v) { return v.squaredNorm() * v[0]; };
  const VectorXd first = nabla::gradient(f, Eigen::Vector2d(1.5, -0.5));
  for (int k = 0; k < 1000; ++k) {
    const VectorXd g = nabla::gradient(f, Eigen::Vector2d(1.5 + k, -0.5));
    const double a = 1.5 + k;
    const double b = -0.5;
    const Eigen::Vector2d closed(3 * a * a + b * b, 2 * a * b);
    if ((g - closed).cwiseAbs().maxCoeff() > 1e-15 * closed.cwiseAbs().maxCoeff())
      FAIL("gradient wrong at call ", k);
  }
  CHECK(nabla::gradient(f, Eigen::Vector2d(1.5, -0.5)) == first);
  CHECK(nabla::Tape::active() == nullptr);
}
