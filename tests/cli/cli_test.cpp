// The `nabla` command line, run as a user runs it (a child process per call): the lectures'
// numbers exactly, a 228-formula corpus against SymPy's symbolic derivatives at 30 digits
// (tests/cli/sympy_reference.py wrote corpus_reference.json), explain's adjoints against the
// gradient bit for bit, the chain of Jacobians in both orders, golden outputs and the errors.
// NABLA_CLI is the executable, NABLA_CLI_DATA this folder (tests/cli/meson.build sets both).
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

struct Run {
  int status = -1;
  std::string out;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (const char c : s) {
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
  }
  q += '\'';
  return q;
}

// Runs nabla with `args`; stderr joins stdout when `with_stderr`.
Run nabla(const std::vector<std::string>& args, bool with_stderr = false) {
  std::string command = quote(std::getenv("NABLA_CLI"));
  for (const std::string& a : args) command += fmt::format(" {}", quote(a));
  command += with_stderr ? " 2>&1" : " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  Run r;
  std::array<char, 4096> buffer{};
  for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0;)
    r.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

json nabla_json(std::vector<std::string> args) {
  args.emplace_back("--json");
  const Run r = nabla(args);
  INFO(r.out);
  REQUIRE(r.status == 0);
  return json::parse(r.out);
}

std::string data_path(const std::string& name) {
  return fmt::format("{}/{}", std::getenv("NABLA_CLI_DATA"), name);
}

std::string point_text(const json& point) {
  std::string s;
  for (const auto& v : point) {
    if (!s.empty()) s += ",";
    // The corpus's points are short decimals: the same text reads back as the same double.
    std::ostringstream o;
    o.precision(17);
    o << v.get<double>();
    s += o.str();
  }
  return s;
}

std::string names_text(const json& names) {
  std::string s;
  for (const auto& n : names) s += fmt::format("{}{}", s.empty() ? "" : ",", n.get<std::string>());
  return s;
}

double number(const json& j) {
  if (j.is_string()) {
    const std::string s = j.get<std::string>();
    return s == "nan" ? NAN : s == "inf" ? INFINITY : -INFINITY;
  }
  return j.get<double>();
}

const json& corpus() {
  static const json c = [] {
    std::ifstream in(data_path("corpus_reference.json"));
    REQUIRE(in.good());
    return json::parse(in);
  }();
  return c["entries"];
}

