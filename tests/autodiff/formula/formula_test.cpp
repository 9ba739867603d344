// Formula: texts parsed and recorded give the value and gradient, bit for bit, of the same
// expression written in C++ (precedence, associativity, constants, every function of the op
// table); the lectures' worked examples by their closed forms; the variable order rules; several
// outputs and the Jacobian; a Hessian against its closed form; one record per elementary
// operation; every error with its column, caret and hint; deep and long texts without recursion.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include <nabla/autodiff.hpp>
#include <nabla/autodiff/formula/formula.hpp>
#include <nabla/autodiff/formula/program.hpp>

using nabla::Formula;
using nabla::FormulaError;
using nabla::Var;
using nabla::VectorXv;

namespace {

using CppFunction = std::function<Var(const VectorXv&)>;

// Value and gradient of the formula equal those of the C++ expression in every bit.
void same_as_cpp(const std::string& text, const CppFunction& cpp, const Eigen::VectorXd& x) {
  CAPTURE(text);
  const Formula f = Formula::parse(text);
  REQUIRE(static_cast<Eigen::Index>(f.variables().size()) == x.size());
  Eigen::VectorXd gf, gc;
  const double vf = nabla::value_and_gradient(f, x, gf);
  const double vc = nabla::value_and_gradient(cpp, x, gc);
  CHECK(vf == vc);
  for (Eigen::Index i = 0; i < x.size(); ++i) CHECK(gf[i] == gc[i]);
}

std::string what(const std::string& text, const nabla::FormulaOptions& options = {}) {
  try {
    (void)Formula::parse(text, options);
  } catch (const FormulaError& e) {
    return e.what();
  }
  return "(parsed)";
}

std::size_t column(const std::string& text, const nabla::FormulaOptions& options = {}) {
  try {
    (void)Formula::parse(text, options);
  } catch (const FormulaError& e) {
    return e.column();
  }
  return 0;
}

}  // namespace

TEST_CASE("precedence, associativity and numbers: the C++ expression's bits") {
  const Eigen::Vector3d x(0.7, -1.3, 2.1);
  using nabla::pow;
  same_as_cpp(
      "x1^2 - x2 + x3", [](const VectorXv& v) { return pow(v[0], 2.0) - v[1] + v[2]; }, x);
  same_as_cpp(
      "-x1^2 + 0*x2*x3", [](const VectorXv& v) { return -pow(v[0], 2.0) + 0.0 * v[1] * v[2]; }, x);
  same_as_cpp(
      "2^-x1 + x2 - x3", [](const VectorXv& v) { return pow(2.0, -v[0]) + v[1] - v[2]; }, x);
  same_as_cpp(
      "x3^x1^2 + x2",  // right-associative: x3^(x1^2)
      [](const VectorXv& v) { return pow(v[2], pow(v[0], 2.0)) + v[1]; }, x);
  same_as_cpp(
      "x1/x2/x3 - x1-x2-x3",  // left-associative
      [](const VectorXv& v) { return v[0] / v[1] / v[2] - v[0] - v[1] - v[2]; }, x);
  same_as_cpp(
      "x1 ** 3 * x2 + (x3 - 1) * (x3 + 1)",
      [](const VectorXv& v) { return pow(v[0], 3.0) * v[1] + (v[2] - 1.0) * (v[2] + 1.0); }, x);
  same_as_cpp(
      "1e-3*x1 + .5*x2 + 5.*x3 + 2.5E+2",
      [](const VectorXv& v) { return 1e-3 * v[0] + 0.5 * v[1] + 5.0 * v[2] + 250.0; }, x);
  same_as_cpp(
      "pi*x1 + e*x2 - +x3",
      [](const VectorXv& v) { return std::numbers::pi * v[0] + std::numbers::e * v[1] - v[2]; }, x);
  same_as_cpp(
      "-(x1 - x2) * --x3", [](const VectorXv& v) { return -(v[0] - v[1]) * -(-v[2]); }, x);
  same_as_cpp(
      "exp(x1)*x2^2/sqrt(x3)",
      [](const VectorXv& v) { return exp(v[0]) * pow(v[1], 2.0) / sqrt(v[2]); }, x);
  same_as_cpp(
      "sigmoid(x1) + softplus(x2) + hypot(x1, x2) + atan2(x2, x3) + max(x1, 0.5) + "
      "min(2, x3) + pow(x3, x1) + abs(x2) + relu(x2) + erf(x1) + tanh(x3)",
      [](const VectorXv& v) {
        // One statement per term: C++ leaves the order of a + b's operands open, the formula
        // records left to right, and the order of the adjoint sums shows in the last bit.
        Var s = sigmoid(v[0]);
        s = s + softplus(v[1]);
        s = s + hypot(v[0], v[1]);
        s = s + atan2(v[1], v[2]);
        s = s + max(v[0], Var(0.5));
        s = s + min(Var(2.0), v[2]);
        s = s + pow(v[2], v[0]);
        s = s + abs(v[1]);
        s = s + relu(v[1]);
        s = s + erf(v[0]);
        return s + tanh(v[2]);
      },
      x);
  // Whitespace anywhere between tokens, and a sign in an exponent.
  same_as_cpp(
      " x1\t*\n(x2 ^ -2 + x3 ) ", [](const VectorXv& v) { return v[0] * (pow(v[1], -2.0) + v[2]); },
      x);
}

