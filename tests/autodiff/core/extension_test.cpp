// Extension records: a user record with only the required hooks differentiates in reverse
// mode (gradient, replay), and every optional hook it lacks fails with an Error that names the
// record and the missing capability, instead of a wrong number.
#include <doctest/doctest.h>

#include <memory>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/core/extension.hpp>
#include <nabla/autodiff/functional/jvp.hpp>
#include <nabla/autodiff/functional/replay.hpp>

using nabla::Tape;
using nabla::Var;

namespace {

// y = c·x² as one record, with its own scalar value and no outputs.
class ScaledSquare final : public nabla::Extension {
 public:
  ScaledSquare(std::uint32_t x, double c) : x_(x), c_(c) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "scaled_square"; }
  void reverse(double own_adjoint, Tape& tape) override {
    tape.add_adjoint_at(x_, own_adjoint * 2.0 * c_ * tape.value_at(x_));
  }
  void add_output_adjoint(std::uint32_t /*output*/, double /*adjoint*/) override {}
  double forward(const Tape& tape) override {
    const double x = tape.value_at(x_);
    return c_ * x * x;
  }
  [[nodiscard]] double output_value(std::uint32_t /*output*/) const override { return 0.0; }

 private:
  std::uint32_t x_;
  double c_;
};

Var scaled_square(const Var& x, double c) {
  Tape& tape = Tape::active_for(nabla::Op::Extension, x);
  return tape.push_extension(std::make_unique<ScaledSquare>(x.index(), c),
                             c * x.value() * x.value());
}

}  // namespace

TEST_CASE("an extension record with the required hooks differentiates in reverse mode") {
  // f(x) = 3x₀² + x₁ → ∇f = (6x₀, 1)
  auto f = [](const nabla::VectorXv& x) { return scaled_square(x[0], 3.0) + x[1]; };
  const auto [value, g] = nabla::value_and_gradient(f, Eigen::Vector2d(2.0, 5.0));
  CHECK(value == 17.0);
  CHECK(g == Eigen::Vector2d(12.0, 1.0));
  // Replay re-evaluates the record through forward() at a new point.
  nabla::Function replay(f, Eigen::Vector2d(2.0, 5.0));
  const auto [v1, g1] = replay.value_and_gradient(Eigen::Vector2d(-1.0, 0.5));
  CHECK(v1 == 3.5);
  CHECK(g1 == Eigen::Vector2d(-6.0, 1.0));
}

TEST_CASE("missing optional hooks name the record and what is missing") {
  auto f = [](const nabla::VectorXv& x) { return scaled_square(x[0], 3.0); };
  auto fv = [](const nabla::VectorXv& x) {
    nabla::VectorXv y(1);
    y[0] = scaled_square(x[0], 3.0);
    return y;
  };
  const Eigen::VectorXd x = Eigen::VectorXd::Constant(1, 2.0);
  CHECK_THROWS_WITH_AS(nabla::jvp(fv, x, x),
                       doctest::Contains("'scaled_square' does not support forward mode (jvp)"),
                       nabla::Error);
  CHECK_THROWS_WITH_AS(nabla::hessian(f, x),
                       doctest::Contains("'scaled_square' does not support second derivatives"),
                       nabla::Error);
}
