// The derivative rules at the edges of their domains, on every path that uses them (scalar
// reverse, Dual second order, matrix element-wise): issue 16's defects 1, 4 and 8, each
// checked against a closed form or a long-double reference. Cross-cutting: it tests
// op_rules.hpp through the sweeps and the matrix nodes rather than one file.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/hvp.hpp>
#include <nabla/autodiff/functional/jvp.hpp>
#include <nabla/autodiff/matrix.hpp>

using nabla::Var;
using nabla::VectorXv;

namespace {
// |got − want| / |want| in long double.
long double relative(double got, long double want) {
  return std::abs(static_cast<long double>(got) - want) / std::abs(want);
}
}  // namespace

TEST_CASE("pow(x, y) at y = 0 keeps its mixed second partial (defect 1)") {
  // f = a^b at (2, 0): ∂²f/∂a² = b(b−1)a^(b−2) = 0, ∂²f/∂a∂b = a^(b−1)(1 + b ln a) = 1/2,
  // ∂²f/∂b² = a^b ln² a = ln² 2.
  auto f = [](const VectorXv& v) { return pow(v[0], v[1]); };
  const Eigen::Vector2d x(2.0, 0.0);
  const Eigen::MatrixXd h = nabla::hessian(f, x);
  const double ln2 = std::log(2.0);
  CHECK(h(0, 0) == 0.0);
  CHECK(h(0, 1) == doctest::Approx(0.5).epsilon(1e-15));
  CHECK(h(1, 0) == doctest::Approx(0.5).epsilon(1e-15));
  CHECK(h(1, 1) == doctest::Approx(ln2 * ln2).epsilon(1e-15));
  const Eigen::VectorXd hv = nabla::hvp(f, x, Eigen::Vector2d(0.0, 1.0));
  CHECK(hv[0] == doctest::Approx(0.5).epsilon(1e-15));
  CHECK(hv[1] == doctest::Approx(ln2 * ln2).epsilon(1e-15));
  // The first derivatives stay what they were: ∂f/∂a = 0 and ∂f/∂b = ln 2.
  const Eigen::VectorXd g = nabla::gradient(f, x);
  CHECK(g[0] == 0.0);
  CHECK(g[1] == doctest::Approx(ln2).epsilon(1e-15));
  // At a = 0 with b = 0, a^(b−1) is infinite: ∂f/∂a stays the documented 0, never NaN.
  CHECK(nabla::gradient(f, Eigen::Vector2d(0.0, 0.0))[0] == 0.0);
}

TEST_CASE("a zero adjoint times an infinite partial is 0 on the matrix path too (defect 4)") {
  // d/dw Σ sigmoid(exp(w)) at w = 800: exp overflows, sigmoid saturates at 1, the derivative is 0
  // — on the scalar path (which skips zero adjoints) and on the matrix path alike.
  const Eigen::VectorXd w = Eigen::VectorXd::Constant(3, 800.0);
  auto scalar = [](const VectorXv& v) {
    Var s = 0.0;
    for (const Var& vi : v) s += sigmoid(exp(vi));
    return s;
  };
  auto matrix = [](const nabla::Mat& v) { return nabla::sum(nabla::sigmoid(nabla::exp(v))); };
  const Eigen::VectorXd gs = nabla::gradient(scalar, w);
  const Eigen::VectorXd gm = nabla::gradient(matrix, w);
  CHECK(gs == Eigen::VectorXd::Zero(3));
  CHECK(gm == Eigen::VectorXd::Zero(3));
  auto matrix_expm1 = [](const nabla::Mat& v) {
    return nabla::sum(nabla::sigmoid(nabla::expm1(v)));
  };
  CHECK(nabla::gradient(matrix_expm1, w) == Eigen::VectorXd::Zero(3));
}

