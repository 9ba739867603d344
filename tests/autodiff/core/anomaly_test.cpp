// DetectAnomaly: inside the scope every sweep names the first non-finite value, adjoint or
// tangent (NonFiniteError); outside it the same calls return the silent IEEE result.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <cmath>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/hvp.hpp>
#include <nabla/autodiff/functional/jvp.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <nabla/optim.hpp>
#include <string>

using Eigen::VectorXd;
using nabla::Var;
using nabla::VectorXv;

namespace {

// sqrt′(0) = ∞ times the adjoint 2 of the product: ∞ reaches x0 as ∞ − ∞ = NaN.
Var infinite_partial(const VectorXv& x) { return sqrt(x[0] - x[0]) * x[1]; }
// log(−0.5) = NaN in the forward values.
Var nan_value(const VectorXv& x) { return log(x[0] - 1.0) + x[1]; }

std::string message_of(auto&& call) {
  try {
    call();
  } catch (const nabla::NonFiniteError& e) {
    return e.what();
  }
  return "no NonFiniteError";
}

}  // namespace

TEST_CASE("without the scope the sweeps stay silent: IEEE results, no exception") {
  CHECK(!nabla::anomaly_detection());
  const VectorXd g = nabla::gradient(infinite_partial, VectorXd::Constant(2, 1.0));
  CHECK(std::isnan(g[0]));
  CHECK(std::isnan(nabla::value_and_gradient(nan_value, VectorXd::Constant(2, 0.5)).first));
}

TEST_CASE("gradient: the first non-finite adjoint and the first non-finite value are named") {
  const nabla::DetectAnomaly anomaly;
  CHECK(nabla::anomaly_detection());
  const std::string adjoint =
      message_of([] { (void)nabla::gradient(infinite_partial, VectorXd::Constant(2, 1.0)); });
  INFO(adjoint);
  CHECK(adjoint.find("non-finite adjoint") != std::string::npos);
  CHECK(adjoint.find("sqrt") != std::string::npos);
  const std::string value =
      message_of([] { (void)nabla::gradient(nan_value, VectorXd::Constant(2, 0.5)); });
  INFO(value);
  CHECK(value.find("non-finite value") != std::string::npos);
  CHECK(value.find("log") != std::string::npos);
  // A zero adjoint times an infinite partial contributes nothing and is not flagged.
  const VectorXd g = nabla::gradient(
      [](const VectorXv& x) { return sqrt(x[0] - x[0]) * 0.0 + x[1]; }, VectorXd::Constant(2, 1.0));
  CHECK(g[1] == 1.0);
  // Finite gradients are unchanged by the checks.
  auto smooth = [](const VectorXv& x) { return exp(x[0]) * x[1] * x[1]; };
  const VectorXd at(VectorXd::Constant(2, 0.25));
  const VectorXd checked = nabla::gradient(smooth, at);
  CHECK(checked[0] == doctest::Approx(std::exp(0.25) * 0.0625).epsilon(1e-15));
  CHECK(checked[1] == doctest::Approx(std::exp(0.25) * 0.5).epsilon(1e-15));
}

TEST_CASE("jacobian, jvp, hessian and hvp run checked too") {
  const nabla::DetectAnomaly anomaly;
  const VectorXd ones = VectorXd::Constant(2, 1.0);
  auto vector_f = [](const VectorXv& x) {
    VectorXv y(3);
    // At x₀ = 1 sqrt′ = ∞ meets a non-zero tangent and a non-zero adjoint. (sqrt(x₀ − x₀)
    // would not do for forward mode: its input's tangent is exactly 0, and 0·∞ counts as 0.)
    y << sqrt(x[0] - 1.0) * x[1], x[0], x[1];
    return y;
  };
  CHECK_THROWS_AS((void)nabla::jacobian(vector_f, ones), nabla::NonFiniteError);  // forward
  CHECK_THROWS_AS((void)nabla::jacobian(vector_f, ones, nabla::Mode::Reverse),
                  nabla::NonFiniteError);
  const std::string tangent = message_of([&] { (void)nabla::jvp(vector_f, ones, ones); });
  INFO(tangent);
  CHECK(tangent.find("non-finite tangent") != std::string::npos);
  CHECK_THROWS_AS((void)nabla::hessian(nan_value, VectorXd::Constant(2, 0.5)),
                  nabla::NonFiniteError);
  CHECK_THROWS_AS((void)nabla::hvp(nan_value, VectorXd::Constant(2, 0.5), ones),
                  nabla::NonFiniteError);
}

TEST_CASE("matrix records: a non-finite entry of a value or of an adjoint is named") {
  const nabla::DetectAnomaly anomaly;
  Eigen::MatrixXd m(2, 2);
  m << 1.0, 2.0, -3.0, 4.0;
  const std::string value = message_of(
      [&] { (void)nabla::gradient([](const nabla::Mat& a) { return nabla::sum(log(a)); }, m); });
  INFO(value);
  CHECK(value.find("non-finite value") != std::string::npos);
  CHECK(value.find("entry (1, 0)") != std::string::npos);
  // sqrt′(0) = ∞ in the matrix backward: the sqrt record's input gets an infinite adjoint.
  Eigen::MatrixXd z = Eigen::MatrixXd::Ones(2, 2);
  z(0, 1) = 0.0;
  const std::string adjoint = message_of(
      [&] { (void)nabla::gradient([](const nabla::Mat& a) { return nabla::sum(sqrt(a)); }, z); });
  INFO(adjoint);
  CHECK(adjoint.find("non-finite") != std::string::npos);
  CHECK(adjoint.find("entry (0, 1)") != std::string::npos);
}

TEST_CASE("nabla::optim objectives run checked, and scopes nest") {
  auto f = [](const VectorXv& w) { return log(w[0]) + w[1] * w[1]; };
  const VectorXd x0 = (VectorXd(2) << -1.0, 1.0).finished();
  {
    const nabla::DetectAnomaly outer;
    { const nabla::DetectAnomaly inner; }
    CHECK(nabla::anomaly_detection());  // the outer scope still holds
    CHECK_THROWS_AS((void)nabla::optim::minimize(f, x0, nabla::optim::GradientDescent{.lr = 0.1}),
                    nabla::NonFiniteError);
  }
  CHECK(!nabla::anomaly_detection());
  // Without the scope the same run ends as a stop reason, not an exception.
  const auto r = nabla::optim::minimize(f, x0, nabla::optim::GradientDescent{.lr = 0.1});
  CHECK(r.stop_reason == nabla::optim::StopReason::Diverged);
}
