// User-defined operations, two ways (docs/custom_operations.md):
//   1. nabla::scalar_function<N>: a function of N scalars given by its value and its partial
//      derivatives, recorded as one tape node — here a stable log-cosh and log-add-exp;
//   2. nabla::Extension: a vector-valued function with a hand-written vector–Jacobian
//      product — here polar → Cartesian coordinates, (r, θ) ↦ (r cos θ, r sin θ).
// Every gradient is compared with its closed form and with finite differences.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numbers>
#include <string_view>
#include <utility>

#include <nabla/autodiff.hpp>

using nabla::Var;
using nabla::VectorXv;

namespace {

// ---- 1. scalar functions -----------------------------------------------------------------------

// [scalar_function]
// log(cosh x) = |x| + log1p(e^(−2|x|)) − log 2 never overflows; d/dx = tanh x.
const auto log_cosh = nabla::scalar_function<1>(
    "log_cosh",
    [](double x) {
      return std::abs(x) + std::log1p(std::exp(-2.0 * std::abs(x))) - std::numbers::ln2;
    },
    [](double x) { return std::tanh(x); });

// log(e^a + e^b) and its partials (the softmax weights of a and b).
const auto log_add_exp = nabla::scalar_function<2>(
    "log_add_exp",
    [](double a, double b) { return std::max(a, b) + std::log1p(std::exp(-std::abs(a - b))); },
    [](double a, double b) {
      const double pa = 1.0 / (1.0 + std::exp(b - a));
      return std::array<double, 2>{pa, 1.0 - pa};
    });
// [end]

// ---- 2. an Extension: a vector-valued operation --------------------------------------------

// [extension]
// One Extension record holds the whole operation; its outputs are read through ExtOutput
// records that follow it. The reverse sweep first hands the outputs' adjoints to
// add_output_adjoint, then calls reverse() once, which adds Jᵀ·(adjoints) to the inputs.
class PolarToCartesian final : public nabla::Extension {
 public:
  PolarToCartesian(std::uint32_t r, std::uint32_t theta, double r_value, double theta_value)
      : r_(r), theta_(theta) {
    evaluate(r_value, theta_value);
  }
  [[nodiscard]] std::string_view name() const noexcept override { return "polar_to_cartesian"; }

  void add_output_adjoint(std::uint32_t output, double adjoint) override {
    out_adjoint_[output] += adjoint;
  }
  void reverse(double /*own_adjoint*/, nabla::Tape& tape) override {
    // J = [[cos θ, −r sin θ], [sin θ, r cos θ]]; inputs get Jᵀ·(x̄, ȳ).
    const double r = tape.value_at(r_);
    const double c = std::cos(tape.value_at(theta_));
    const double s = std::sin(tape.value_at(theta_));
    const auto [xbar, ybar] = out_adjoint_;
    if (xbar == 0.0 && ybar == 0.0) return;  // a zero adjoint contributes nothing
    tape.add_adjoint_at(r_, c * xbar + s * ybar);
    tape.add_adjoint_at(theta_, -r * s * xbar + r * c * ybar);
    out_adjoint_ = {0.0, 0.0};  // the next sweep starts from zero
  }
  // Replay (nabla::Function): recompute from the inputs' current values.
  double forward(const nabla::Tape& tape) override {
    evaluate(tape.value_at(r_), tape.value_at(theta_));
    return 0.0;  // the record's own scalar value (unused here)
  }
  [[nodiscard]] double output_value(std::uint32_t output) const override { return out_[output]; }

 private:
  void evaluate(double r, double theta) { out_ = {r * std::cos(theta), r * std::sin(theta)}; }

