// Extended Rosenbrock Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², written element by element with
// Var: record + reverse sweep against the plain-double primal and a hand-written gradient,
// both through a bare Tape (what the loop costs) and through value_and_gradient (what a user
// calls: inputs in bulk, a pooled tape, the sweep stops at the inputs). Runs are interleaved
// (primal, hand-written, tape, functional, …) so that all see the same machine; medians of the
// repetitions are reported.
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <nabla/autodiff.hpp>
#include <vector>

#include "timing.hpp"

namespace {

template <class T>
T rosenbrock(const T* x, std::size_t n) {
  T s = 0.0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    T t = x[i + 1] - x[i] * x[i];
    T u = 1.0 - x[i];
    s += 100.0 * t * t + u * u;
  }
  return s;
}

double rosenbrock_gradient(const double* x, double* g, std::size_t n) {
  double s = 0.0;
  for (std::size_t i = 0; i < n; ++i) g[i] = 0.0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const double t = x[i + 1] - x[i] * x[i];
    const double u = 1.0 - x[i];
    s += 100.0 * t * t + u * u;
    g[i] += -400.0 * t * x[i] - 2.0 * u;
    g[i + 1] += 200.0 * t;
  }
  return s;
}

void run(std::size_t n, int reps) {
  Eigen::VectorXd x(static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) x[i] = 0.5 + 0.001 * static_cast<double>(i % 100);
  std::vector<double> g_hand(n);
  std::vector<double> g_tape(n);
  Eigen::VectorXd g_api(static_cast<Eigen::Index>(n));
  std::vector<nabla::Var> xv(n);
  nabla::Tape tape;
  std::vector<double> t_primal;
  std::vector<double> t_hand;
  std::vector<double> t_tape;
  std::vector<double> t_api;
  const auto loss = [n](const nabla::VectorXv& v) { return rosenbrock(v.data(), n); };
  for (int r = 0; r <= reps; ++r) {  // repetition 0 warms up and is not counted
    double p = 0.0;
    const double a = nabla::bench::milliseconds([&] { p = rosenbrock(x.data(), n); });
    nabla::bench::keep(p);
    const double b = nabla::bench::milliseconds(
        [&] { nabla::bench::keep(rosenbrock_gradient(x.data(), g_hand.data(), n)); });
    const double c = nabla::bench::milliseconds([&] {
      tape.clear();
      nabla::TapeScope scope(tape);
      for (std::size_t i = 0; i < n; ++i) xv[i] = tape.variable(x[i]);
      const nabla::Var y = rosenbrock(xv.data(), n);
      tape.reverse(y);
      for (std::size_t i = 0; i < n; ++i) g_tape[i] = tape.adjoint_at(xv[i].index());
    });
    const double d = nabla::bench::milliseconds(
        [&] { nabla::bench::keep(nabla::value_and_gradient(loss, x, g_api)); });
    if (r == 0) continue;
    t_primal.push_back(a);
    t_hand.push_back(b);
    t_tape.push_back(c);
    t_api.push_back(d);
  }
  double err = 0.0;
  double scale = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    err = std::max(err, std::abs(g_hand[i] - g_tape[i]));
    err = std::max(err, std::abs(g_hand[i] - g_api[static_cast<Eigen::Index>(i)]));
    scale = std::max(scale, std::abs(g_hand[i]));
  }
  const auto stats = tape.stats();
  const double primal = nabla::bench::median(t_primal);
  const double hand = nabla::bench::median(t_hand);
  const double ad = nabla::bench::median(t_tape);
  const double api = nabla::bench::median(t_api);
  const double nominal_ops = 8.0 * static_cast<double>(n - 1);
  fmt::print("| {:.0e} | plain double primal | {:.3f} | 1.0x | {:.3f} ns/nominal op | — |\n",
             static_cast<double>(n), primal, primal * 1e6 / nominal_ops);
  fmt::print("| {:.0e} | hand-written gradient | {:.3f} | {:.2f}x | — | — |\n",
             static_cast<double>(n), hand, hand / primal);
  fmt::print(
      "| {:.0e} | nabla record + reverse | {:.2f} | **{:.1f}x** | {:.2f} ns/record, {} records | "
      "{:.1f} B/record |\n",
      static_cast<double>(n), ad, ad / primal, ad * 1e6 / static_cast<double>(stats.operations),
      stats.operations, stats.bytes_per_operation);
  fmt::print(
      "| {:.0e} | nabla value_and_gradient(f, x, g) | {:.2f} | **{:.1f}x** | {:.2f} ns/record | "
      "— |\n",
      static_cast<double>(n), api, api / primal, api * 1e6 / static_cast<double>(stats.operations));
  fmt::print(
      "|   | (spread: tape {:.2f}–{:.2f} ms, functional {:.2f}–{:.2f} ms over {} reps; gradient "
      "error {:.1e}) | | | | |\n",
      nabla::bench::quantile(t_tape, 0.0), nabla::bench::quantile(t_tape, 1.0),
      nabla::bench::quantile(t_api, 0.0), nabla::bench::quantile(t_api, 1.0), reps,
      err / std::max(1.0, scale));
}

}  // namespace

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::atoi(argv[1]) : 11;
  fmt::print("Extended Rosenbrock, element by element (medians of {} interleaved runs)\n\n", reps);
  fmt::print("| n | variant | median ms | x primal | per op | memory |\n");
  fmt::print("|---|---|---:|---:|---|---|\n");
  run(100000, reps);
  run(1000000, reps);
  return 0;
}