bool close(double a, double b) { return std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(b)); }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("the lectures' examples, exactly as on the slides") {
  // 000: ∇(x₁² − x₂) at (1, 2) = (2, −1); ∇(e^{x₁}x₂²) at (0, 1) = (1, 2).
  json j = nabla_json({"grad", "x1^2 - x2", "--at", "1,2"});
  CHECK(j["value"] == -1.0);
  CHECK(j["gradient"] == json({2.0, -1.0}));
  j = nabla_json({"grad", "exp(x1)*x2^2", "--at", "0,1"});
  CHECK(j["value"] == 1.0);
  CHECK(j["gradient"] == json({1.0, 2.0}));
  // 001/002: the Jacobian of (5x₁² + 4x₂ + 1, −x₂) is [[10x₁, 4], [0, −1]].
  j = nabla_json({"jacobian", "5*x1^2+4*x2+1; -x2", "--at", "1,3"});
  CHECK(j["values"] == json({18.0, -3.0}));
  CHECK(j["jacobian"] == json({{10.0, 4.0}, {0.0, -1.0}}));
  // 004: ∇(x²y) = (2xy, x²) and ∇(x² − xy) = (2x − y, −x), here at (3, 2).
  j = nabla_json({"grad", "x^2*y", "--at", "3,2"});
  CHECK(j["variables"] == json({"x", "y"}));
  CHECK(j["gradient"] == json({12.0, 9.0}));
  j = nabla_json({"grad", "x^2 - x*y", "--at", "3,2"});
  CHECK(j["gradient"] == json({4.0, -3.0}));
  // 002: the second-order check.
  CHECK(nabla_json({"hessian", "x1^2 + x2^2", "--at", "0,0"})["second_order"] == "minimum");
  CHECK(nabla_json({"hessian", "-x1^2 - 3*x2^2", "--at", "0,0"})["second_order"] == "maximum");
  CHECK(nabla_json({"hessian", "x1^2 - x2^2", "--at", "0,0"})["second_order"] == "saddle");
  CHECK(nabla_json({"hessian", "x1^4 + x2^2", "--at", "0,0"})["second_order"] == "inconclusive");
  CHECK(nabla_json({"hessian", "x1^2 + x2^2", "--at", "1,0"})["second_order"] == "not stationary");
  j = nabla_json({"hessian", "x1^2*x2 + x2^3", "--at", "1,2"});
  CHECK(j["hessian"] == json({{4.0, 2.0}, {2.0, 12.0}}));  // [[2x₂, 2x₁], [2x₁, 6x₂]]
  // 004: gradient descent on (x − 3)² from 0 with h = 0.25: x_t = 3(1 − 2⁻ᵗ), exact in binary.
  j = nabla_json(
      {"minimize", "(x1 - 3)^2", "--from", "0", "--lr", "0.25", "--iterations", "10", "--history"});
  CHECK(j["method"] == "gradient_descent");
  CHECK(j["iterations"] == 10);
  CHECK(j["x"][0] == 3.0 * (1.0 - std::ldexp(1.0, -10)));
  const json& rows = j["history"];
  REQUIRE(rows.size() == 11);
  for (int t = 0; t <= 10; ++t) {
    CHECK(rows[static_cast<std::size_t>(t)]["x"][0] == 3.0 * (1.0 - std::ldexp(1.0, -t)));
    CHECK(rows[static_cast<std::size_t>(t)]["loss"] == 9.0 * std::ldexp(1.0, -2 * t));
  }
}

TEST_CASE("the MSE chain of 001: A_l = A_f·A_g·A_k in both orders") {
  // k: (w1, w2, x1, x2) ↦ ⟨w, x⟩, g: u ↦ u − 3, f: r ↦ r²; at w = (0.5, −1), x = (1, 2):
  // ⟨w, x⟩ = −1.5, r = −4.5, ∂l/∂w = 2r·x = (−9, −18), ∂l/∂x = 2r·w = (−4.5, 9).
  const json j = nabla_json({"chain", "--stages", "w1*x1 + w2*x2", "u - 3", "r^2", "--vars",
                             "w1,w2,x1,x2", "--at", "0.5,-1,1,2"});
  const json want = json({{-9.0, -18.0, -4.5, 9.0}});
  CHECK(j["from_left"].back() == want);
  CHECK(j["from_right"].back() == want);
  CHECK(j["direct"] == want);
  CHECK(j["left_multiply_adds"] == 1 * 1 * 1 + 1 * 1 * 4);   // (A_f·A_g)·A_k: row vectors
  CHECK(j["right_multiply_adds"] == 1 * 1 * 4 + 1 * 1 * 4);  // A_f·(A_g·A_k)
  // The same stages written as one argument.
  CHECK(nabla_json({"chain", "w1*x1 + w2*x2 | u - 3 | r^2", "--vars", "w1,w2,x1,x2", "--at",
                    "0.5,-1,1,2"})["direct"] == want);
}