TEST_CASE("an infinite adjoint times a zero partial is 0: reverse mode mirrors forward mode") {
  // f = cosh(min(y, x)) at x = −800: min picks x, so ∂f/∂y = 0 exactly, while the adjoint of
  // min is sinh(−800) = −inf. Reverse mode once gave −inf · 0 = NaN; forward mode's rule (a
  // zero partial contributes 0, detail::tangent_product) gives 0; the reverse sweeps now agree,
  // both loops (tests/autodiff/sweeps/reverse_test.cpp checks them bit for bit).
  auto f = [](const VectorXv& v) { return cosh(min(v[1], v[0])); };
  const Eigen::Vector2d x(-800.0, 1.25);
  const Eigen::VectorXd g = nabla::gradient(f, x);
  CHECK(g[0] == -std::numeric_limits<double>::infinity());
  CHECK(g[1] == 0.0);
  const Eigen::MatrixXd jf = nabla::jacobian(
      [&](const VectorXv& v) {
        VectorXv out(1);
        out[0] = f(v);
        return out;
      },
      x, nabla::Mode::Forward);
  CHECK(jf(0, 1) == 0.0);
  // the same through a custom-free Binary record: y·0 + cosh(x) with the zero as a variable
  auto f3 = [](const VectorXv& v) { return cosh(v[0]) * v[1]; };
  const Eigen::VectorXd g3 = nabla::gradient(f3, Eigen::Vector2d(-800.0, 0.0));
  CHECK(g3[0] == 0.0);  // the adjoint of cosh is v₁ = 0: skipped, as before
  CHECK(g3[1] == std::numeric_limits<double>::infinity());
}

TEST_CASE("the matrix path takes the same zero rule: element-wise, products, quotients") {
  const double inf = std::numeric_limits<double>::infinity();
  // cwise_product(exp(A), B) with B = 0 where exp overflows: d/dA = exp(A)·B = inf · 0 → 0 by
  // the scalar path's rule, and the matrix path must say the same.
  const Eigen::Vector2d a(800.0, 1.0);
  auto matrix_product = [](const nabla::Mat& v) {
    const Eigen::Vector2d zero_first(0.0, 1.0);
    return nabla::sum(nabla::cwise_product(nabla::exp(v), nabla::Mat(zero_first)));
  };
  const Eigen::VectorXd gm = nabla::gradient(matrix_product, a);
  CHECK(gm[0] == 0.0);
  CHECK(gm[1] == doctest::Approx(std::exp(1.0)).epsilon(1e-15));
  // matmul: an infinite adjoint entry against a zero entry of the other factor. y = 1ᵀ·exp(M·x)
  // with M = [[1, 0], [0, 1]] and x = (800, 1): ∂y/∂x₁ = exp(800)·M₀₁ + e·M₁₁ = e, not NaN.
  auto matrix_matmul = [](const nabla::Mat& v) {
    const Eigen::Matrix2d m = Eigen::Matrix2d::Identity();
    return nabla::sum(nabla::exp(nabla::matmul(nabla::Mat(m), v)));
  };
  const Eigen::VectorXd gmm = nabla::gradient(matrix_matmul, a);
  CHECK(gmm[0] == inf);
  CHECK(gmm[1] == doctest::Approx(std::exp(1.0)).epsilon(1e-15));
  // a zero adjoint against a zero divisor: d/dA Σ (0·(A ÷ B)) with B = 0 is 0, not 0/0
  auto matrix_quotient = [](const nabla::Mat& v) {
    const Eigen::Vector2d zero_divisor(0.0, 2.0);
    return nabla::sum(nabla::cwise_product(nabla::cwise_quotient(v, nabla::Mat(zero_divisor)),
                                           nabla::Mat(Eigen::Vector2d(0.0, 1.0))));
  };
  const Eigen::VectorXd gq = nabla::gradient(matrix_quotient, a);
  CHECK(gq[0] == 0.0);
  CHECK(gq[1] == 0.5);
}

TEST_CASE("sqrt′ and log′ at −0 are +inf, as at +0: the sign of a zero sum cannot flip them") {
  const double inf = std::numeric_limits<double>::infinity();
  // (−0)·1 + (−0)·1 is −0, the same sum in another order may be +0: the slope must not care.
  for (const double zero : {0.0, -0.0}) {
    CHECK(nabla::gradient([](const VectorXv& v) { return sqrt(v[0]); },
                          Eigen::VectorXd::Constant(1, zero))[0] == inf);
    CHECK(nabla::gradient([](const VectorXv& v) { return log(v[0]); },
                          Eigen::VectorXd::Constant(1, zero))[0] == inf);
    CHECK(nabla::gradient([](const nabla::Mat& v) { return nabla::sum(nabla::sqrt(v)); },
                          Eigen::VectorXd::Constant(1, zero))[0] == inf);
  }
}

