// Formulas typed as text (docs/formula.md): the lectures' worked examples parsed from strings,
// their gradients and Jacobian compared with the closed forms, and the chain rule of the first
// one printed by explain. With arguments it differentiates your formula:
//   formula "exp(x1)*x2^2" 0,1        value, gradient and Hessian (or the Jacobian for a;b)
// A formula that does not parse prints the error with its column and exits 2.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <nabla/autodiff.hpp>
#include <nabla/autodiff/formula/formula.hpp>
#include <nabla/autodiff/teaching/explain.hpp>

using nabla::Formula;
using nabla::VectorXv;

namespace {

Eigen::VectorXd point(const std::string& text) {
  std::vector<double> v;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) v.push_back(std::stod(item));
  return Eigen::Map<Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

std::string row(const Eigen::VectorXd& v) {
  return fmt::format("({})", fmt::join(v.data(), v.data() + v.size(), ", "));
}

void show(const Formula& f, const Eigen::VectorXd& x) {
  fmt::print("{}  with variables ({}) at {}\n", f.text(), fmt::join(f.variables(), ", "), row(x));
  if (f.outputs() == 1) {
    Eigen::VectorXd g;
    const double value = nabla::value_and_gradient(f, x, g);
    fmt::print("  value    {}\n  gradient {}\n  Hessian\n", value, row(g));
    const Eigen::MatrixXd H = nabla::hessian(f, x);
    for (Eigen::Index i = 0; i < H.rows(); ++i) fmt::print("    {}\n", row(H.row(i)));
  } else {
    fmt::print("  values   {}\n  Jacobian\n", row(f.values(x)));
    const Eigen::MatrixXd J = nabla::jacobian([&](const VectorXv& v) { return f.vector(v); }, x);
    for (Eigen::Index i = 0; i < J.rows(); ++i) fmt::print("    {}\n", row(J.row(i)));
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 3) {
      const Formula f = Formula::parse(argv[1]);
      show(f, point(argv[2]));
      return 0;
    }
    if (argc != 1) {
      fmt::print(stderr, "usage: formula [\"exp(x1)*x2^2\" 0,1]\n");
      return 2;
    }
  } catch (const nabla::FormulaError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 2;
  }
  // The lectures' examples, each checked against its closed form.
  struct Case {
    const char* text;
    Eigen::Vector2d at;
    Eigen::MatrixXd expected;  // gradient (one row) or Jacobian
  };
  const Case cases[] = {
      {"x1^2 - x2", {1, 2}, (Eigen::MatrixXd(1, 2) << 2, -1).finished()},
      {"exp(x1)*x2^2", {0, 1}, (Eigen::MatrixXd(1, 2) << 1, 2).finished()},
      {"5*x1^2 + 4*x2 + 1; -x2", {1, 3}, (Eigen::MatrixXd(2, 2) << 10, 4, 0, -1).finished()},
  };
  int failures = 0;
  for (const Case& c : cases) {
    const Formula f = Formula::parse(c.text);
    show(f, c.at);
    const Eigen::MatrixXd got =
        f.outputs() == 1 ? Eigen::MatrixXd(nabla::gradient(f, c.at).transpose())
                         : nabla::jacobian([&](const VectorXv& v) { return f.vector(v); }, c.at);
    const bool ok = (got - c.expected).cwiseAbs().maxCoeff() == 0.0;
    fmt::print("  {} the slide\n\n", ok ? "equals" : "DIFFERS FROM");
    failures += ok ? 0 : 1;
  }
  // How reverse mode got the second one: every record, its local partials and adjoints.
  fmt::print("{}", nabla::explain(Formula::parse("exp(x1)*x2^2"), Eigen::Vector2d(0, 1)));
  // And what a typo gets.
  try {
    (void)Formula::parse("exp(x1)*x2^2 + 2x1");
  } catch (const nabla::FormulaError& e) {
    fmt::print("\n{}\n", e.what());
  }
  return failures == 0 ? 0 : 1;
}
