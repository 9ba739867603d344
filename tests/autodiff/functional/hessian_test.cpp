// Exact Hessians against closed forms (Rosenbrock, quadratic forms, log-sum-exp) and against
// central differences of the gradient (every elementary operation, an MLP loss).
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/hessian.hpp>
#include <random>
#include <string>
#include <vector>

using nabla::Var;
using nabla::VectorXv;

namespace {

double rel_err(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return (a - b).cwiseAbs().maxCoeff() / std::max(1.0, b.cwiseAbs().maxCoeff());
}

// Columns (∇f(x + h eⱼ) − ∇f(x − h eⱼ)) / 2h with one Richardson step: O(h⁴).
template <class F>
Eigen::MatrixXd fd_hessian(F f, const Eigen::VectorXd& x, double h = 1e-3) {
  const Eigen::Index n = x.size();
  Eigen::MatrixXd hs(n, n);
  auto diff = [&](Eigen::Index j, double step) {
    Eigen::VectorXd p = x, m = x;
    p[j] += step;
    m[j] -= step;
    return Eigen::VectorXd((nabla::gradient(f, p) - nabla::gradient(f, m)) / (2 * step));
  };
  for (Eigen::Index j = 0; j < n; ++j) hs.col(j) = (4.0 * diff(j, h / 2) - diff(j, h)) / 3.0;
  return hs;
}

Var rosenbrock(const VectorXv& x) {
  Var s = 0.0;
  for (Eigen::Index i = 0; i + 1 < x.size(); ++i)
    s += 100.0 * square(x[i + 1] - x[i] * x[i]) + square(1.0 - x[i]);
  return s;
}

Eigen::MatrixXd rosenbrock_hessian(const Eigen::VectorXd& x) {
  const Eigen::Index n = x.size();
  Eigen::MatrixXd h = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index i = 0; i + 1 < n; ++i) {
    h(i, i) += 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
    h(i + 1, i + 1) += 200;
    h(i, i + 1) = h(i + 1, i) = -400 * x[i];
  }
  return h;
}

}  // namespace

TEST_CASE("Rosenbrock: exact Hessian equals the closed form") {
  Eigen::VectorXd x(7);
  x << -1.2, 1.0, 0.3, -0.5, 2.0, 1.1, 0.9;
  const Eigen::MatrixXd h = nabla::hessian(rosenbrock, x);
  CHECK(rel_err(h, rosenbrock_hessian(x)) < 1e-14);
  CHECK(h == h.transpose());
  // At the minimum (1, …, 1) it is positive definite: the lecture's second-order check.
  const Eigen::MatrixXd h1 = nabla::hessian(rosenbrock, Eigen::VectorXd::Ones(7));
  CHECK(rel_err(h1, rosenbrock_hessian(Eigen::VectorXd::Ones(7))) < 1e-14);
}

TEST_CASE("quadratic forms: H(½xᵀAx + bᵀx) = A, H(xᵀBx) = B + Bᵀ, dense 400×400") {
  std::mt19937 rng(7);
  std::normal_distribution<double> normal;
  const int n = 400;
  Eigen::MatrixXd b(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) b(i, j) = normal(rng);
  const Eigen::MatrixXd a = b + b.transpose();
  Eigen::VectorXd c(n), x(n);
  for (int i = 0; i < n; ++i) {
    c[i] = normal(rng);
    x[i] = normal(rng);
  }
  auto half_form = [&](const VectorXv& v) {
    return 0.5 * v.dot(VectorXv(a * v)) + nabla::dot(v, c);
  };
  const Eigen::MatrixXd h = nabla::hessian(half_form, x);
  REQUIRE(h.rows() == n);
  CHECK(rel_err(h, a) < 1e-13);
  CHECK(h == h.transpose());

  auto form = [&](const VectorXv& v) { return v.dot(VectorXv(b.topLeftCorner(30, 30) * v)); };
  const Eigen::MatrixXd h2 = nabla::hessian(form, x.head(30));
  const Eigen::MatrixXd b30 = b.topLeftCorner(30, 30);
  CHECK(rel_err(h2, b30 + b30.transpose()) < 1e-14);
}

