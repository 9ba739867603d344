// explain() and to_dot() on matrix records: the golden text of a two-layer network's loss, its
// printed gradients against the hand-derived backpropagation formulas, the dependency walk
// along matrix edges, an operand used twice, mixed scalar/matrix graphs, precision and column
// alignment.
// g++ 12 at -O3 reports a false -Wrestrict inside std::regex's string handling (GCC bug 105651).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <doctest/doctest.h>

#include <fstream>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <nabla/autodiff/sweeps/dependencies.hpp>
#include <nabla/autodiff/teaching/dot_export.hpp>
#include <nabla/autodiff/teaching/explain.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using nabla::Mat;
using nabla::Var;

namespace {

// The two-layer network of the golden file: loss = mse(W2·relu(W1·x + b1), y).
struct TwoLayer {
  Eigen::MatrixXd w1{3, 2}, b1{3, 1}, w2{1, 3}, x{2, 1}, y{1, 1};
  TwoLayer() {
    w1 << 0.5, -1.5, 0.25, 2, -0.75, 1;
    b1 << 0.1, -0.2, 0.3;
    w2 << 1, -2, 0.5;
    x << 2, 1;
    y << 0.5;
  }
  Var record(nabla::Tape& /*tape*/) const {
    const Mat W1 = nabla::label(nabla::variable(w1), "W1");
    const Mat B1 = nabla::label(nabla::variable(b1), "b1");
    const Mat W2 = nabla::label(nabla::variable(w2), "W2");
    const Mat z = nabla::label(W1 * nabla::constant(x) + B1, "z");
    const Mat h = nabla::label(relu(z), "h");
    return nabla::label(nabla::mse(W2 * h, y), "loss");
  }
};

// The matrix printed after "∂<loss>/∂#k (name) = R×C" (inline "[ … ]" or rows below).
Eigen::MatrixXd printed_gradient(const std::string& text, const std::string& name) {
  std::istringstream in(text.substr(text.find("Gradient:")));
  std::string line;
  const std::regex head("/∂#\\d+ \\(" + name + "\\) = (\\d+)×(\\d+)(.*)");
  const auto parse_row = [](const std::string& row, std::vector<double>& out) {
    std::istringstream cells(row.substr(row.find('[') + 1));
    std::string c;
    while (cells >> c && c != "]") out.push_back(std::stod(c));
  };
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, head)) continue;
    const int rows = std::stoi(m[1]);
    const int cols = std::stoi(m[2]);
    std::vector<double> v;
    if (rows == 1) {
      parse_row(m[3], v);
    } else {
      for (int r = 0; r < rows && std::getline(in, line); ++r) parse_row(line, v);
    }
    REQUIRE(v.size() == static_cast<std::size_t>(rows * cols));
    Eigen::MatrixXd g(rows, cols);
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) g(r, c) = v[static_cast<std::size_t>(r * cols + c)];
    return g;
  }
  FAIL("no gradient line for " << name);
  return {};
}

}  // namespace

TEST_CASE("explain of a two-layer matrix loss: the golden text") {
  const TwoLayer net;
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  const Var loss = net.record(tape);
  const std::string text = nabla::explain(tape, loss);
  const std::string path = std::string(NABLA_REFERENCE_DIR) + "/explain_two_layer.txt";
  std::ifstream golden(path);
  REQUIRE_MESSAGE(golden.good(), "cannot open " << path);
  const std::string expected((std::istreambuf_iterator<char>(golden)),
                             std::istreambuf_iterator<char>());
  if (text != expected) std::ofstream("explain_two_layer.actual.txt") << text;
  CHECK_MESSAGE(text == expected, "explain output differs from " << path
                                                                 << " (written to "
                                                                    "explain_two_layer.actual.txt "
                                                                    "in the test's directory):\n"
                                                                 << text);
}

