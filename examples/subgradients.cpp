// The kink table of docs/subgradients.md, computed by nabla and checked: every row of the
// table is a row here. Exit status 1 if any derivative differs from the documented one.
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <string_view>
#include <vector>

#include <nabla/autodiff.hpp>

using nabla::Var;
using nabla::VectorXv;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
int failures = 0;

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

template <class F>
void row(std::string_view op, std::string_view at, F f, const Eigen::VectorXd& x,
         const std::vector<double>& want) {
  const Eigen::VectorXd g = nabla::gradient(f, x);
  bool ok = g.size() == static_cast<Eigen::Index>(want.size());
  for (Eigen::Index i = 0; ok && i < g.size(); ++i) ok = same(g[i], want[i]);
  if (!ok) ++failures;
  std::string got;
  for (Eigen::Index i = 0; i < g.size(); ++i) got += fmt::format("{}{}", i == 0 ? "" : ", ", g[i]);
  fmt::print("{:<26} {:<18} ({}) {}\n", op, at, got, ok ? "" : " <- NOT AS DOCUMENTED");
}

Eigen::VectorXd at(double a) { return Eigen::VectorXd::Constant(1, a); }
Eigen::VectorXd at(double a, double b) { return Eigen::Vector2d(a, b); }

// The homework hinge loss of lecture 001 (docs/subgradients.md, last section).
const double X1[] = {0, 1, 1, -0.5, 0};
const double X2[] = {1, 1, 0, 0.5, -0.5};
const double Y[] = {1, 1, 1, -1, -1};

}  // namespace

int main() {
  fmt::print("{:<26} {:<18} {}\n", "operation", "at", "nabla's derivative");
  row("abs(x)", "x = 0", [](const VectorXv& v) { return abs(v[0]); }, at(0), {0});
  row("relu(x)", "x = 0", [](const VectorXv& v) { return relu(v[0]); }, at(0), {0});
  row("max(x, 0.0)", "x = 0", [](const VectorXv& v) { return max(v[0], 0.0); }, at(0), {0});
  row("max(0.0, x)", "x = 0", [](const VectorXv& v) { return max(0.0, v[0]); }, at(0), {0});
  row("min(x, 2.0)", "x = 2", [](const VectorXv& v) { return min(v[0], 2.0); }, at(2), {0});
  row("max(x, y)", "x = y = 1", [](const VectorXv& v) { return max(v[0], v[1]); }, at(1, 1),
      {0.5, 0.5});
  row("min(x, y)", "x = y = 1", [](const VectorXv& v) { return min(v[0], v[1]); }, at(1, 1),
      {0.5, 0.5});
  row("max(x, x)", "x = 1", [](const VectorXv& v) { return max(v[0], v[0]); }, at(1), {1});
  row("hypot(x, y)", "(0, 0)", [](const VectorXv& v) { return hypot(v[0], v[1]); }, at(0, 0),
      {0, 0});
  row("hypot(x, 0.0)", "x = 0", [](const VectorXv& v) { return hypot(v[0], 0.0); }, at(0), {0});
  row("sqrt(x)", "x = 0", [](const VectorXv& v) { return sqrt(v[0]); }, at(0), {inf});
  row("cbrt(x)", "x = 0", [](const VectorXv& v) { return cbrt(v[0]); }, at(0), {inf});
  row("pow(x, 0.5)", "x = 0", [](const VectorXv& v) { return pow(v[0], 0.5); }, at(0), {inf});
  row("pow(x, b)", "x = 0, b = 2", [](const VectorXv& v) { return pow(v[0], v[1]); }, at(0, 2),
      {0, 0});
  row("pow(0.0, b)", "b = 2", [](const VectorXv& v) { return pow(0.0, v[0]); }, at(2), {0});
  row("pow(x, 0.0)", "x = 0", [](const VectorXv& v) { return pow(v[0], 0.0); }, at(0), {0});
  // x ↦ x⁰ is constant, so d/dx is 0; b ↦ 0^b jumps from 1 to 0, so d/db is −inf (no finite
  // derivative exists: a loud value, never a silent one).
  row("pow(x, b)", "x = 0, b = 0", [](const VectorXv& v) { return pow(v[0], v[1]); }, at(0, 0),
      {0, -inf});
  row("atan2(y, x)", "(0, 0)", [](const VectorXv& v) { return atan2(v[0], v[1]); }, at(0, 0),
      {not_a_number, not_a_number});
  // sqrt′(0) = inf meets the squares' zero partials: the zero rule gives (0, 0), the norm's
  // minimum-norm subgradient at 0 (docs/subgradients.md)
  row("x.norm()", "x = (0, 0)", [](const VectorXv& v) { return v.norm(); }, at(0, 0), {0, 0});

  fmt::print("\nzero adjoints contribute nothing (no 0·inf):\n");
  row("x + 0·sqrt(y)", "(1, 0)", [](const VectorXv& v) { return v[0] + 0.0 * sqrt(v[1]); },
      at(1, 0), {1, 0});
  row("x + 0·‖(x, y)‖", "(0, 0)", [](const VectorXv& v) { return v[0] + 0.0 * v.norm(); }, at(0, 0),
      {1, 0});

  fmt::print("\nrelu(z), max(0, z) and the hinge agree at the kink z = 0:\n");
  row("relu(1 − x)", "x = 1", [](const VectorXv& v) { return relu(1.0 - v[0]); }, at(1), {0});
  row("max(0.0, 1 − x)", "x = 1", [](const VectorXv& v) { return max(0.0, 1.0 - v[0]); }, at(1),
      {0});
  row("max(1 − x, 0.0)", "x = 1", [](const VectorXv& v) { return max(1.0 - v[0], 0.0); }, at(1),
      {0});

  fmt::print("\nper-operation rules do not compose into the composite's subdifferential:\n");
  row("relu(x) − relu(−x) = x", "x = 0", [](const VectorXv& v) { return relu(v[0]) - relu(-v[0]); },
      at(0), {0});

  fmt::print("\nthe homework hinge loss of lecture 001 at θ₀ = (1, 1, 0):\n");
  auto loss = [](const VectorXv& th) {
    Var hinge = 0.0;
    for (int i = 0; i < 5; ++i)
      hinge += max(0.0, 1.0 - Y[i] * (X1[i] * th[0] + X2[i] * th[1] + th[2]));
    return 0.1 * th.squaredNorm() + hinge / 5.0;
  };
  row("L(θ)", "θ₀ = (1, 1, 0)", loss, Eigen::Vector3d(1, 1, 0), {0.1, 0.2, 0.4});

  fmt::print("\n{}\n", failures == 0 ? "every derivative as documented" : "MISMATCHES above");
  return failures == 0 ? 0 : 1;
}