TEST_CASE("a NaN operand of max, min and relu gives NaN, value and gradient (defect 8)") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto f = [](const VectorXv& v) { return relu(v[0]) + max(v[0], v[1]); };
  const auto [value, g] = nabla::value_and_gradient(f, Eigen::Vector2d(nan, 1.0));
  CHECK(std::isnan(value));
  CHECK(std::isnan(g[0]));
  for (auto op : {+[](const VectorXv& v) { return max(v[0], v[1]); },
                  +[](const VectorXv& v) { return min(v[0], v[1]); },
                  +[](const VectorXv& v) { return max(v[0], 2.0); },
                  +[](const VectorXv& v) { return min(2.0, v[0]); },
                  +[](const VectorXv& v) { return relu(v[0]); }}) {
    CHECK(std::isnan(nabla::value_and_gradient(op, Eigen::Vector2d(nan, 1.0)).first));
    CHECK(std::isnan(nabla::value_and_gradient(op, Eigen::Vector2d(nan, 1.0)).second[0]));
  }
  // The matrix element-wise ops follow the same rule.
  auto m = [](const nabla::Mat& v) { return nabla::sum(nabla::relu(v) + nabla::max(v, 0.5)); };
  CHECK(std::isnan(nabla::value_and_gradient(m, Eigen::Vector2d(nan, 1.0)).first));
}

TEST_CASE("tanh′, sigmoid′ and expm1′ keep their relative precision in saturation (defect 8)") {
  // Long-double references: tanh′ = sech², sigmoid′ = e^(−|x|)/(1 + e^(−|x|))², expm1′ = eˣ.
  // Where the exact value is below the smallest normal double only absolute accuracy exists.
  for (const double x : {-700.0, -300.0, -37.0, -20.0, -3.0, -1.0, -0.999, -1e-3, 0.0, 0.5, 0.999,
                         1.0, 2.5, 20.0, 37.0, 300.0, 700.0}) {
    CAPTURE(x);
    const long double lx = x;
    const long double sech = 1.0L / std::cosh(lx);
    const long double e = std::exp(-std::abs(lx));
    const long double want_tanh = sech * sech;
    const long double want_sigmoid = e / ((1.0L + e) * (1.0L + e));
    const long double want_expm1 = std::exp(lx);
    const Eigen::VectorXd at = Eigen::VectorXd::Constant(1, x);
    const double dt = nabla::gradient([](const VectorXv& v) { return tanh(v[0]); }, at)[0];
    const double ds = nabla::gradient([](const VectorXv& v) { return sigmoid(v[0]); }, at)[0];
    const double de = nabla::gradient([](const VectorXv& v) { return expm1(v[0]); }, at)[0];
    const long double tiny = std::numeric_limits<double>::min();
    auto accurate = [&](double got, long double want) {
      return want < tiny ? std::abs(got - want) <= tiny : relative(got, want) <= 1e-14L;
    };
    CHECK(accurate(dt, want_tanh));
    CHECK(accurate(ds, want_sigmoid));
    if (std::isfinite(static_cast<double>(want_expm1))) CHECK(accurate(de, want_expm1));
    // The matrix path reads the same rules.
    const double mt =
        nabla::gradient([](const nabla::Mat& v) { return nabla::sum(nabla::tanh(v)); }, at)[0];
    const double ms =
        nabla::gradient([](const nabla::Mat& v) { return nabla::sum(nabla::sigmoid(v)); }, at)[0];
    CHECK(accurate(mt, want_tanh));
    CHECK(accurate(ms, want_sigmoid));
  }
  // Second order (Dual) on both branches of the rules: d²/dx² tanh = −2 tanh · sech² (at
  // x = 20 about −1.7e-17 · 2) and σ″ = σ′(1 − 2σ).
  for (const double x : {-0.5, 0.5, 20.0}) {
    CAPTURE(x);
    const Eigen::VectorXd at = Eigen::VectorXd::Constant(1, x);
    const long double lx = x;
    const long double sech = 1.0L / std::cosh(lx);
    const double ht = nabla::hessian([](const VectorXv& v) { return tanh(v[0]); }, at)(0, 0);
    CHECK(relative(ht, -2.0L * std::tanh(lx) * sech * sech) <= 1e-13L);
    // σ′ = e/(1 + e)², 1 − 2σ = −sign(x)(1 − e)/(1 + e), e = e^(−|x|): no cancellation.
    const long double e = std::exp(-std::abs(lx));
    const long double slope = e / ((1.0L + e) * (1.0L + e));
    const long double sign = x > 0.0 ? 1.0L : -1.0L;
    const double hs = nabla::hessian([](const VectorXv& v) { return sigmoid(v[0]); }, at)(0, 0);
    CHECK(relative(hs, -sign * slope * (1.0L - e) / (1.0L + e)) <= 1e-13L);
  }
}

