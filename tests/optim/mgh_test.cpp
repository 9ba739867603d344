// The 18 unconstrained problems of Moré, Garbow & Hillstrom (ACM TOMS 7(1), 1981, list III;
// tests/optim/mgh/mgh_problems.hpp) as a test of the line-search solvers. First the problems
// themselves: f(x0) equals numpy's (tests/optim/reference/mgh_reference.py wrote
// mgh_reference.txt from its own transcription of the paper) to 1e-12, and the tape's gradient
// at x0 equals central differences. Then BFGS, L-BFGS and nonlinear CG from the paper's x0 with
// 5000 iterations: each run ends without a throw at a finite f, "solved" is
// f − f* ≤ 1e-8·max(1, |f*|) for one of the paper's f*, a run that does not solve its problem
// must stop for a named reason (a failed line search, convergence elsewhere), not a budget, and
// BFGS and L-BFGS solve at least 16 of the 18, CG at least 14.
#include <doctest/doctest.h>

#include <cmath>
#include <exception>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include <nabla/optim.hpp>

#include "mgh/mgh_problems.hpp"

namespace opt = nabla::optim;
using Eigen::VectorXd;

namespace {

struct Reference {
  long n = 0;
  double f0 = 0.0, f_bfgs = 0.0, f_lbfgsb = 0.0;
};

// mgh_reference.txt: "# scipy …" then "name n f(x0) f_bfgs f_lbfgsb" per problem.
std::map<std::string, Reference> read_reference() {
  std::ifstream in(NABLA_REFERENCE_DIR "/mgh_reference.txt");
  REQUIRE(in.good());
  std::map<std::string, Reference> table;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string name;
    Reference r;
    if (words >> name >> r.n >> r.f0 >> r.f_bfgs >> r.f_lbfgsb) table[name] = r;
  }
  return table;
}

// ∂f/∂x_k by central differences, Richardson-extrapolated: (4·D(h/2) − D(h))/3, error O(h⁴),
// h = 1e-3·max(1, |x_k|) (large enough that rounding stays below 1e-6 of the gradient on Brown's
// badly scaled function, where f(x0) ≈ 1e12).
VectorXd central_differences(opt::Objective& f, const VectorXd& x) {
  VectorXd d(x.size());
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    const auto D = [&](double h) {
      VectorXd plus = x, minus = x;
      plus[k] += h;
      minus[k] -= h;
      return (f.value(plus) - f.value(minus)) / (2.0 * h);
    };
    const double h = 1e-3 * std::max(1.0, std::abs(x[k]));
    d[k] = (4.0 * D(h / 2.0) - D(h)) / 3.0;
  }
  return d;
}

struct MethodUnderTest {
  std::string name;
  opt::Method method;
  int must_solve;  // of the 18
};

// The stopping tolerances: "solved" asks for f within 1e-8 of f*, finer than the solvers'
// defaults reach on some of these problems: ‖∇f‖∞ ≤ 1e-5 leaves f − f* ≈ ‖∇f‖²/(2λ) ≈ 5e-6
// where the curvature λ is 1e-5 (the penalty functions' a). gtol 1e-8 asks for ‖∇f‖∞ that
// small; where rounding keeps it above that, the run ends on its line search instead, f
// already at rounding level. L-BFGS's ftol (scipy's factr 1e7: a relative decrease of 2.2e-9
// per iteration) would stop it early the same way, so it is off (0), as scipy's reference run.
std::vector<MethodUnderTest> methods_under_test() {
  return {
      {"BFGS", opt::BFGS{.gtol = 1e-8}, 16},
      {"L-BFGS", opt::LBFGS{.gtol = 1e-8, .ftol = 0.0}, 16},
      {"CG", opt::ConjugateGradient{.gtol = 1e-8}, 14},
      {"Newton", opt::Newton{.gtol = 1e-8}, 15},
      {"Newton-CG", opt::NewtonCG{.gtol = 1e-8}, 15},
  };
}

}  // namespace

TEST_CASE("MGH problems: f(x0) as numpy's transcription, ∇f(x0) as central differences") {
  const std::map<std::string, Reference> reference = read_reference();
  const std::vector<mgh::MghProblem> problems = mgh::mgh_problems();
  REQUIRE(problems.size() == 18);
  CHECK(reference.size() == 18);
  for (const mgh::MghProblem& p : problems) {
    const std::string name(p.name);
    INFO("problem " << name << " (" << p.number << ")");
    REQUIRE(reference.count(name) == 1);
    const Reference& r = reference.at(name);
    CHECK(p.x0.size() == p.n);
    CHECK(r.n == p.n);
    auto f = opt::FullObjective(p.f);
    VectorXd g;
    const double f0 = f.value_gradient(p.x0, g);
    INFO("nabla f(x0) = " << f0 << ", numpy " << r.f0);
    CHECK(std::abs(f0 - r.f0) <= 1e-12 * std::abs(r.f0));
    CHECK(f.value(p.x0) == f0);
    const VectorXd d = central_differences(f, p.x0);
    INFO("‖∇f(x0)‖∞ = " << g.lpNorm<Eigen::Infinity>() << ", differences off by "
                        << (g - d).lpNorm<Eigen::Infinity>());
    CHECK((g - d).lpNorm<Eigen::Infinity>() <= 1e-6 * g.lpNorm<Eigen::Infinity>());
    // The listed minima are what scipy reaches from x0 where it solves the problem.
    CHECK((mgh::solved(r.f_bfgs, p.f_star) || mgh::solved(r.f_lbfgsb, p.f_star) ||
           name == "trigonometric"));
  }
}

