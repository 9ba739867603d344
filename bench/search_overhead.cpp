// The driver's overhead per evaluation of the zero-order methods: minimize() with GoldenSection
// (n = 1) and NelderMead (n = 2, 10, 100) on a trivial value-only objective Σ (xᵢ − 0.3)², against
// the same number of bare calls of that objective; (time of the run − time of the bare calls) /
// evaluations, in ns, with the default Options (history on) and with the history off; per
// dimension for n = 10 and 100. Target at n ≤ 2: ≤ 100 ns over the objective. Medians of 7
// repetitions, interleaved.
#include <fmt/format.h>

#include <chrono>
#include <vector>

#include <nabla/optim.hpp>

#include "timing.hpp"

namespace opt = nabla::optim;

namespace {

double objective(const Eigen::VectorXd& x) { return (x.array() - 0.3).square().sum(); }

struct Measure {
  double run_ms = 0.0, bare_ms = 0.0;
  long evaluations = 0;
};

// `runs` runs of the method, then as many bare calls as they made (on points like theirs).
Measure measure(const opt::Method& m, const Eigen::VectorXd& x0, const opt::Options& o, int runs) {
  Measure out;
  out.run_ms = nabla::bench::milliseconds([&] {
    for (int k = 0; k < runs; ++k) {
      const opt::Result r = opt::minimize(objective, x0, m, o);
      out.evaluations += static_cast<long>(r.evaluations.values);
      nabla::bench::keep(r.value);
    }
  });
  Eigen::VectorXd x = x0;
  out.bare_ms = nabla::bench::milliseconds([&] {
    double s = 0.0;
    for (long k = 0; k < out.evaluations; ++k) {
      x[0] = x0[0] + 1e-9 * static_cast<double>(k & 1023);
      s += objective(x);
      nabla::bench::keep(s);
    }
  });
  return out;
}

void row(const char* name, const opt::Method& m, Eigen::Index n, int runs, bool history) {
  opt::Options o;
  o.stop.max_iterations = 1'000'000;
  o.history.enabled = history;
  const Eigen::VectorXd x0 = Eigen::VectorXd::Constant(n, 2.0);
  std::vector<double> overhead, bare;
  long evaluations = 0;
  for (int rep = 0; rep < 7; ++rep) {
    const Measure s = measure(m, x0, o, runs);
    const double per = 1e6 / static_cast<double>(s.evaluations);
    overhead.push_back((s.run_ms - s.bare_ms) * per);
    bare.push_back(s.bare_ms * per);
    evaluations = s.evaluations / runs;
  }
  const double ns = nabla::bench::median(overhead);
  fmt::print("{:<14} {:>4} {:>8} {:>10} {:>12.1f} {:>14.1f} {:>12.2f}\n", name, n,
             history ? "on" : "off", evaluations, nabla::bench::median(bare), ns,
             ns / static_cast<double>(n));
}

}  // namespace

int main() {
  fmt::print("{:<14} {:>4} {:>8} {:>10} {:>12} {:>14} {:>12}\n", "method", "n", "history",
             "evals/run", "f ns/eval", "overhead ns", "ns/eval/dim");
  const opt::GoldenSection golden{.lower = -10.0, .upper = 10.0, .xtol = 1e-10};
  // Converged only when the simplex has collapsed: long runs whose time is the loop's.
  const opt::NelderMead nm{
      .xatol = 0.0, .fatol = 0.0, .max_evaluations = 20000, .max_iterations = 20000};
  for (const bool history : {true, false}) {
    row("golden_section", golden, 1, 2000, history);
    row("nelder_mead", nm, 2, 50, history);
    row("nelder_mead", nm, 10, 10, history);
    row("nelder_mead", nm, 100, 2, history);
  }
  return 0;
}