TEST_CASE("gradient, Jacobian and Hessian of 228 formulas equal SymPy's at 30 digits") {
  const json& entries = corpus();
  REQUIRE(entries.size() >= 200);
  int compared = 0, wrong = 0;
  for (const json& e : entries) {
    const std::string f = e["formula"];
    const std::vector<std::string> args = {"--at", point_text(e["point"]), "--vars",
                                           names_text(e["variables"])};
    const bool scalar = e.contains("hessian");
    std::vector<std::string> call = {scalar ? "hessian" : "jacobian", f};
    call.insert(call.end(), args.begin(), args.end());
    const json j = nabla_json(call);
    const auto check = [&](double a, double b, const char* what) {
      ++compared;
      if (!close(a, b)) {
        ++wrong;
        FAIL_CHECK(what, " of ", f, " at ", point_text(e["point"]), ": nabla ", a, ", SymPy ", b);
      }
    };
    const json& values = scalar ? json::array({j["value"]}) : j["values"];
    for (std::size_t k = 0; k < e["values"].size(); ++k)
      check(number(values[k]), e["values"][k], "value");
    const json& jac = e["jacobian"];
    for (std::size_t k = 0; k < jac.size(); ++k)
      for (std::size_t i = 0; i < jac[k].size(); ++i)
        check(number(scalar ? j["gradient"][i] : j["jacobian"][k][i]), jac[k][i], "derivative");
    if (scalar)
      for (std::size_t i = 0; i < e["hessian"].size(); ++i)
        for (std::size_t l = 0; l < e["hessian"][i].size(); ++l)
          check(number(j["hessian"][i][l]), e["hessian"][i][l], "second derivative");
  }
  MESSAGE(compared, " numbers compared, ", wrong, " beyond 1e-12·max(1, |b|)");
  CHECK(wrong == 0);
}

TEST_CASE("explain --json: the adjoints it prints are the gradient, bit for bit") {
  for (const json& e : corpus()) {
    const std::string f = e["formula"];
    const std::vector<std::string> args = {"--at", point_text(e["point"]), "--vars",
                                           names_text(e["variables"])};
    std::vector<std::string> call = {"explain", f};
    call.insert(call.end(), args.begin(), args.end());
    const json ex = nabla_json(call);
    // The gradient as `nabla grad` prints it (a scalar formula), else the Jacobian's rows.
    const bool scalar = e.contains("hessian");
    call[0] = scalar ? "grad" : "jacobian";
    const json reply = nabla_json(call);
    const json jac = scalar ? json::array({reply["gradient"]}) : reply["jacobian"];
    REQUIRE(ex["outputs"].size() == jac.size());
    for (std::size_t k = 0; k < jac.size(); ++k) {
      const json& t = ex["outputs"][k];
      INFO(f, " output ", k + 1);
      CHECK(t["gradient"] == jac[k]);
      // The adjoint the printed sweep reaches at each input record (its step, or the running
      // total after the last contribution to it) is its gradient entry; an input the sweep never
      // reaches has gradient 0.
      for (std::size_t v = 0; v < e["variables"].size(); ++v) {
        double at_step = 0.0, last_after = 0.0;
        bool contributed = false;
        for (const json& r : t["records"]) {
          if (r["operation"] != "input" ||
              r.value("label", std::string()) != e["variables"][v].get<std::string>())
            continue;
          for (const json& s : t["steps"]) {
            if (s["record"] == r["index"]) at_step = number(s["adjoint"]);
            for (const json& c : s["contributions"])
              if (c["input"] == r["index"]) {
                last_after = number(c["after"]);
                contributed = true;
              }
          }
        }
        CHECK(at_step == number(jac[k][v]));
        if (contributed) CHECK(last_after == number(jac[k][v]));
      }
    }
  }
}