TEST_CASE("log-sum-exp: H = diag(p) − ppᵀ with p = softmax(x)") {
  Eigen::VectorXd x(6);
  x << 0.5, -1.0, 2.0, 0.0, 1.5, -3.0;
  auto lse = [](const VectorXv& v) {
    Var s = 0.0;
    for (Eigen::Index i = 0; i < v.size(); ++i) s += exp(v[i]);
    return log(s);
  };
  const Eigen::VectorXd p = x.array().exp() / x.array().exp().sum();
  const Eigen::MatrixXd expected = Eigen::MatrixXd(p.asDiagonal()) - p * p.transpose();
  CHECK(rel_err(nabla::hessian(lse, x), expected) < 1e-14);
}

TEST_CASE("an MLP loss: Hessian against central differences of the gradient") {
  // 2 inputs → 3 tanh units → 1 sigmoid output, cross-entropy on 4 samples, plus an L2 term.
  // Parameters: W1 (3×2), b1 (3), w2 (3), b2: 13 in all.
  Eigen::MatrixXd data(4, 2);
  data << 0.5, -1.0, 1.5, 0.2, -0.3, 0.8, 1.0, 1.0;
  const Eigen::Vector4d target(1, 0, 0, 1);
  auto loss = [&](const VectorXv& p) {
    Var total = 0.0;
    for (int s = 0; s < 4; ++s) {
      Var out = p[12];
      for (int k = 0; k < 3; ++k) {
        const Var z = p[2 * k] * data(s, 0) + p[2 * k + 1] * data(s, 1) + p[6 + k];
        out += p[9 + k] * tanh(z);
      }
      const Var q = sigmoid(out);
      total -= target[s] * log(q) + (1 - target[s]) * log(1 - q);
    }
    return total / 4.0 + 0.01 * p.squaredNorm();
  };
  Eigen::VectorXd p(13);
  p << 0.3, -0.2, 0.5, 0.1, -0.4, 0.7, 0.05, -0.1, 0.2, 0.9, -0.6, 0.4, 0.1;
  const Eigen::MatrixXd h = nabla::hessian(loss, p);
  CHECK(rel_err(h, fd_hessian(loss, p)) < 1e-8);
  CHECK(h == h.transpose());
}

