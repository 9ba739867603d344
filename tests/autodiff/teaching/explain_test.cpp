// explain(): the printed local partials against central differences of each operation's
// value, and the printed adjoints and gradient against nabla::gradient.
// g++ 12 at -O3 reports a false -Wrestrict inside std::regex's string handling (GCC bug 105651).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/teaching/explain.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>

using nabla::Var;
using nabla::VectorXv;

namespace {

struct Parsed {
  std::map<int, std::string> op;                  // record → operation
  std::map<int, double> value;                    // record → value
  std::map<int, std::map<int, double>> partials;  // record → input → printed partial
  std::map<int, double> last_now;                 // input → last "(now …)" in the sweep
  std::map<int, double> gradient;                 // input record → printed gradient
};

Parsed parse(const std::string& text) {
  Parsed p;
  std::istringstream in(text);
  std::string line;
  const std::regex record(R"(^  #(\d+)(?: \([^)]*\))?\s+(\S+)\s.*)");
  const std::regex partial(R"(∂/∂#(\d+) = (\S+?)(?:,|$))");
  const std::regex step(R"(^      → #(\d+)(?: \([^)]*\))?: \+= \S+ × \S+ = \S+   \(now (\S+)\))");
  const std::regex grad(R"(∂#\d+(?: \([^)]*\))?/∂#(\d+)(?: \([^)]*\))? = ([^,\s]+))");
  bool forward = true;
  while (std::getline(in, line)) {
    std::smatch m;
    if (line.rfind("Reverse", 0) == 0) forward = false;
    if (forward && std::regex_match(line, m, record)) {
      const int i = std::stoi(m[1]);
      p.op[i] = m[2];
      for (std::sregex_iterator it(line.begin(), line.end(), partial), end; it != end; ++it)
        p.partials[i][std::stoi((*it)[1])] = std::stod((*it)[2]);
    } else if (!forward && std::regex_search(line, m, step)) {
      p.last_now[std::stoi(m[1])] = std::stod(m[2]);
    } else if (line.rfind("Gradient:", 0) == 0) {
      for (std::sregex_iterator it(line.begin(), line.end(), grad), end; it != end; ++it)
        p.gradient[std::stoi((*it)[1])] = std::stod((*it)[2]);
    }
  }
  return p;
}

}  // namespace

TEST_CASE("explain: the lecture gradient ∇(e^{x₁}x₂²) at (0, 1) = (1, 2)") {
  auto f = [](const VectorXv& x) { return exp(x[0]) * x[1] * x[1]; };
  const std::string text = nabla::explain(f, Eigen::Vector2d(0, 1), nabla::ExplainOptions::exact());
  CAPTURE(text);
  const Parsed p = parse(text);
  CHECK(p.gradient.at(0) == 1.0);
  CHECK(p.gradient.at(1) == 2.0);
  CHECK(p.last_now.at(0) == 1.0);
  CHECK(p.last_now.at(1) == 2.0);
  CHECK(p.op.at(2) == "exp");
  CHECK(p.partials.at(2).at(0) == 1.0);  // exp'(0)
  CHECK(text.find("#0 (x1)") != std::string::npos);
}