TEST_CASE("explain of a two-layer matrix loss: printed numbers are backpropagation's") {
  const TwoLayer net;
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  const Var loss = net.record(tape);
  const std::string text = nabla::explain(tape, loss, nabla::ExplainOptions::exact());
  CAPTURE(text);
  // By hand: z = W1·x + b1, h = relu(z), p = W2·h, l = (p − y)²; dp = 2(p − y),
  // dW2 = dp·hᵀ, dh = W2ᵀ·dp, dz = dh ⊙ [z > 0], dW1 = dz·xᵀ, db1 = dz.
  const Eigen::MatrixXd z = net.w1 * net.x + net.b1;
  const Eigen::MatrixXd h = z.cwiseMax(0.0);
  const Eigen::MatrixXd p = net.w2 * h;
  const Eigen::MatrixXd dp = 2.0 * (p - net.y);
  const Eigen::MatrixXd dh = net.w2.transpose() * dp;
  const Eigen::MatrixXd dz = dh.cwiseProduct((z.array() > 0.0).cast<double>().matrix());
  CHECK((printed_gradient(text, "W2") - dp * h.transpose()).cwiseAbs().maxCoeff() <= 1e-15);
  CHECK((printed_gradient(text, "W1") - dz * net.x.transpose()).cwiseAbs().maxCoeff() <= 1e-15);
  CHECK((printed_gradient(text, "b1") - dz).cwiseAbs().maxCoeff() <= 1e-15);
  // The same as gradient_of after a plain sweep, and as explain leaves it.
  CHECK(text.find("loss") != std::string::npos);
  CHECK(text.find("rule: dA += dC·Bᵀ, dB += Aᵀ·dC") != std::string::npos);
  CHECK(text.find("A = #0 (W1) 3×2, B = constant 2×1") != std::string::npos);
  CHECK(text.find("(no variables)") == std::string::npos);
}

TEST_CASE("dependencies follow matrix edges; unused records are left out") {
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  const Mat a = nabla::label(nabla::variable(Eigen::MatrixXd::Ones(2, 2)), "A");
  const Mat unused = nabla::label(a * a, "unused");  // record 1, not on the loss's path
  const Mat b = nabla::label(nabla::variable(Eigen::MatrixXd::Identity(2, 2)), "B");
  const Var l = nabla::sum(cwise_product(b, b));  // records 3, 4
  const std::vector<char> needed = nabla::dependencies(tape, l.index());
  CHECK(needed == std::vector<char>{0, 0, 1, 1, 1});
  const std::string text = nabla::explain(tape, l);
  CAPTURE(text);
  CHECK(text.find("(unused)") == std::string::npos);
  CHECK(text.find("#0 (A)") == std::string::npos);
  // B ⊙ B: one operand under both names, receiving both contributions (2·B).
  CHECK(text.find("→ #2 (B) 2×2 as A and B: += 2×2") != std::string::npos);
  CHECK(text.find("∂#4/∂#2 (B) = 2×2") != std::string::npos);
  (void)unused;
}

TEST_CASE("explain of a graph mixing Vars and Mats lists both kinds of variable") {
  // l = x1 · Σ (M ⊙ M) with M = [x1 x2] built from Vars, plus M(0, 1)² read back as a Var.
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  const nabla::VectorXv xv = nabla::labelled_variables(tape, Eigen::Vector2d(1.5, -2));
  const Mat m(nabla::RowVectorXv(xv.transpose()));
  const Mat w = nabla::label(nabla::variable(Eigen::MatrixXd::Constant(1, 2, 3.0)), "w");
  const Var e = m(0, 1);
  const Var l = xv[0] * nabla::sum(cwise_product(m, w)) + e * e;
  const std::string text = nabla::explain(tape, l, nabla::ExplainOptions::exact());
  CAPTURE(text);
  // ∂l/∂x1 = Σ(m ⊙ w) + x1·w1 = 3·1.5 − 3·2 + 1.5·3 = 3; ∂l/∂x2 = x1·w2 + 2·x2 = 4.5 − 4 = 0.5;
  // ∂l/∂w = x1·m = (2.25, −3).
  CHECK(text.find("∂#9/∂#0 (x1) = 3, ∂#9/∂#1 (x2) = 0.5") != std::string::npos);
  CHECK(text.find("∂#9/∂#3 (w) = 1×2 [ 2.25   -3 ]") != std::string::npos);
  CHECK(text.find("entry (0, 1) of #2") != std::string::npos);
  CHECK(text.find("C(0,0) = #0 (x1), C(0,1) = #1 (x2)") != std::string::npos);
}