  std::uint32_t r_;
  std::uint32_t theta_;
  std::array<double, 2> out_{};
  std::array<double, 2> out_adjoint_{};
};

// The user-facing function: records one Extension and its two outputs.
std::pair<Var, Var> polar_to_cartesian(Var r, Var theta) {
  if (r.is_constant() && theta.is_constant())  // nothing to record
    return {r.value() * std::cos(theta.value()), r.value() * std::sin(theta.value())};
  // The active tape; throws a nabla::Error when the input is not recorded on it.
  nabla::Tape& tape = nabla::Tape::active_for(nabla::Op::Extension, r.is_constant() ? theta : r);
  // A constant input becomes a fresh leaf of the tape, whose adjoint nobody reads.
  if (r.is_constant()) r = tape.variable(r.value());
  if (theta.is_constant()) theta = tape.variable(theta.value());
  nabla::Tape::active_for(nabla::Op::Extension, r, theta);  // both on this tape, or a throw
  auto ext = std::make_unique<PolarToCartesian>(r.index(), theta.index(), r.value(), theta.value());
  const double x = ext->output_value(0);
  const double y = ext->output_value(1);
  const Var record = tape.push_extension(std::move(ext), 0.0);
  return {tape.push_extension_output(record, 0, x), tape.push_extension_output(record, 1, y)};
}
// [end]

// ---- checks ----------------------------------------------------------------------------------

int failures = 0;

void expect(std::string_view what, const Eigen::VectorXd& got, const Eigen::VectorXd& want,
            const nabla::GradcheckResult& fd) {
  const double err = (got - want).cwiseAbs().maxCoeff();
  const bool ok = err <= 1e-12 && fd.passed(1e-8);
  if (!ok) ++failures;
  fmt::print("{:<36} closed-form error {:.1e}, finite-difference error {:.1e}  {}\n", what, err,
             fd.error, ok ? "ok" : "FAILED");
}

}  // namespace

int main() {
  const Eigen::Vector2d x(0.7, -1.3);

  // A robust regression-style loss with the custom log-cosh: Σ log cosh(xᵢ − tᵢ).
  auto robust = [](const VectorXv& v) { return log_cosh(v[0] - 1.0) + log_cosh(v[1] + 2.0); };
  expect("log_cosh (scalar_function<1>)", nabla::gradient(robust, x),
         Eigen::Vector2d(std::tanh(x[0] - 1.0), std::tanh(x[1] + 2.0)),
         nabla::gradcheck(robust, x));

  // Far in the tail the naive log(cosh x) overflows; the custom one does not.
  const double tail = nabla::derivative([](Var t) { return log_cosh(t); }, 800.0);
  if (tail != 1.0) ++failures;
  fmt::print("{:<36} d/dx log cosh(x) at x = 800: {}  {}\n", "", tail,
             tail == 1.0 ? "ok" : "FAILED");

  auto lse = [](const VectorXv& v) { return log_add_exp(v[0], 2.0 * v[1]); };
  const double pa = std::exp(x[0]) / (std::exp(x[0]) + std::exp(2.0 * x[1]));
  expect("log_add_exp (scalar_function<2>)", nabla::gradient(lse, x),
         Eigen::Vector2d(pa, 2.0 * (1.0 - pa)), nabla::gradcheck(lse, x));

  // [extension_use]
  // Distance of the Cartesian point from (1, 0): ∂/∂r and ∂/∂θ of (r cos θ − 1)² + (r sin θ)².
  auto dist2 = [](const VectorXv& v) {
    const auto [px, py] = polar_to_cartesian(v[0], v[1]);
    return (px - 1.0) * (px - 1.0) + py * py;
  };
  const Eigen::Vector2d p(1.5, 0.4);  // = r² − 2r cos θ + 1
  expect("polar_to_cartesian (Extension)", nabla::gradient(dist2, p),
         Eigen::Vector2d(2 * p[0] - 2 * std::cos(p[1]), 2 * p[0] * std::sin(p[1])),
         nabla::gradcheck(dist2, p));
  // [end]

  // A constant radius: only θ is a variable.
  auto on_circle = [](const VectorXv& v) { return polar_to_cartesian(2.0, v[0]).second; };
  const Eigen::VectorXd t = Eigen::VectorXd::Constant(1, 0.3);
  expect("polar_to_cartesian, constant r", nabla::gradient(on_circle, t),
         Eigen::VectorXd::Constant(1, 2.0 * std::cos(0.3)), nabla::gradcheck(on_circle, t));

  return failures == 0 ? 0 : 1;
}