TEST_CASE("forward mode: a zero partial times an infinite tangent is 0, as in reverse mode") {
  // sigmoid(exp(x)) at x = 800: exp overflows, its tangent is inf, σ′(inf) = 0. Reverse mode
  // skips the zero adjoint; forward mode (jvp, forward jacobian, the tangent half of hessian
  // and hvp) used to give inf·0 = NaN.
  auto f = [](const VectorXv& v) { return sigmoid(exp(v[0])); };
  auto g = [](const VectorXv& v) { return sigmoid(-cosh(v[0])); };
  const Eigen::VectorXd at = Eigen::VectorXd::Constant(1, 800.0);
  const Eigen::VectorXd one = Eigen::VectorXd::Constant(1, 1.0);
  for (const auto& h :
       {std::function<Var(const VectorXv&)>(f), std::function<Var(const VectorXv&)>(g)}) {
    CHECK(nabla::gradient(h, at)[0] == 0.0);
    CHECK(nabla::jvp(h, at, one)[0] == 0.0);
    CHECK(nabla::jacobian([&](const VectorXv& v) { return VectorXv(VectorXv::Constant(2, h(v))); },
                          at, nabla::Mode::Forward)(1, 0) == 0.0);
    CHECK(nabla::hessian(h, at)(0, 0) == 0.0);
    CHECK(nabla::hvp(h, at, one)[0] == 0.0);
  }
  // The matrix path's tangent hook follows the same rule.
  auto m = [](const nabla::Mat& v) { return nabla::sum(nabla::sigmoid(nabla::exp(v))); };
  CHECK(nabla::jvp(m, at, one)[0] == 0.0);
  // A NaN still propagates: its partials are NaN, not 0.
  const Eigen::VectorXd nan_at = Eigen::VectorXd::Constant(1, std::nan(""));
  CHECK(std::isnan(nabla::jvp(f, nan_at, one)[0]));
}

TEST_CASE("hypot's second derivatives keep their precision when one operand dominates") {
  // ∂²hypot/∂b² = a²/r³; differentiating b/r gave (r² − b²)/r³, which cancels.
  auto f = [](const VectorXv& v) { return hypot(v[0], v[1]); };
  for (const auto& [a, b] :
       {std::pair{2.0611536224385579e-09, -0.38860203598864818}, std::pair{2.0, 28000.0},
        std::pair{-3.0, 4.0}, std::pair{1e-100, 1.0}}) {
    CAPTURE(a);
    CAPTURE(b);
    const long double la = a;
    const long double lb = b;
    const long double r = std::sqrt(la * la + lb * lb);
    const Eigen::MatrixXd h = nabla::hessian(f, Eigen::Vector2d(a, b));
    CHECK(relative(h(0, 0), lb * lb / (r * r * r)) <= 1e-13L);
    CHECK(relative(h(1, 1), la * la / (r * r * r)) <= 1e-13L);
    CHECK(relative(h(0, 1), -la * lb / (r * r * r)) <= 1e-13L);
    CHECK(h(0, 1) == h(1, 0));
    // First order is unchanged: a/r, b/r.
    const Eigen::VectorXd g = nabla::gradient(f, Eigen::Vector2d(a, b));
    CHECK(relative(g[0], la / r) <= 1e-15L);
    CHECK(relative(g[1], lb / r) <= 1e-15L);
  }
  // Against a constant: d²/dx² hypot(x, 2) at x = 28000 is 4/r³.
  const double hc = nabla::hessian([](const VectorXv& v) { return hypot(v[0], 2.0); },
                                   Eigen::VectorXd::Constant(1, 28000.0))(0, 0);
  const long double rc = std::sqrt(28000.0L * 28000.0L + 4.0L);
  CHECK(relative(hc, 4.0L / (rc * rc * rc)) <= 1e-13L);
}