TEST_CASE("explain: 6 significant digits by default, the exact doubles on request") {
  auto f = [](const nabla::VectorXv& v) { return log(v[0] * v[0] + 1.0); };
  const std::string short_text = nabla::explain(f, Eigen::VectorXd::Constant(1, 0.7));
  const std::string exact =
      nabla::explain(f, Eigen::VectorXd::Constant(1, 0.7), nabla::ExplainOptions::exact());
  CHECK(short_text.find(" 0.49 ") != std::string::npos);
  CHECK(short_text.find("0.939597") != std::string::npos);  // 2x/(x² + 1) = 0.9395973…
  CHECK(short_text.find("0.48999999999999994") == std::string::npos);
  CHECK(exact.find("0.48999999999999994") != std::string::npos);
  CHECK(exact.find("0.9395973154362416") != std::string::npos);
  nabla::ExplainOptions three;
  three.precision = 3;
  CHECK(nabla::explain(f, Eigen::VectorXd::Constant(1, 0.7), three).find("0.94") !=
        std::string::npos);
}

TEST_CASE("explain: columns stay aligned with long labels; big matrices are summarised") {
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  const Var x = nabla::label(tape.variable(2.0), "a_rather_long_name_for_the_input_variable");
  const Var y = nabla::label(x * x, "its_square_with_an_equally_long_label");
  const Mat big = nabla::variable(Eigen::MatrixXd::Constant(7, 3, 0.5));
  const Var l = y + nabla::sum(big);
  const std::string text = nabla::explain(tape, l);
  CAPTURE(text);
  std::istringstream in(text);
  std::string line;
  std::vector<std::size_t> op_column;
  const auto columns = [](const std::string& s, std::size_t bytes) {
    return nabla::display_width(s.substr(0, bytes));
  };
  while (std::getline(in, line)) {
    if (line.rfind("Reverse", 0) == 0) break;
    if (line.rfind("  #", 0) != 0 && line.rfind("  record", 0) != 0) continue;
    // The operation column starts after the record column's padding.
    std::size_t k = 2;
    while (k < line.size() && line.compare(k, 2, "  ") != 0) ++k;
    while (k < line.size() && line[k] == ' ') ++k;
    op_column.push_back(columns(line, k));
  }
  REQUIRE(op_column.size() >= 5);
  for (const std::size_t c : op_column) CHECK(c == op_column.front());
  CHECK(text.find("7×3: min 0.5, max 0.5, mean 0.5") != std::string::npos);
}

TEST_CASE("to_dot of a matrix loss: matrix nodes, role-labelled edges, constants as nodes") {
  const TwoLayer net;
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  const Var loss = net.record(tape);
  const std::string dot = nabla::to_dot(tape, loss);
  CAPTURE(dot);
  CHECK(dot.find("n0 -> n3 [label=\"A\"]") != std::string::npos);  // W1 as A of W1·x
  CHECK(dot.find("c3_1 -> n3 [label=\"B\", style=dashed]") != std::string::npos);
  CHECK(dot.find("n1 -> n4 [label=\"B\"]") != std::string::npos);  // b1 as B of W1·x + b1
  CHECK(dot.find("dA += dC·Bᵀ, dB += Aᵀ·dC") != std::string::npos);
  CHECK(dot.find("{#7 loss|mse|value 26.01|adjoint 1|") != std::string::npos);
  // The adjoint field of W2 is ∂loss/∂W2 = 2(p − y)·hᵀ.
  const Eigen::MatrixXd z = net.w1 * net.x + net.b1;
  const Eigen::MatrixXd h = z.cwiseMax(0.0);
  const Eigen::MatrixXd gw2 = 2.0 * (net.w2 * h - net.y) * h.transpose();
  std::string expected;
  std::string block;
  nabla::format_value(gw2, nabla::ExplainOptions{}, 0, expected, block);
  CHECK(block.empty());
  CHECK(dot.find("adjoint " + expected) != std::string::npos);
  { std::ofstream("explain_matrix_test.dot") << dot; }
  const int rc =
      std::system("dot -Tsvg explain_matrix_test.dot -o explain_matrix_test.svg 2>/dev/null");
  if (std::system("command -v dot >/dev/null 2>&1") == 0) CHECK(rc == 0);
  std::remove("explain_matrix_test.dot");
  std::remove("explain_matrix_test.svg");
}