TEST_CASE("MGH problems: f = 0 at the zeros the paper gives") {
  const auto ones = [](Eigen::Index n) { return VectorXd::Ones(n); };
  const std::map<std::string, std::vector<VectorXd>> zeros = {
      {"helical_valley", {Eigen::Vector3d(1.0, 0.0, 0.0)}},
      {"biggs_exp6", {(VectorXd(6) << 1.0, 10.0, 1.0, 5.0, 4.0, 3.0).finished()}},
      {"box_3d",
       {Eigen::Vector3d(1.0, 10.0, 1.0), Eigen::Vector3d(10.0, 1.0, -1.0),
        Eigen::Vector3d(2.5, 2.5, 0.0)}},
      {"variably_dimensioned", {ones(10)}},
      {"brown_badly_scaled", {Eigen::Vector2d(1e6, 2e-6)}},
      {"gulf", {Eigen::Vector3d(50.0, 25.0, 1.5)}},
      {"trigonometric", {VectorXd::Zero(10)}},  // every fᵢ(0) = n − n + 0 − 0
      {"extended_rosenbrock", {ones(10)}},
      {"extended_powell", {VectorXd::Zero(12)}},
      {"beale", {Eigen::Vector2d(3.0, 0.5)}},
      {"wood", {ones(4)}},
  };
  int checked = 0;
  for (const mgh::MghProblem& p : mgh::mgh_problems()) {
    const auto it = zeros.find(std::string(p.name));
    if (it == zeros.end()) continue;
    auto f = opt::FullObjective(p.f);
    for (const VectorXd& x : it->second) {
      INFO(p.name << " at " << x.transpose());
      CHECK(f.value(x) <= 1e-20);
      ++checked;
    }
  }
  CHECK(checked == 13);
}

TEST_CASE(
    "MGH problems: BFGS and L-BFGS solve >= 16 of 18, Newton >= 15, CG >= 14, none ends on a "
    "budget") {
  const std::vector<mgh::MghProblem> problems = mgh::mgh_problems();
  const std::vector<MethodUnderTest> methods = methods_under_test();
  std::vector<int> solved(methods.size(), 0);
  std::string header = "| problem | n |", rule = "|---|---|";
  for (const MethodUnderTest& m : methods) {
    header += " " + m.name + " |";
    rule += "---|";
  }
  MESSAGE("iterations/evaluations/outcome\n" << header << "\n" << rule);
  for (const mgh::MghProblem& p : problems) {
    std::ostringstream row;
    row << "| " << p.name << " (" << p.number << ") | " << p.n << " |";
    for (std::size_t k = 0; k < methods.size(); ++k) {
      const MethodUnderTest& m = methods[k];
      INFO(m.name << " on " << p.name);
      opt::Result r;
      try {
        r = opt::minimize(p.f, p.x0, m.method, {.stop = {.max_iterations = 5000}});
      } catch (const std::exception& e) {
        FAIL_CHECK(m.name << " on " << p.name << " threw: " << e.what());
        row << " threw |";
        continue;
      }
      const bool ok = std::isfinite(r.value) && mgh::solved(r.value, p.f_star);
      INFO("stopped: " << opt::to_string(r.stop_reason) << " (" << r.message
                       << "), f = " << r.value);
      CHECK(std::isfinite(r.value));
      if (!ok) {
        CHECK(r.stop_reason != opt::StopReason::MaxIterations);
        CHECK(r.stop_reason != opt::StopReason::MaxEpochs);
      }
      solved[k] += ok ? 1 : 0;
      std::ostringstream f;
      f.precision(6);
      f << r.value;
      row << " " << r.iterations << "/" << r.evaluations.values << "/"
          << (ok ? std::string("solved")
                 : std::string(opt::to_string(r.stop_reason)) + " f=" + f.str())
          << " |";
    }
    MESSAGE(row.str());
  }
  for (std::size_t k = 0; k < methods.size(); ++k) {
    MESSAGE(methods[k].name << " solved " << solved[k] << " of " << problems.size());
    CHECK(solved[k] >= methods[k].must_solve);
  }
}
