// to_dot(): every edge's printed partial against a central difference of its operation, every
// node's printed adjoint against gradient (inputs) and against Σ partial × adjoint of the
// consumers (chain rule), and Graphviz accepts the output.
// g++ 12 at -O3 reports a false -Wrestrict inside std::regex's string handling (GCC bug 105651).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/teaching/dot_export.hpp>
#include <regex>
#include <string>

using nabla::Var;
using nabla::VectorXv;

TEST_CASE("DOT export of the lecture MSE chain") {
  Eigen::Matrix2d a;
  a << 1, 2, 0, -1;
  auto l = [&](const VectorXv& x) {
    const VectorXv y = a * x;
    nabla::label(y[0], "y1");
    nabla::label(y[1], "y2");
    return nabla::label((y[0] - 1) * (y[0] - 1) + y[1] * y[1], "l");
  };
  const Eigen::Vector2d x(2, 1);
  const std::string dot = nabla::to_dot(l, x, nabla::ExplainOptions::exact());
  CAPTURE(dot);
  std::map<int, double> value, adjoint;
  std::map<int, std::string> op;
  const std::regex node(
      R"re(n(\d+) \[label="\{#\d+[^|]*\|([^|]*)\|value (\S+)\|adjoint (\S+)\}")re");
  const std::regex edge(R"re(n(\d+) -> n(\d+) \[label="∂ = (\S+)"\])re");
  for (std::sregex_iterator it(dot.begin(), dot.end(), node), end; it != end; ++it) {
    const int i = std::stoi((*it)[1]);
    op[i] = (*it)[2];
    value[i] = std::stod((*it)[3]);
    adjoint[i] = std::stod((*it)[4]);
  }
  REQUIRE(value.size() >= 6);
  // Inputs: adjoints = ∇ₓl = (2(y₁−1), 4(y₁−1) − 2y₂) with y = (4, −1): (6, 14).
  const Eigen::VectorXd g = nabla::gradient(l, x);
  CHECK(g[0] == 6.0);
  CHECK(g[1] == 14.0);
  CHECK(adjoint.at(0) == 6.0);
  CHECK(adjoint.at(1) == 14.0);
  // Chain rule per node: adjoint = Σ over out-edges of partial × adjoint of the consumer.
  std::map<int, double> from_edges;
  int edges = 0;
  for (std::sregex_iterator it(dot.begin(), dot.end(), edge), end; it != end; ++it) {
    const int from = std::stoi((*it)[1]);
    const int to = std::stoi((*it)[2]);
    const double partial = std::stod((*it)[3]);
    from_edges[from] += partial * adjoint.at(to);
    ++edges;
    // Every operation of this graph is affine or a product/square: the partial of a product
    // record is the other factor's value; of a sum ±1 or the stored coefficient.
    CHECK(std::isfinite(partial));
  }
  CHECK(edges >= 6);
  for (const auto& [i, adj] : adjoint)
    if (from_edges.count(i) != 0) CHECK(adj == doctest::Approx(from_edges[i]));
  CHECK(dot.find("l|") != std::string::npos);

  // Graphviz parses it.
  { std::ofstream("dot_export_test.dot") << dot; }
  const int rc = std::system("dot -Tsvg dot_export_test.dot -o dot_export_test.svg 2>/dev/null");
  if (std::system("command -v dot >/dev/null 2>&1") == 0) CHECK(rc == 0);
  std::remove("dot_export_test.dot");
  std::remove("dot_export_test.svg");
}

TEST_CASE("DOT edge partials against central differences") {
  auto f = [](const VectorXv& x) { return exp(x[0]) * sin(x[1]) / (1.0 + x[0] * x[1]); };
  const Eigen::Vector2d x(0.3, 0.8);
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  const VectorXv xv = nabla::variables(x);
  const Var y = f(xv);
  const std::string dot = nabla::to_dot(tape, y, nabla::ExplainOptions::exact());
  const std::regex edge(R"re(n(\d+) -> n(\d+) \[label="∂ = (\S+)"\])re");
  int checked = 0;
  for (std::sregex_iterator it(dot.begin(), dot.end(), edge), end; it != end; ++it) {
    const auto from = static_cast<std::uint32_t>(std::stoi((*it)[1]));
    const auto to = static_cast<std::size_t>(std::stoi((*it)[2]));
    const double printed = std::stod((*it)[3]);
    const nabla::Op op = tape.op(to);
    const nabla::Kind kind = nabla::op_kind(op);
    const double h = 1e-6;
    double va = tape.value_at(tape.arg0(to));
    double vb = kind == nabla::Kind::Binary ? tape.value_at(tape.arg1(to)) : 0.0;
    const double c = nabla::has_constant(kind) ? tape.constant(tape.arg1(to)) : 0.0;
    double fd = 0.0;
    if (tape.arg0(to) == from)
      fd = (nabla::op_value(op, va + h, vb, c) - nabla::op_value(op, va - h, vb, c)) / (2 * h);
    else
      fd = (nabla::op_value(op, va, vb + h, c) - nabla::op_value(op, va, vb - h, c)) / (2 * h);
    CHECK(printed == doctest::Approx(fd).epsilon(1e-7));
    ++checked;
  }
  CHECK(checked >= 7);
  const Eigen::VectorXd g = nabla::gradient(f, x);
  CHECK(tape.adjoint(xv[0]) == g[0]);
  CHECK(tape.adjoint(xv[1]) == g[1]);
}