TEST_CASE("the chain of Jacobians: both orders agree with each other and the direct Jacobian") {
  // Every corpus formula F in x1 … xn, composed as S∘F∘P: P(x)_i = x_i + 0.1 sin(x_{i+1}) before
  // it and S(u) = (Σ u_k²/2; Σ sin(u_k)) after it, so that (A_S·A_F)·A_P and A_S·(A_F·A_P) are
  // different products. They may differ by rounding only: |L − R| ≤ 1e-15·(|A_S|·|A_F|·|A_P|),
  // the bound of the two summation orders.
  int chains = 0;
  for (const json& e : corpus()) {
    const std::size_t n = e["variables"].size();
    bool natural = true;
    for (std::size_t i = 0; i < n; ++i)
      natural = natural && e["variables"][i] == fmt::format("x{}", i + 1);
    // Later stages infer their variables (x1 … xn from the text): F must name its last one.
    const std::string text = e["formula"];
    if (!natural || text.find(fmt::format("x{}", n)) == std::string::npos) continue;
    std::string p;
    for (std::size_t i = 1; i <= n; ++i)
      p += fmt::format("{}x{} + 0.1*sin(x{})", i > 1 ? "; " : "", i, i % n + 1);
    const std::size_t m = e["values"].size();
    std::string s1, s2;
    for (std::size_t k = 1; k <= m; ++k) {
      s1 += fmt::format("{}x{}^2/2", k > 1 ? " + " : "", k);
      s2 += fmt::format("{}sin(x{})", k > 1 ? " + " : "", k);
    }
    const json j = nabla_json(
        {"chain", p, e["formula"], fmt::format("{}; {}", s1, s2), "--at", point_text(e["point"])});
    ++chains;
    const json& A = j["jacobians"];
    const json& L = j["from_left"].back();
    const json& R = j["from_right"].back();
    for (std::size_t r = 0; r < L.size(); ++r)
      for (std::size_t c = 0; c < L[r].size(); ++c) {
        double bound = 0.0;  // (|A_S|·|A_F|·|A_P|)_rc
        for (std::size_t a = 0; a < m; ++a)
          for (std::size_t b = 0; b < n; ++b)
            bound += std::abs(number(A[2][r][a])) * std::abs(number(A[1][a][b])) *
                     std::abs(number(A[0][b][c]));
        INFO(e["formula"].get<std::string>(), " entry ", r, ",", c);
        CHECK(std::abs(number(L[r][c]) - number(R[r][c])) <= 1e-15 * bound);
        CHECK(std::abs(number(L[r][c]) - number(j["direct"][r][c])) <= 1e-15 * bound);
      }
  }
  MESSAGE(chains, " chains");
  CHECK(chains >= 150);
}

TEST_CASE("golden outputs: one case of each command, byte for byte, the same on every run") {
  std::ifstream cases(data_path("golden/cases.txt"));
  REQUIRE(cases.good());
  int n = 0;
  for (std::string line; std::getline(cases, line);) {
    if (line.empty() || line[0] == '#') continue;
    // NAME<TAB>arg<TAB>arg…
    std::vector<std::string> fields;
    std::stringstream in(line);
    for (std::string f; std::getline(in, f, '\t');) fields.push_back(f);
    const std::string name = fields.front();
    const std::vector<std::string> args(fields.begin() + 1, fields.end());
    const Run first = nabla(args, true);
    const Run second = nabla(args, true);
    INFO(name);
    CHECK(first.out == second.out);
    CHECK(first.out == read_file(data_path(fmt::format("golden/{}.txt", name))));
    ++n;
  }
  CHECK(n >= 10);
}

