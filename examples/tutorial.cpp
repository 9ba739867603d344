// The code of docs/tutorial.md, compiled and checked: every snippet of the tutorial is copied
// from this file (CI checks that they agree), and main() verifies each number the text states.
#include <fmt/format.h>

#include <cmath>
#include <string_view>

#include <nabla/autodiff.hpp>

namespace {

int failures = 0;

void expect(std::string_view what, double got, double want) {
  const bool ok = std::abs(got - want) <= 1e-12 * std::max(1.0, std::abs(want));
  if (!ok) ++failures;
  fmt::print("{:<44} {:>12.6g}  (expected {:.6g}) {}\n", what, got, want, ok ? "ok" : "FAILED");
}

void tape_by_hand() {
  // [tape]
  nabla::Tape tape;
  nabla::TapeScope scope(tape);  // operations on Vars record on `tape` until scope ends

  const nabla::Var x = tape.variable(3.0);  // independent variables
  const nabla::Var y = tape.variable(-2.0);
  const nabla::Var f = x * x * y + sin(y);  // sin found by argument-dependent lookup

  tape.reverse(f);  // one reverse sweep: adjoints of everything f depends on
  fmt::print("f = {}, df/dx = {}, df/dy = {}\n", f.value(), tape.adjoint(x), tape.adjoint(y));
  // df/dx = 2xy = -12, df/dy = x² + cos(y) = 9 + cos(-2)
  // [end]
  expect("tape: df/dx = 2xy", tape.adjoint(x), 2 * 3.0 * -2.0);
  expect("tape: df/dy = x^2 + cos y", tape.adjoint(y), 9.0 + std::cos(-2.0));
}

void constants() {
  nabla::Tape tape;
  nabla::TapeScope scope(tape);
  const nabla::Var x = tape.variable(2.0);
  // [constants]
  const nabla::Var c = 4.0;    // a constant: records nothing, has no derivative
  const nabla::Var g = c * x;  // recorded as "x times the constant 4"
  const double v = value(g);   // 8: value() reads a Var; there is no conversion to double
  const nabla::Var frozen = stop_gradient(g);  // value 8, but no derivative flows through it
  // [end]
  tape.reverse(g + frozen);
  expect("constants: value(g)", v, 8.0);
  expect("constants: d(g + stop_gradient(g))/dx", tape.adjoint(x), 4.0);
}

void functional() {
  // [functional]
  // f: R -> R
  const double d = nabla::derivative([](nabla::Var t) { return t * exp(t); }, 0.0);  // 1

  // f: R^n -> R, written with nabla::VectorXv (an Eigen vector of Var)
  auto f = [](const nabla::VectorXv& x) { return x[0] * x[0] - x[0] * x[1]; };
  const Eigen::VectorXd g = nabla::gradient(f, Eigen::Vector2d(3, -2));        // (8, -3)
  const auto [fx, gx] = nabla::value_and_gradient(f, Eigen::Vector2d(3, -2));  // 15, (8, -3)

  // f: R^n -> R^m: the m x n Jacobian, one reverse sweep per row
  auto h = [](const nabla::VectorXv& x) {
    nabla::VectorXv y(2);
    y << 5.0 * x[0] * x[0] + 4.0 * x[1] + 1.0, -x[1];
    return y;
  };
  const Eigen::MatrixXd J = nabla::jacobian(h, Eigen::Vector2d(1, 2));  // [[10, 4], [0, -1]]

  // the gradient against central finite differences
  const nabla::GradcheckResult check = nabla::gradcheck(f, Eigen::Vector2d(3, -2));
  fmt::print("gradcheck error {:.1e} (worst at index {})\n", check.error, check.worst_index);
  // [end]
  expect("derivative of t e^t at 0", d, 1.0);
  expect("gradient[0] = 2x - y", g[0], 8.0);
  expect("gradient[1] = -x", g[1], -3.0);
  expect("value_and_gradient: value", fx, 15.0);
  expect("value_and_gradient: gradient[0]", gx[0], 8.0);
  expect("jacobian(0,0) = 10 x1", J(0, 0), 10.0);
  expect("jacobian(0,1)", J(0, 1), 4.0);
  expect("jacobian(1,0)", J(1, 0), 0.0);
  expect("jacobian(1,1)", J(1, 1), -1.0);
  if (!check.passed()) ++failures;
}

void eigen() {
  // [eigen]
  const Eigen::MatrixXd A{{1.0, 2.0}, {0.0, -1.0}};
  const Eigen::VectorXd b{{1.0, 0.0}};
  // l(x) = ‖A x − b‖²: a double matrix times a Var vector is a Var vector
  auto l = [&](const nabla::VectorXv& x) { return (A * x - b).squaredNorm(); };
  const Eigen::VectorXd g = nabla::gradient(l, Eigen::Vector2d(1, 1));  // 2 Aᵀ(Ax − b)
  // [end]
  const Eigen::Vector2d x(1, 1);
  const Eigen::VectorXd want = 2.0 * A.transpose() * (A * x - b);
  expect("eigen: gradient[0] = 2A^T(Ax-b)", g[0], want[0]);
  expect("eigen: gradient[1]", g[1], want[1]);
}

void custom() {
  // [custom]
  // log(cosh x), overflow-free, with derivative tanh x
  const auto log_cosh = nabla::scalar_function<1>(
      "log_cosh",
      [](double x) { return std::abs(x) + std::log1p(std::exp(-2 * std::abs(x))) - std::log(2.0); },
      [](double x) { return std::tanh(x); });
  const double d = nabla::derivative([&](nabla::Var x) { return log_cosh(2.0 * x); }, 0.25);
  // [end]
  expect("custom: d/dx log cosh(2x) = 2 tanh(2x)", d, 2.0 * std::tanh(0.5));
}

void errors() {
  // [errors]
  nabla::Var kept;
  {
    nabla::Tape tape;
    nabla::TapeScope scope(tape);
    kept = tape.variable(1.0);
    tape.clear();  // forgets every record: `kept` is now stale
    try {
      fmt::print("{}\n", value(kept * 2.0));  // throws before printing
    } catch (const nabla::TapeMismatchError& e) {
      fmt::print("{}\n", e.what());  // names the operation, the variable and both stamps
    }
  }
  try {
    fmt::print("{}\n", value(exp(kept)));  // throws: no tape is active any more
  } catch (const nabla::NoActiveTapeError& e) {
    fmt::print("{}\n", e.what());
  }
  {
    nabla::Tape tape;
    tape.set_memory_limit(1 << 20);  // 1 MiB
    nabla::TapeScope scope(tape);
    try {
      nabla::Var s = tape.variable(0.0);
      for (int i = 0; i < 1'000'000; ++i) s = s * 1.000001 + 1.0;
    } catch (const nabla::TapeLimitError& e) {
      fmt::print("{}\n", e.what());  // an exception, not an out-of-memory kill
    }
  }
  // [end]
}

// Each error path above must throw; count the ones that did.
void errors_thrown() {
  int thrown = 0;
  nabla::Var kept;
  {
    nabla::Tape tape;
    nabla::TapeScope scope(tape);
    kept = tape.variable(1.0);
    tape.clear();
    try {
      (void)(kept * 2.0);
    } catch (const nabla::TapeMismatchError&) {
      ++thrown;
    }
  }
  try {
    (void)exp(kept);
  } catch (const nabla::NoActiveTapeError&) {
    ++thrown;
  }
  {
    nabla::Tape tape;
    tape.set_memory_limit(1 << 20);
    nabla::TapeScope scope(tape);
    try {
      nabla::Var s = tape.variable(0.0);
      for (int i = 0; i < 1'000'000; ++i) s = s * 1.000001 + 1.0;
    } catch (const nabla::TapeLimitError&) {
      ++thrown;
    }
  }
  expect("errors: misuse paths that threw", thrown, 3);
}

}  // namespace

int main() {
  tape_by_hand();
  constants();
  functional();
  eigen();
  custom();
  errors();
  errors_thrown();
  fmt::print("{}\n", failures == 0 ? "tutorial: all numbers as stated" : "tutorial: FAILURES");
  return failures == 0 ? 0 : 1;
}