TEST_CASE("every elementary function of the op table, by its C++ name") {
  // The table of names is generated from NABLA_OP_TABLE; this walks it and compares each
  // function with the Var function of the same name at a point where all are defined.
  const std::vector<std::pair<std::string, std::function<Var(const Var&, const Var&)>>> cpp = {
#define NABLA_TEST_FN1(Name, f) {#f, [](const Var& a, const Var&) { return nabla::f(a); }},
#define NABLA_TEST_FN(Name, ...) NABLA_OP_EACH_NAME(NABLA_TEST_FN1, Name, __VA_ARGS__)
#define NABLA_TEST_FN_AB(Name, f, AC, CA) \
  {#f, [](const Var& a, const Var& b) { return nabla::f(a, b); }},
#define NABLA_TEST_NONE(Name, ...)
#define NABLA_TEST_FN_AC NABLA_TEST_NONE
#define NABLA_TEST_FN_CA NABLA_TEST_NONE
#define NABLA_TEST_FN_AC_CA NABLA_TEST_NONE
#define NABLA_TEST_OP_A NABLA_TEST_NONE
#define NABLA_TEST_OP_AB NABLA_TEST_NONE
#define NABLA_TEST_OP_AC NABLA_TEST_NONE
#define NABLA_TEST_OP_CA NABLA_TEST_NONE
#define NABLA_TEST_OP_AC_CA NABLA_TEST_NONE
#define NABLA_X(P, Name, kind, text, kink, inf, mat, form, ...) NABLA_TEST_##form(Name, __VA_ARGS__)
      NABLA_OP_TABLE(NABLA_X, )
#undef NABLA_X
  };
  CHECK(cpp.size() == nabla::detail::formula_functions().size());
  const Eigen::Vector2d x(0.3, 0.6);
  for (const auto& [name, f] : cpp) {
    const auto& functions = nabla::detail::formula_functions();
    const bool binary = std::find_if(functions.begin(), functions.end(), [&](const auto& g) {
                          return g.name == name && g.arity == 2;
                        }) != functions.end();
    const std::string text = binary ? name + "(x1, x2)" : name + "(x1) + 0*x2";
    same_as_cpp(text,
                binary
                    ? CppFunction([&f](const VectorXv& v) { return f(v[0], v[1]); })
                    : CppFunction([&f](const VectorXv& v) { return f(v[0], v[0]) + 0.0 * v[1]; }),
                x);
  }
}

TEST_CASE("the lectures' worked examples") {
  // 000: ∇(x₁² − x₂) at (1, 2) = (2, −1).
  const Eigen::VectorXd g1 = nabla::gradient(Formula::parse("x1^2 - x2"), Eigen::Vector2d(1, 2));
  CHECK(g1[0] == 2.0);
  CHECK(g1[1] == -1.0);
  // 002: ∇(e^{x₁}·x₂²) at (0, 1) = (1, 2).
  const Eigen::VectorXd g2 = nabla::gradient(Formula::parse("exp(x1)*x2^2"), Eigen::Vector2d(0, 1));
  CHECK(g2[0] == 1.0);
  CHECK(g2[1] == 2.0);
  // 002: the Jacobian of (5x₁² + 4x₂ + 1, −x₂) at (1, 3) = [[10, 4], [0, −1]].
  const Formula f = Formula::parse("5*x1^2 + 4*x2 + 1; -x2");
  CHECK(f.outputs() == 2);
  const Eigen::MatrixXd J =
      nabla::jacobian([&](const VectorXv& v) { return f.vector(v); }, Eigen::Vector2d(1, 3));
  CHECK(J(0, 0) == 10.0);
  CHECK(J(0, 1) == 4.0);
  CHECK(J(1, 0) == 0.0);
  CHECK(J(1, 1) == -1.0);
  CHECK(f.values(Eigen::Vector2d(1, 3)) == Eigen::Vector2d(18, -3));
}

TEST_CASE("a Hessian against its closed form; one record per elementary operation") {
  const Formula f = Formula::parse("x1^2*x2 + sin(x1)");
  const Eigen::Vector2d x(0.4, -1.1);
  const Eigen::MatrixXd H = nabla::hessian(f, x);
  CHECK(H(0, 0) == doctest::Approx(2 * x[1] - std::sin(x[0])).epsilon(1e-15));
  CHECK(H(0, 1) == doctest::Approx(2 * x[0]).epsilon(1e-15));
  CHECK(H(1, 0) == doctest::Approx(2 * x[0]).epsilon(1e-15));
  CHECK(H(1, 1) == 0.0);
  // exp(x1)*x2^2: exp, pow_const, mul after the two inputs; 2*3 folds to one constant.
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  const Var a = tape.variable(0.0), b = tape.variable(1.0);
  const std::vector<Var> in = {a, b};
  (void)Formula::parse("exp(x1)*x2^2").record(in);
  CHECK(tape.size() == 5);
  (void)Formula::parse("(2*3)*x1 + x2").record(in);
  CHECK(tape.size() == 7);  // mul_const, add
}

TEST_CASE("variables: x1 … xn in natural order, first appearance, or as declared") {
  CHECK(Formula::parse("x10 + x2 + x1").variables() ==
        std::vector<std::string>{"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10"});
  CHECK(Formula::parse("x3").variables() == std::vector<std::string>{"x1", "x2", "x3"});
  CHECK(Formula::parse("x1 + x0").variables() == std::vector<std::string>{"x0", "x1"});
  CHECK(Formula::parse("b*a + c - b").variables() == std::vector<std::string>{"b", "a", "c"});
  CHECK(Formula::parse("x01 + x1").variables() == std::vector<std::string>{"x01", "x1"});
  CHECK(Formula::parse("y*x1").variables() == std::vector<std::string>{"y", "x1"});
  const Formula declared = Formula::parse("a*b", {.variables = {"b", "a", "c"}});
  CHECK(declared.variables() == std::vector<std::string>{"b", "a", "c"});
  const Eigen::VectorXd g = nabla::gradient(declared, Eigen::Vector3d(2, 5, 7));
  CHECK(g == Eigen::Vector3d(5, 2, 0));
  // A declared e is a variable, not Euler's number.
  CHECK(Formula::parse("e^2", {.variables = {"e"}}).values(Eigen::VectorXd::Constant(1, 3))[0] ==
        9.0);
  CHECK(Formula::parse("e").values(Eigen::VectorXd(0))[0] == std::numbers::e);
  CHECK_THROWS_WITH_AS((void)Formula::parse("x", {.variables = {"x", "x"}}),
                       doctest::Contains("'x' is listed twice"), nabla::Error);
  CHECK_THROWS_WITH_AS((void)Formula::parse("x", {.variables = {"2x"}}),
                       doctest::Contains("'2x' is not a name"), nabla::Error);
  CHECK(column("x1 + x10001") == 6);
  CHECK(what("x1 + x10001").find("x10001 is past x10000") != std::string::npos);
}

TEST_CASE("shapes: x of the wrong size, several outputs where one is expected") {
  const Formula f = Formula::parse("x1 + x2; x1");
  CHECK_THROWS_WITH_AS((void)f.values(Eigen::VectorXd::Zero(3)),
                       doctest::Contains("has 2 variables (x1, x2), x has 3 values"),
                       nabla::ShapeError);
  CHECK_THROWS_WITH_AS((void)nabla::gradient(f, Eigen::Vector2d(1, 2)),
                       doctest::Contains("has 2 outputs"), nabla::ShapeError);
}

TEST_CASE("errors name the column, show a caret and hint at the fix") {
  CHECK(what("exp(x1)*") ==
        "nabla::Formula: expected an operand after '*', not the end at column 8\n"
        "  exp(x1)*\n"
        "         ^");
  CHECK(column("2x") == 2);
  CHECK(what("2x").find("implicit multiplication is not supported: write '*' between '2' and "
                        "'x' (2*x, not 2x)") != std::string::npos);
  CHECK(column("x1 (x2+1)") == 4);
  CHECK(what("x1 (x2+1)").find("between 'x1' and '('") != std::string::npos);
  CHECK(what("x1(x2+1)").find("unknown function 'x1' (a product is written x1*(…))") !=
        std::string::npos);
  CHECK(column("(x1)(x2)") == 5);
  CHECK(what("sinn(x)").find("unknown function 'sinn'; did you mean 'sin'?") != std::string::npos);
  CHECK(what("sqr(x)").find("did you mean 'sqrt'?") != std::string::npos);
  CHECK(what("frobnicate(x)").find("did you mean") == std::string::npos);
  CHECK(what("sin x").find("'sin' is a function: write sin(…)") != std::string::npos);
  CHECK(what("pi(x)").find("'pi' is not a function") != std::string::npos);
  CHECK(what("pow(x)").find("pow takes 2 arguments, not 1") != std::string::npos);
  CHECK(what("exp(x, y)").find("exp takes 1 argument, not 2") != std::string::npos);
  CHECK(column("x + (y * 2") == 5);
  CHECK(what("x + (y * 2").find("this '(' is never closed") != std::string::npos);
  CHECK(what("sin(x").find("sin( is never closed") != std::string::npos);
  CHECK(column("x + )") == 5);
  CHECK(what("x + )").find("expected a number, a name or '(', not ')'") != std::string::npos);
  CHECK(column("x)") == 2);
  CHECK(what("x)").find("expected an operator, ';' or the end, not ')'") != std::string::npos);
  CHECK(what("").find("the formula is empty at column 1") != std::string::npos);
  CHECK(what("   ").find("the formula is empty") != std::string::npos);
  CHECK(what("x;").find("expected another output after ';'") != std::string::npos);
  CHECK(what("1e999*x").find("the number 1e999 is out of range of a double") != std::string::npos);
  CHECK(what("x # y").find("unexpected character '#'") != std::string::npos);
  CHECK(column("x + y²") == 6);  // characters, not bytes
  CHECK(what("x + y²").find("write x^2") != std::string::npos);
  CHECK(what("2 × x").find("write * for a product") != std::string::npos);
  CHECK(what("a − b").find("ASCII hyphen") != std::string::npos);
  CHECK(what("x + z", {.variables = {"x", "y"}})
            .find("unknown variable 'z' (the variables are x, y)") != std::string::npos);
  CHECK(what("x + yy", {.variables = {"x", "y"}}).find("did you mean 'y'?") != std::string::npos);
  CHECK(column("x + z", {.variables = {"x", "y"}}) == 5);
}

TEST_CASE("deep nesting is an error at a column; long texts record without recursion") {
  const std::string deep = std::string(300, '(') + "x" + std::string(300, ')');
  CHECK(what(deep).find("nesting deeper than 200 levels") != std::string::npos);
  CHECK(Formula::parse(deep, {.max_depth = 400}).values(Eigen::VectorXd::Constant(1, 2.0))[0] ==
        2.0);
  CHECK(what(std::string(100000, '-') + "x").find("nesting deeper") != std::string::npos);
  CHECK(
      what("x" + std::string(50000, '^') + "2").find("expected a number, a name or '(', not '^'") !=
      std::string::npos);
  std::string power = "x";
  for (int i = 0; i < 150; ++i) power += "^x";
  CHECK_NOTHROW((void)Formula::parse(power));
  // 10⁵ terms in one sum: parsed by a loop and recorded in one pass.
  std::string sum = "x";
  for (int i = 1; i < 100000; ++i) sum += "+x";
  const Formula f = Formula::parse(sum);
  CHECK(f.values(Eigen::VectorXd::Constant(1, 0.5))[0] == 50000.0);
  CHECK(nabla::gradient(f, Eigen::VectorXd::Constant(1, 0.5))[0] == 100000.0);
}

TEST_CASE("random and mutated texts: a Formula or a FormulaError with a column inside the text") {
  // 10⁵ texts of at most 1 kB (issue 15; CI runs this under ASan+UBSan too): fragments of the
  // language and of typos, glued at random, then mutated byte by byte (also to bytes that are
  // not UTF-8). The parser must never crash, hang, leak or throw anything else.
  const std::vector<std::string> pieces = {
      "x1",    "x2",    "x10", "y",  "_a", "e",    "pi",   "2",    "0.5",  ".5",
      "1e-3",  "1e999", "5.",  "2e", "+",  "-",    "*",    "/",    "^",    "**",
      "(",     ")",     ",",   ";",  " ",  "exp(", "sin(", "pow(", "max(", "atan2(",
      "sinn(", "x²",    "×",   "−",  "\t", "#",    "\xff", "\xc3"};
  std::uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  int parsed = 0, rejected = 0;
  std::size_t longest = 0;
  for (int round = 0; round < 100000; ++round) {
    std::string text;
    // Mostly short texts; every tenth up to 1 kB.
    const std::size_t n = 1 + next() % (round % 10 == 0 ? 800 : 24);
    for (std::size_t k = 0; k < n && text.size() < 1024; ++k)
      text += pieces[next() % pieces.size()];
    text.resize(std::min<std::size_t>(text.size(), 1024));
    longest = std::max(longest, text.size());
    if (round % 2 == 1)
      for (std::size_t k = 0, m = next() % 4; k < m && !text.empty(); ++k)
        text[next() % text.size()] = static_cast<char>(next() % 256);
    try {
      const Formula f = Formula::parse(text);
      (void)f.values(
          Eigen::VectorXd::Constant(static_cast<Eigen::Index>(f.variables().size()), 0.25));
      ++parsed;
    } catch (const FormulaError& e) {
      ++rejected;
      std::size_t characters = 0;
      for (const char c : text) characters += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
      CHECK_MESSAGE((e.column() >= 1 && e.column() <= characters + 1), text);
      CHECK(std::string(e.what()).find(" at column ") != std::string::npos);
    }
  }
  MESSAGE(parsed, " parsed, ", rejected, " rejected with a column; longest ", longest, " bytes");
  CHECK(parsed + rejected == 100000);
  CHECK(longest == 1024);
  CHECK(parsed > 100);
  CHECK(rejected > 100);
}