TEST_CASE("every mistake is a clear message and a non-zero exit status") {
  struct Case {
    std::vector<std::string> args;
    int status;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"grad", "2x1 + 1", "--at", "1"}, 2, "column 2"},
      {{"grad", "2x1 + 1", "--at", "1"}, 2, "2*x"},
      {{"grad", "sinn(x1)", "--at", "1"}, 2, "sin"},
      {{"grad", "x1 + (x2", "--at", "1,2"}, 2, "^"},
      {{"grad", "x1 + x2", "--at", "1"}, 2, "2 variables"},
      {{"grad", "x1 + x2"}, 2, "--at is missing"},
      {{"grad", "x1", "--at", "1,nan"}, 2, "--at"},
      {{"grad", "x1", "--at", "abc"}, 2, "not a number"},
      {{"grad", "x1; x2", "--at", "1,2"}, 2, "jacobian"},
      {{"grad", "x1", "--at", "1", "--jsno"}, 2, "--json"},
      {{"gard", "x1"}, 2, "unknown command"},
      {{"minimize", "x1", "--from", "1", "--method", "adamm"}, 2, "adam"},
      {{"minimize", "-x1^2", "--from", "1", "--lr", "0.6"}, 1, "diverged"},
      {{"minimize", "x1^2", "--from", "1", "--schedule", "power"}, 2, "power:P"},
      {{"minimize", "x1^2", "--from", "1", "--until", "gradd<1"}, 2, "grad"},
      {{"chain", "x1*x2", "u1 + u2", "--at", "1,2"}, 2, "stage 2"},
      {{"dot", "x1; x2", "--at", "1,2"}, 2, "--output"},
      {{"explain", "x1", "--at", "1", "--output", "2"}, 2, "1 output"},
      {{"check", "x1^2", "--at", "1", "--step", "0.5", "--tolerance", "1e-12"}, 0, "passed"},
      {{"check", "relu(x1)", "--at", "0"}, 1, "FAILED"},  // a kink: (h − 0)/2h = 0.5 ≠ 0
      {{"explain", "exp(x1)", "--at", "1", "--html", "/nonexistent/dir/page.html"},
       1,
       "cannot write"},
  };
  // The review's probes: each would have crashed, or answered without saying it was wrong.
  const std::vector<Case> more = {
      {{"hessian", "2+3", "--json"}, 0, "\"second_order\": \"no variables\""},
      {{"chain", "2+3"}, 2, "no variables"},
      {{"explain", "x1", "--at", "1", "--forward", "--html", "p.html"}, 2, "drop --forward"},
      {{"hessian", "x1^2 + x2", "--at", "0,0", "--tolerance", "nan"}, 2, "finite"},
      {{"hessian", "x1^2", "--at", "0", "--tolerance", "-1"}, 2, "negative"},
      {{"check", "x1^2", "--at", "1", "--step", "0"}, 2, "not positive"},
      {{"grad", "x1", "--at", "1", "--at", "2"}, 2, "given twice"},
      {{"minimize", "x1^2", "--from", "1", "--iterations", "-1"}, 2, "negative"},
      {{"minimize", "x1^2", "--from", "1", "--seed", "-1"}, 2, "negative"},
      {{"minimize", "x1^2", "--from", "1", "--schedule", "step:inf,0.5"}, 2, "finite"},
      {{"minimize", "x1^2", "--from", "1", "--schedule", "cosine:100,2.7"}, 2, "whole number"},
      {{"minimize", "x1^2", "--from", "1", "--schedule", "plateau:0.5,1e10"}, 2, "whole number"},
      {{"minimize", "x1^2", "--from", "1", "--lr", "nan"}, 2, "finite"},
      {{"minimize", "x1^2", "--from", "1", "--param", "beta9=1"}, 2, "beta9"},
      {{"grad", "x1", "--at", "+-1"}, 2, "not a number"},
      {{"grad", "x1", "--at", "1e-400"}, 2, "finite"},
      {{"grad", "x1 + y", "--vars", "x1,x1", "--at", "1,2"}, 2, "x1"},
      {{"grad", "--x1", "--at", "1"}, 2, "after '--'"},
  };
  for (const Case& c : more) {
    const Run r = nabla(c.args, true);
    INFO(c.args[0], " ", c.args.size() > 1 ? c.args[1] : "", ": ", r.out);
    CHECK(r.status == c.status);
    CHECK(r.out.find(c.says) != std::string::npos);
  }
  for (const Case& c : cases) {
    const Run r = nabla(c.args, true);
    INFO(c.args[0], " ", c.args.size() > 1 ? c.args[1] : "", ": ", r.out);
    CHECK(r.status == c.status);
    CHECK(r.out.find(c.says) != std::string::npos);
  }
}