TEST_CASE("explain: printed partials match central differences, adjoints match gradient") {
  // The record values are read back from a tape recorded the same way, so each printed local
  // partial can be checked against a difference quotient of the operation's value.
  auto f = [](const VectorXv& x) {
    const Var a = nabla::label(x[0] * x[1], "a");
    const Var b = sin(a) + x[2] / (1.0 + x[0] * x[0]);
    return nabla::label(log(b * b + 2.0) - sqrt(x[1]) * tanh(x[2]), "loss");
  };
  const Eigen::Vector3d x(0.7, 1.3, -0.4);
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  const VectorXv xv = nabla::variables(x);
  const Var y = f(xv);
  const std::string text = nabla::explain(tape, y, nabla::ExplainOptions::exact());
  CAPTURE(text);
  CHECK(text.find("(loss)") != std::string::npos);
  CHECK(text.find("(a)") != std::string::npos);
  const Parsed p = parse(text);
  int checked = 0;
  for (const auto& [i, inputs] : p.partials) {
    const nabla::Op op = tape.op(static_cast<std::size_t>(i));
    if (nabla::op_kind(op) != nabla::Kind::Unary && nabla::op_kind(op) != nabla::Kind::Binary &&
        nabla::op_kind(op) != nabla::Kind::BinaryConst &&
        nabla::op_kind(op) != nabla::Kind::ConstBinary)
      continue;
    const auto a0 = tape.arg0(static_cast<std::size_t>(i));
    const auto a1 = tape.arg1(static_cast<std::size_t>(i));
    const bool binary = nabla::op_kind(op) == nabla::Kind::Binary;
    const bool has_c = nabla::has_constant(nabla::op_kind(op));
    const double va = tape.value_at(a0);
    const double vb = binary ? tape.value_at(a1) : 0.0;
    const double c = has_c ? tape.constant(a1) : 0.0;
    const double h = 1e-6;
    const double fd_a =
        (nabla::op_value(op, va + h, vb, c) - nabla::op_value(op, va - h, vb, c)) / (2 * h);
    if (binary && a0 == a1) {
      // x·x style: the two printed partials are for the same input; their sum is d/dx.
      continue;
    }
    CHECK(inputs.at(static_cast<int>(a0)) == doctest::Approx(fd_a).epsilon(1e-7));
    if (binary) {
      const double fd_b =
          (nabla::op_value(op, va, vb + h, c) - nabla::op_value(op, va, vb - h, c)) / (2 * h);
      CHECK(inputs.at(static_cast<int>(a1)) == doctest::Approx(fd_b).epsilon(1e-7));
    }
    ++checked;
  }
  CHECK(checked >= 10);
  const Eigen::VectorXd g = nabla::gradient(f, x);
  for (int k = 0; k < 3; ++k) {
    CHECK(p.gradient.at(k) == g[k]);  // same sweep order: exactly equal
    CHECK(p.last_now.at(k) == g[k]);
  }
  // explain leaves the tape's adjoints as reverse() would.
  for (int k = 0; k < 3; ++k) CHECK(tape.adjoint(xv[k]) == g[k]);
}

TEST_CASE("explain of a constant output") {
  const std::string text =
      nabla::explain([](const VectorXv&) { return Var(2.0); }, Eigen::Vector2d(1, 1));
  CHECK(text.find("constant (2)") != std::string::npos);
}

TEST_CASE("explain and checked_reverse run extension records through their own reverse") {
  // A one-output extension: own value 2·a (its Jacobian applied by the extension itself).
  class Twice final : public nabla::Extension {
   public:
    explicit Twice(std::uint32_t in) : in_(in) {}
    std::string_view name() const noexcept override { return "twice"; }
    void reverse(double own, nabla::Tape& tape) override { tape.add_adjoint_at(in_, 2.0 * own); }
    void add_output_adjoint(std::uint32_t, double) override {}
    double forward(const nabla::Tape& tape) override { return 2.0 * tape.value_at(in_); }
    double output_value(std::uint32_t) const override { return 0.0; }

   private:
    std::uint32_t in_;
  };
  auto f = [](const VectorXv& x) {
    nabla::Tape& tape = *nabla::Tape::active();
    const Var t = tape.push_extension(std::make_unique<Twice>(x[0].index()), 2.0 * x[0].value());
    return t * x[1];
  };
  const std::string text = nabla::explain(f, Eigen::Vector2d(3, 5));
  CAPTURE(text);
  CHECK(text.find("'twice'") != std::string::npos);
  const Parsed p = parse(text);
  CHECK(p.gradient.at(0) == 10.0);
  CHECK(p.gradient.at(1) == 6.0);
}