TEST_CASE("every elementary operation twice differentiated, against differences of ∇") {
  // Each operation sees arguments that depend on both inputs, so all of ∂²/∂x², ∂²/∂x∂y and
  // ∂²/∂y² of the operation's own rule are exercised.
  struct Case {
    std::string name;
    std::function<Var(const VectorXv&)> f;
  };
  auto u = [](const VectorXv& v) { return 0.3 * v[0] + 0.2 * v[1] * v[0]; };  // ≈ 0.19
  auto w = [](const VectorXv& v) { return 1.1 + v[1] * v[1] - 0.1 * v[0]; };  // ≈ 1.4
  const std::vector<Case> cases = {
      {"neg", [&](const VectorXv& v) { return -(u(v) * w(v)); }},
      {"exp", [&](const VectorXv& v) { return exp(u(v)); }},
      {"log", [&](const VectorXv& v) { return log(w(v)); }},
      {"log1p", [&](const VectorXv& v) { return log1p(u(v)); }},
      {"expm1", [&](const VectorXv& v) { return expm1(u(v)); }},
      {"sqrt", [&](const VectorXv& v) { return sqrt(w(v)); }},
      {"cbrt", [&](const VectorXv& v) { return cbrt(w(v)); }},
      {"sin", [&](const VectorXv& v) { return sin(w(v)); }},
      {"cos", [&](const VectorXv& v) { return cos(w(v)); }},
      {"tan", [&](const VectorXv& v) { return tan(u(v)); }},
      {"asin", [&](const VectorXv& v) { return asin(u(v)); }},
      {"acos", [&](const VectorXv& v) { return acos(u(v)); }},
      {"atan", [&](const VectorXv& v) { return atan(w(v)); }},
      {"sinh", [&](const VectorXv& v) { return sinh(w(v)); }},
      {"cosh", [&](const VectorXv& v) { return cosh(w(v)); }},
      {"tanh", [&](const VectorXv& v) { return tanh(w(v)); }},
      {"sigmoid", [&](const VectorXv& v) { return sigmoid(w(v)); }},
      {"softplus", [&](const VectorXv& v) { return softplus(u(v)); }},
      {"abs", [&](const VectorXv& v) { return abs(u(v)) * w(v); }},
      {"relu", [&](const VectorXv& v) { return relu(u(v)) * w(v); }},
      {"erf", [&](const VectorXv& v) { return erf(u(v)); }},
      {"square", [&](const VectorXv& v) { return square(w(v)); }},
      {"add sub", [&](const VectorXv& v) { return (u(v) + w(v)) * (u(v) - w(v)); }},
      {"mul", [&](const VectorXv& v) { return u(v) * w(v); }},
      {"div", [&](const VectorXv& v) { return u(v) / w(v); }},
      {"pow", [&](const VectorXv& v) { return pow(w(v), u(v)); }},
      {"atan2", [&](const VectorXv& v) { return atan2(u(v), w(v)); }},
      {"hypot", [&](const VectorXv& v) { return hypot(u(v), w(v)); }},
      {"max", [&](const VectorXv& v) { return max(u(v), w(v)) * u(v); }},
      {"min", [&](const VectorXv& v) { return min(u(v), w(v)) * w(v); }},
      {"constants",
       [&](const VectorXv& v) {
         return (u(v) + 2.0) * (3.0 - w(v)) / (w(v) / 4.0) + 1.0 / w(v) + pow(w(v), 2.5) +
                pow(2.0, u(v)) + atan2(u(v), 0.7) + atan2(0.7, w(v)) + hypot(u(v), 2.0) +
                max(u(v), 0.0) * w(v) + min(w(v), 5.0) * u(v) + (u(v) - 1.0) * w(v);
       }},
  };
  const Eigen::Vector2d x(0.45, 0.6);
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const Eigen::MatrixXd h = nabla::hessian(c.f, x);
    CHECK(rel_err(h, fd_hessian(c.f, x)) < 1e-8);
  }
}

TEST_CASE("a custom function has no second derivatives: a clear error naming it") {
  const auto log_cosh = nabla::scalar_function<1>(
      "log_cosh", [](double t) { return std::log(std::cosh(t)); },
      [](double t) { return std::tanh(t); });
  auto f = [&](const VectorXv& v) { return log_cosh(v[0] * v[1]); };
  try {
    (void)nabla::hessian(f, Eigen::Vector2d(1, 2));
    FAIL("expected nabla::Error");
  } catch (const nabla::Error& e) {
    CHECK(std::string(e.what()).find("log_cosh") != std::string::npos);
  }
  // Linear records (dot with data, sum) have constant partials and a zero Hessian.
  auto lin = [](const VectorXv& v) { return square(nabla::dot(v, Eigen::Vector2d(2, -1))); };
  Eigen::Matrix2d expected;
  expected << 8, -4, -4, 2;
  CHECK(nabla::hessian(lin, Eigen::Vector2d(0.3, 0.1)) == expected);
}

TEST_CASE("f that does not depend on x, or returns an input itself") {
  CHECK(nabla::hessian([](const VectorXv&) { return Var(3.0); }, Eigen::Vector2d(1, 2)).isZero(0));
  CHECK(nabla::hessian([](const VectorXv& v) { return v[0]; }, Eigen::Vector2d(1, 2)).isZero(0));
}