TEST_CASE("numbers worked by hand: -pi, '--', chain stages in numeric order, forward --output") {
  // x1 at −π: the constant, signed.
  CHECK(nabla_json({"grad", "x1^2", "--at", "-pi"})["gradient"][0] == -2.0 * 3.141592653589793);
  // A formula after '--' may start with '-': −(−x1) = x1.
  const Run minus = nabla({"grad", "--at", "1", "--json", "--", "--x1"});
  CHECK(minus.status == 0);
  CHECK(json::parse(minus.out)["gradient"] == json({1.0}));
  // u1 = x1 + x2 = 3 and u2 = x1·x2 = 2 bind in numeric order whatever order the text names
  // them: f = u2 − u1 = x1x2 − x1 − x2, ∇f = (x2 − 1, x1 − 1) = (1, 0) at (1, 2).
  const json c = nabla_json({"chain", "x1 + x2; x1*x2", "u2 - u1", "--at", "1,2"});
  CHECK(c["direct"] == json({{1.0, 0.0}}));
  CHECK(c["from_left"].back() == json({{1.0, 0.0}}));
  // Forward mode for output 2 of (x1², x1·x2) at (1, 2): ∂f2/∂x1 = x2 = 2, ∂f2/∂x2 = x1 = 1.
  const Run fwd = nabla({"explain", "x1^2; x1*x2", "--at", "1,2", "--output", "2", "--forward"});
  CHECK(fwd.status == 0);
  CHECK(fwd.out.find("∂f2/∂x1 = 2") != std::string::npos);
  CHECK(fwd.out.find("∂f2/∂x2 = 1") != std::string::npos);
  CHECK(fwd.out.find("∂f1/") == std::string::npos);
  const json fj =
      nabla_json({"explain", "x1^2; x1*x2", "--at", "1,2", "--output", "2", "--forward"});
  CHECK(fj["outputs"] == json({2}));
  CHECK(fj["forward"][0]["derivative"] == json({2.0}));
  CHECK(fj["forward"][1]["derivative"] == json({1.0}));
  // No variables: value 5, nothing to check.
  const json h = nabla_json({"hessian", "2+3"});
  CHECK(h["value"] == 5.0);
  CHECK(h["hessian"] == json::array());
}

TEST_CASE("--svg through Graphviz and --plot through gnuplot write their files") {
  const std::string dir = fmt::format("/tmp/nabla_cli_test_{}", ::getpid());
  REQUIRE(std::system(fmt::format("mkdir -p {}", quote(dir)).c_str()) == 0);
  const bool have_dot = std::system("command -v dot >/dev/null 2>&1") == 0;
  const Run dot =
      nabla({"dot", "exp(x1)*x2^2", "--at", "0,1", "--svg", fmt::format("{}/g.svg", dir)}, true);
  if (have_dot) {
    CHECK(dot.status == 0);
    const std::string svg = read_file(fmt::format("{}/g.svg", dir));
    CHECK(svg.find("<svg") != std::string::npos);
    CHECK(svg.find("pow_const") != std::string::npos);  // the graph's records are in it
  } else {
    CHECK(dot.status == 1);
    CHECK(dot.out.find("graphviz") != std::string::npos);
  }
  const bool have_gnuplot = std::system("command -v gnuplot >/dev/null 2>&1") == 0;
  const Run plot = nabla({"minimize", "(x1 - 3)^2", "--from", "0", "--lr", "0.25", "--iterations",
                          "20", "--plot", fmt::format("{}/loss.svg", dir)},
                         true);
  if (have_gnuplot) {
    CHECK(plot.status == 0);
    CHECK(read_file(fmt::format("{}/loss.svg", dir)).find("<svg") != std::string::npos);
    // A quote in the name, and a title gnuplot's enhanced text would have mangled.
    const Run quoted = nabla({"minimize", "(x1 - 3)^2", "--from", "0", "--lr", "0.25", "--plot",
                              fmt::format("{}/it's.svg", dir)},
                             true);
    CHECK(quoted.status == 0);
    const std::string svg = read_file(fmt::format("{}/it's.svg", dir));
    CHECK(svg.find("gradient_descent on (x1 - 3)^2") != std::string::npos);
  } else {
    CHECK(plot.status == 1);
    CHECK(plot.out.find("gnuplot") != std::string::npos);
  }
  CHECK(std::system(fmt::format("rm -rf {}", quote(dir)).c_str()) == 0);
}

TEST_CASE("--help lists every command and the lectures' examples") {
  const Run r = nabla({"--help"});
  CHECK(r.status == 0);
  for (const char* c :
       {"grad", "jacobian", "hessian", "explain", "chain", "dot", "minimize", "check"})
    CHECK(r.out.find(fmt::format("  {}", c)) != std::string::npos);
  CHECK(r.out.find("nabla grad \"exp(x1)*x2^2\" --at 0,1") != std::string::npos);
  const Run g = nabla({"grad", "--help"});
  CHECK(g.status == 0);
  CHECK(g.out.find("--at POINT") != std::string::npos);
}
