// NaN/Inf debug mode: the error names the right record, operation and label.
#include <doctest/doctest.h>

#include <nabla/autodiff.hpp>
#include <nabla/autodiff/teaching/finite_check.hpp>
#include <string>

using nabla::Var;
using nabla::VectorXv;

namespace {
std::string message_of(const auto& call) {
  try {
    call();
  } catch (const nabla::NonFiniteError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("a non-finite value: the first record that produced it") {
  // log(x₀ − 1) at x₀ = 1 is −inf (record #2), then everything after is non-finite too.
  auto f = [](const VectorXv& x) {
    const Var d = x[0] - 1.0;                        // #2
    const Var l = nabla::label(log(d), "log_term");  // #3
    return l * x[1] + 1.0;
  };
  const std::string m =
      message_of([&] { (void)nabla::checked_gradient(f, Eigen::Vector2d(1, 2)); });
  CAPTURE(m);
  CHECK(m.find("record #3 (log_term)") != std::string::npos);
  CHECK(m.find("'log'") != std::string::npos);
  CHECK(m.find("-inf") != std::string::npos);
}

TEST_CASE("a non-finite adjoint: sqrt'(0) = inf meets a non-zero adjoint") {
  auto f = [](const VectorXv& x) {
    const Var r = nabla::label(sqrt(x[0] * x[1]), "radius");  // #3, value 0, partial inf
    return 3.0 * r + x[1];
  };
  const std::string m =
      message_of([&] { (void)nabla::checked_gradient(f, Eigen::Vector2d(0, 2)); });
  CAPTURE(m);
  CHECK(m.find("record #3 (radius)") != std::string::npos);
  CHECK(m.find("'sqrt'") != std::string::npos);
  // The plain gradient silently gives inf/NaN here; the checked one stops.
  const Eigen::VectorXd g = nabla::gradient(f, Eigen::Vector2d(0, 2));
  CHECK(!g.allFinite());
}

TEST_CASE("finite recordings pass unchanged, and an unused sqrt(0) is not flagged") {
  auto f = [](const VectorXv& x) { return 0.0 * sqrt(x[0]) + x[1] * x[1] * exp(x[0]); };
  const Eigen::Vector2d x(0, 3);
  const Eigen::VectorXd g = nabla::checked_gradient(f, x);
  CHECK(g == nabla::gradient(f, x));
  CHECK(g[1] == 6.0);
}
