// A tour of the lectures' worked examples, in the order the slides present them, computed by
// nabla and printed with the chain rule made visible: derivatives of simple functions, 1-D
// gradient descent with three learning rates, gradients, Jacobians, the Jacobian chain rule of
// the MSE example (A_l = A_f·A_g), forward vs reverse mode, and the second-order check.
// Every number is verified against the slide's closed form; the program exits 1 on a mismatch.
//
//   chain_rule_tour                 the tour
//   chain_rule_tour --dot FILE      also writes the MSE example's graph as Graphviz DOT
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/hessian.hpp>
#include <nabla/autodiff/functional/hvp.hpp>
#include <nabla/autodiff/functional/jvp.hpp>
#include <nabla/autodiff/functional/vjp.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <nabla/autodiff/teaching/chain.hpp>
#include <nabla/autodiff/teaching/dot_export.hpp>
#include <nabla/autodiff/teaching/explain.hpp>
#include <nabla/autodiff/teaching/stationary_point.hpp>
#include <numbers>
#include <string>
#include <string_view>

using nabla::Var;
using nabla::VectorXv;

namespace {

int failures = 0;

// Reports a computed number next to the slide's and counts mismatches.
void verify(std::string_view what, double got, double expected, double rtol = 1e-14) {
  const bool ok = std::abs(got - expected) <= rtol * std::max(1.0, std::abs(expected));
  fmt::print("  {:<50} nabla: {:<22} slide: {:<22} {}\n", what, got, expected,
             ok ? "ok" : "MISMATCH");
  if (!ok) ++failures;
}

void heading(std::string_view title) { fmt::print("\n== {} ==\n", title); }

void derivatives_of_simple_functions() {
  heading("1. Derivatives of simple functions (lecture 4, slide 'Производные простых функций')");
  const double a = 3.0, b = 2.0;
  verify("(ax + b)' = a,  a=3, b=2, x=1.5",
         nabla::derivative([&](Var x) { return a * x + b; }, 1.5), a);
  verify("(x^n)' = n x^(n-1),  n=3, x=2", nabla::derivative([](Var x) { return pow(x, 3.0); }, 2.0),
         12.0);
  verify("(e^x)' = e^x,  x=1", nabla::derivative([](Var x) { return exp(x); }, 1.0),
         std::numbers::e);
  verify("(log x)' = 1/x,  x=4", nabla::derivative([](Var x) { return log(x); }, 4.0), 0.25);
  const double x = 0.7;
  verify("(sin x + x^2)' = cos x + 2x  (sum rule)",
         nabla::derivative([](Var t) { return sin(t) + t * t; }, x), std::cos(x) + 2 * x);
  verify("(x^2 e^x)' = 2x e^x + x^2 e^x  (product rule)",
         nabla::derivative([](Var t) { return t * t * exp(t); }, x),
         2 * x * std::exp(x) + x * x * std::exp(x), 1e-15);
  verify("(log(x^2 + 1))' = 2x / (x^2 + 1)  (chain rule)",
         nabla::derivative([](Var t) { return log(t * t + 1.0); }, x), 2 * x / (x * x + 1));
  fmt::print("\nHow the chain rule is evaluated for log(x^2 + 1) at x = {}:\n", x);
  fmt::print("{}", nabla::explain([](const VectorXv& v) { return log(v[0] * v[0] + 1.0); },
                                  Eigen::VectorXd::Constant(1, x)));
}

void gradient_descent_1d() {
  heading(
      "2. Gradient descent x_{n+1} = x_n - alpha y'(x_n) on y = x^2 - 4x + 5 (minimum at x = 2)");
  auto y = [](Var x) { return x * x - 4.0 * x + 5.0; };
  struct Rate {
    double alpha;
    const char* verdict;
  };
  const Rate rates[] = {{0.01, "too small: slow convergence"},
                        {1.05, "too large: no convergence"},
                        {0.5, "right: converges in the fewest steps"}};
  double final_x[3] = {};
  int r = 0;
  for (const Rate& rate : rates) {
    fmt::print("  alpha = {:<5} ({})\n    n  x_n\n", rate.alpha, rate.verdict);
    double x = 6.0;
    for (int n = 0; n <= 10; ++n) {
      if (n <= 3 || n == 10) fmt::print("   {:>2}  {}\n", n, x);
      if (n == 4) fmt::print("   ...\n");
      x -= rate.alpha * nabla::derivative(y, x);
    }
    final_x[r++] = x;
  }
  // Closed form: x_n − 2 = (1 − 2α)^n (x_0 − 2) after n = 11 steps.
  for (int k = 0; k < 3; ++k)
    verify(fmt::format("x_11 for alpha = {}", rates[k].alpha), final_x[k],
           2.0 + std::pow(1 - 2 * rates[k].alpha, 11) * 4.0, 1e-12);
}

void gradients() {
  heading("3. Gradients");
  auto f = [](const VectorXv& x) { return x[0] * x[0] - x[1]; };
  const Eigen::VectorXd g = nabla::gradient(f, Eigen::Vector2d(1, 2));
  fmt::print("y = x1^2 - x2,  grad y(1, 2):\n");
  verify("y'_x1 = 2 x1 = 2", g[0], 2.0);
  verify("y'_x2 = -1", g[1], -1.0);
  fmt::print("{}", nabla::explain(f, Eigen::Vector2d(1, 2)));
  auto h = [](const VectorXv& x) { return exp(x[0]) * x[1] * x[1]; };
  const Eigen::VectorXd g2 = nabla::gradient(h, Eigen::Vector2d(0, 1));
  fmt::print("\nf = e^x1 x2^2,  grad f(0, 1) (the slide's exercise):\n");
  verify("f'_x1 = e^x1 x2^2 = 1", g2[0], 1.0);
  verify("f'_x2 = 2 e^x1 x2 = 2", g2[1], 2.0);
  fmt::print("{}", nabla::explain(h, Eigen::Vector2d(0, 1)));
}

void jacobians() {
  heading("4. Jacobian matrices: y(x + dx) = y(x) + A dx,  A_ij = (y_i)'_xj");
  auto y = [](const VectorXv& x) {
    VectorXv out(2);
    out << 5 * x[0] * x[0] + 4 * x[1] + 1, -x[1];
    return out;
  };
  const Eigen::Vector2d x(1, 3);
  const Eigen::MatrixXd a = nabla::jacobian(y, x, nabla::Mode::Reverse);
  const Eigen::MatrixXd af = nabla::jacobian(y, x, nabla::Mode::Forward);
  fmt::print("y1 = 5 x1^2 + 4 x2 + 1, y2 = -x2 at x = (1, 3): A = [[10 x1, 4], [0, -1]]\n");
  fmt::print("{}", nabla::format_matrix(a));
  verify("A_11 = 10 x1 (reverse mode, one sweep per row)", a(0, 0), 10.0);
  verify("A_12 = 4", a(0, 1), 4.0);
  verify("A_21 = 0", a(1, 0), 0.0);
  verify("A_22 = -1", a(1, 1), -1.0);
  verify("forward mode (one sweep per column) agrees", (af - a).cwiseAbs().maxCoeff(), 0.0);

  Eigen::MatrixXd m(2, 3);
  m << 0.2, -3, 2, 0, 0, 5;
  auto linear = [&](const VectorXv& v) { return VectorXv(m * v); };
  const Eigen::MatrixXd am = nabla::jacobian(linear, Eigen::Vector3d(1, -1, 2));
  fmt::print(
      "\nThe Jacobian of y = A x is A itself (the slide's question), A = [[0.2, -3, 2], [0, 0, "
      "5]]:\n");
  fmt::print("{}", nabla::format_matrix(am));
  verify("max |jacobian(Ax) - A|", (am - m).cwiseAbs().maxCoeff(), 0.0);
}

void mse_chain(const char* dot_file) {
  heading("5. The Jacobian of a composite: l(x) = f(g(k(x))),  A_l = A_f A_g A_k");
  fmt::print(
      "MSE for a linear function: y = [[1, 2], [0, -1]] x,  l = (y1 - 1)^2 + y2^2, at x = (2, "
      "1)\n");
  Eigen::Matrix2d a;
  a << 1, 2, 0, -1;
  const Eigen::Vector2d x(2, 1);  // y = (4, -1)
  const std::vector<nabla::Stage> stages = {
      {"y", [&](const VectorXv& v) { return VectorXv(a * v); }},
      {"l", [](const VectorXv& y) { return (y[0] - 1) * (y[0] - 1) + y[1] * y[1]; }},
  };
  const nabla::ChainOfJacobians c = nabla::chain_of_jacobians(stages, x);
  fmt::print("{}", c.text);
  const double y1 = 4, y2 = -1;
  verify("(A_l A_y)_1 = 2(y1 - 1)", c.from_left.back()(0, 0), 2 * (y1 - 1));
  verify("(A_l A_y)_2 = 4(y1 - 1) - 2 y2", c.from_left.back()(0, 1), 4 * (y1 - 1) - 2 * y2);
  verify("forward order gives the same", c.from_right.back()(0, 1), 4 * (y1 - 1) - 2 * y2);

  auto l = [&](const VectorXv& v) {
    const VectorXv y = a * v;
    nabla::label(y[0], "y1");
    nabla::label(y[1], "y2");
    return nabla::label((y[0] - 1) * (y[0] - 1) + y[1] * y[1], "l");
  };
  fmt::print("\nThe same gradient, record by record:\n{}", nabla::explain(l, x));
  if (dot_file != nullptr) {
    std::FILE* out = std::fopen(dot_file, "w");
    if (out == nullptr) {
      fmt::print(stderr, "cannot write {}\n", dot_file);
      ++failures;
    } else {
      fmt::print(out, "{}", nabla::to_dot(l, x));
      std::fclose(out);
      fmt::print("(graph written to {})\n", dot_file);
    }
  }
}

// vec(A·X) = (I ⊗ A)·vec(X) and vec(W·x) = (xᵀ ⊗ I)·vec(W), column-major: the Kronecker
// products written out entry by entry, as the reference for nabla's Jacobians.
Eigen::MatrixXd kronecker(const Eigen::MatrixXd& p, const Eigen::MatrixXd& q) {
  Eigen::MatrixXd k(p.rows() * q.rows(), p.cols() * q.cols());
  for (Eigen::Index i = 0; i < p.rows(); ++i)
    for (Eigen::Index j = 0; j < p.cols(); ++j)
      k.block(i * q.rows(), j * q.cols(), q.rows(), q.cols()) = p(i, j) * q;
  return k;
}

void matrix_chain_rule() {
  heading("5b. The chain rule on matrices: Jacobians with respect to vec(X)");
  Eigen::MatrixXd a(2, 3);
  a << 0.2, -3, 2, 0, 0, 5;
  const Eigen::MatrixXd ac = a;
  // The slide's question on a matrix node: y = A·x with x a 3×1 Mat.
  const Eigen::MatrixXd jx = nabla::jacobian(
      [&](const nabla::Mat& x) { return nabla::Mat(ac) * x; }, Eigen::Vector3d(1, -1, 2));
  fmt::print("y = A x on matrix nodes (x a 3x1 Mat): the Jacobian is A\n{}",
             nabla::format_matrix(jx));
  verify("max |jacobian(A x) - A|", (jx - a).cwiseAbs().maxCoeff(), 0.0);
  // Y = A·X for a 3×2 X: vec(Y) = (I₂ ⊗ A)·vec(X).
  Eigen::MatrixXd x(3, 2);
  x << 1, 0.5, -1, 2, 2, -0.5;
  const Eigen::MatrixXd jX =
      nabla::jacobian([&](const nabla::Mat& m) { return nabla::Mat(ac) * m; }, x);
  fmt::print("Y = A X with X 3x2: d vec(Y) / d vec(X) (4x6) = I2 (x) A\n{}",
             nabla::format_matrix(jX));
  verify("max |jacobian(A X) - kron(I2, A)|",
         (jX - kronecker(Eigen::MatrixXd::Identity(2, 2), a)).cwiseAbs().maxCoeff(), 0.0);

  // l(W) = ||W x - y||^2 as two stages: r = W x - y (A_r = x^T (x) I2), l = ||r||^2 (2 r^T).
  Eigen::MatrixXd w(2, 3);
  w << 1, 0, -1, 0.5, 2, 0;
  const Eigen::Vector3d xv(1, 2, -1);
  const Eigen::Vector2d yv(0.5, 3);
  const Eigen::MatrixXd xm = xv;
  const std::vector<nabla::MatStage> stages = {
      {"r", [&](const nabla::Mat& wm) { return wm * xm - nabla::Mat(Eigen::MatrixXd(yv)); }},
      {"l", [](const nabla::Mat& r) { return nabla::squared_norm(r); }},
  };
  fmt::print(
      "\nl(W) = ||W x - y||^2, W = [[1, 0, -1], [0.5, 2, 0]], x = (1, 2, -1), y = (0.5, 3)\n");
  const nabla::ChainOfJacobians c = nabla::chain_of_jacobians(stages, w);
  fmt::print("{}", c.text);
  const Eigen::VectorXd r = w * xv - yv;
  const Eigen::MatrixXd grad = 2.0 * r * xv.transpose();  // dl/dW = 2 (W x - y) x^T
  verify("A_r = x^T (x) I2, max difference",
         (c.jacobians[0] - kronecker(xv.transpose(), Eigen::MatrixXd::Identity(2, 2)))
             .cwiseAbs()
             .maxCoeff(),
         0.0);
  verify("A_l A_r = vec(2 (W x - y) x^T)^T, max difference",
         (c.from_left.back().transpose() - grad.reshaped()).cwiseAbs().maxCoeff(), 0.0);

  fmt::print("\nThe same loss as the tape records it, matrix records and all:\n{}",
             nabla::explain(
                 [&](const nabla::Mat& wm) {
                   nabla::label(wm, "W");
                   const nabla::Mat rm =
                       nabla::label(wm * xm - nabla::Mat(Eigen::MatrixXd(yv)), "r");
                   return nabla::label(nabla::squared_norm(rm), "l");
                 },
                 w));
}

void forward_vs_reverse() {
  heading("6. Reverse mode (from the left) vs forward mode (from the right)");
  Eigen::Matrix2d a;
  a << 1, 2, 0, -1;
  auto y = [&](const VectorXv& v) { return VectorXv(a * v); };
  const Eigen::Vector2d x(2, 1);
  const Eigen::Vector2d u(2 * (4 - 1), 2 * -1);  // A_l at y = (4, -1): the row arriving from l
  const Eigen::VectorXd left = nabla::vjp(y, x, u);
  fmt::print("vjp: u^T A_y with u = A_l = ({}, {}) gives ({}, {}) - one reverse sweep\n", u[0],
             u[1], left[0], left[1]);
  verify("u^T A_y, entry 2", left[1], 14.0);
  const Eigen::VectorXd right = nabla::jvp(y, x, Eigen::Vector2d(0, 1));
  fmt::print("jvp: A_y e2 = ({}, {}) - one forward sweep gives one column\n", right[0], right[1]);
  verify("A_y e2, entry 1", right[0], 2.0);
}

void second_order_check() {
  heading("7. Is it a minimum? The second-order check (lecture 002: d2L/dtheta2 >= 0)");
  auto loss = [](const VectorXv& t) {
    return 100.0 * square(t[1] - t[0] * t[0]) + square(1.0 - t[0]);  // Rosenbrock
  };
  const nabla::StationaryPoint p = nabla::classify_stationary_point(loss, Eigen::Vector2d(1, 1));
  fmt::print("L = 100 (t2 - t1^2)^2 + (1 - t1)^2 at t = (1, 1): |grad L| = {}, Hessian\n",
             p.gradient_norm);
  fmt::print("{}", nabla::format_matrix(p.hessian));
  fmt::print("  eigenvalues {} and {}: {}\n", p.eigenvalues[0], p.eigenvalues[1],
             nabla::to_string(p.kind));
  verify("H_11 = 1200 t1^2 - 400 t2 + 2", p.hessian(0, 0), 802.0);
  verify("H_12 = -400 t1", p.hessian(0, 1), -400.0);
  verify("H_22 = 200", p.hessian(1, 1), 200.0);
  if (p.kind != nabla::StationaryKind::LocalMinimum) ++failures;
  auto saddle = [](const VectorXv& t) { return t[0] * t[0] - t[1] * t[1]; };
  const auto s = nabla::classify_stationary_point(saddle, Eigen::Vector2d(0, 0));
  fmt::print("t1^2 - t2^2 at (0, 0): eigenvalues {} and {}: {} (zero gradient, yet no minimum)\n",
             s.eigenvalues[0], s.eigenvalues[1], nabla::to_string(s.kind));
  if (s.kind != nabla::StationaryKind::Saddle) ++failures;
  const Eigen::VectorXd hv = nabla::hvp(loss, Eigen::Vector2d(1, 1), Eigen::Vector2d(1, 1));
  verify("H v for v = (1, 1) without forming H: 802 - 400", hv[0], 402.0);
}

}  // namespace

int main(int argc, char** argv) {
  const char* dot_file = nullptr;
  if (argc == 3 && std::string_view(argv[1]) == "--dot") dot_file = argv[2];
  derivatives_of_simple_functions();
  gradient_descent_1d();
  gradients();
  jacobians();
  mse_chain(dot_file);
  matrix_chain_rule();
  forward_vs_reverse();
  second_order_check();
  fmt::print("\n{}\n", failures == 0 ? "All numbers agree with the slides."
                                     : fmt::format("{} MISMATCHES", failures));
  return failures == 0 ? 0 : 1;
}
