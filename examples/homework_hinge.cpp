// The homework of lecture 001 (last slide): fit f(x, θ) = x₁θ₁ + x₂θ₂ + θ₃ from θ = (1, 1, 0) with
//   L(θ) = 0.1‖θ‖² + (1/N) Σ max(0, 1 − yᵢ f(xᵢ, θ))
// with every step rule of nabla::optim, and prove how close each got.
//
// L is not differentiable where a margin 1 − yᵢf(xᵢ, θ) is 0 (a kink): θ₀ sits on two kinks
// and the optimum on another, so ‖∇L‖ never becomes small and cannot be the stopping test.
// Instead each run uses a decaying step size (subgradient methods need Σηₜ = ∞, ηₜ → 0), keeps
// the best iterate and a t-weighted iterate average, and reports an optimality certificate:
// the minimum-norm subgradient over the kinks, which bounds L(θ) − L* without knowing θ*.
//
// Usage: homework_hinge [--out DIR]   (default: the directory holding the executable, e.g.
// build/examples/). Writes homework_hinge_loss.csv there and, when gnuplot is installed, one
// figure as homework_hinge_gap.svg and homework_hinge_gap.png: the best-so-far gap L(θ) − L*
// of each method on log axes, L* the certified optimum (best L minus its gap bound).
// Exit status 0 when the best method is within 1e-6 of L* = 39/80 with certificate ≤ 1e-6.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <nabla/autodiff.hpp>
#include <nabla/optim.hpp>
#include <nabla/optim/tools/hinge_certificate.hpp>

namespace opt = nabla::optim;
using nabla::Var;
using nabla::VectorXv;

namespace {

const double X1[] = {0, 1, 1, -0.5, 0};
const double X2[] = {1, 1, 0, 0.5, -0.5};
const double Y[] = {1, 1, 1, -1, -1};
constexpr int N = 5;
constexpr double reg = 0.1;

// The loss, written once with nabla; max(·, 0.0) against a constant differentiates to 0 at
// the kink (docs/subgradients.md), any element of the subdifferential would do.
Var loss(const VectorXv& th) {
  Var hinge = 0.0;
  for (int i = 0; i < N; ++i) {
    const Var f = X1[i] * th[0] + X2[i] * th[1] + th[2];
    hinge = hinge + max(1.0 - Y[i] * f, 0.0);
  }
  return reg * (th[0] * th[0] + th[1] * th[1] + th[2] * th[2]) + hinge / double(N);
}

struct Setup {
  const char* label;
  opt::Method method;
  opt::Schedule schedule;
  const char* schedule_text;
  std::int64_t iterations;
};

struct Outcome {
  std::string label;
  std::string schedule;
  opt::Result result;
  Eigen::VectorXd theta;  // the reported point: last, best or averaged, whichever is lowest
  const char* which = "last";
  double value = 0.0;
  opt::HingeCertificate cert;
};

// The folder of the running executable (where `meson compile` put it), else the current one.
std::string executable_dir(const char* argv0) {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) exe = std::filesystem::absolute(argv0, ec);
  const std::filesystem::path dir = exe.parent_path();
  return dir.empty() ? std::string(".") : dir.string();
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = executable_dir(argv[0]);
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--out" && i + 1 < argc) {
      dir = argv[++i];
    } else if (arg.starts_with("--out=")) {
      dir = std::string(arg.substr(6));
    } else {
      fmt::print(stderr,
                 "usage: {} [--out DIR]   (writes its CSV and plots into DIR; default: {})\n",
                 argv[0], dir);
      return 2;
    }
  }
  std::error_code mkdir_error;
  std::filesystem::create_directories(dir, mkdir_error);  // an existing DIR is fine
  Eigen::MatrixXd Xt(N, 3);
  Eigen::VectorXd y(N);
  for (int i = 0; i < N; ++i) {
    Xt.row(i) << X1[i], X2[i], 1.0;
    y[i] = Y[i];
  }
  const Eigen::Vector3d theta0(1, 1, 0);

  // μ = 0.2 is the strong-convexity modulus of 0.1‖θ‖²: GD with ηₜ = 1/(μt) is Pegasos' rule.
  using S = opt::Schedule;
  const std::vector<Setup> setups = {
      {"GradientDescent", opt::GradientDescent{.lr = 5.0}, S::inverse_time(), "5/t", 1'000'000},
      {"Momentum (torch)", opt::Momentum{.lr = 0.5, .beta = 0.9}, S::inverse_time(), "0.5/t",
       200'000},
      {"Momentum (step velocity, 000: h=ah+eta*g)",
       opt::Momentum{.lr = 0.5, .beta = 0.9, .form = opt::MomentumForm::StepVelocity},
       S::inverse_time(), "0.5/t", 200'000},
      {"Nesterov (look-ahead)",
       opt::Nesterov{.lr = 0.5, .beta = 0.9, .form = opt::NesterovForm::Lookahead},
       S::inverse_time(), "0.5/t", 200'000},
      {"Adagrad", opt::Adagrad{.lr = 0.5}, S::power(0.5), "0.5/t^0.5", 200'000},
      {"Adadelta", opt::Adadelta{.lr = 1.0}, S::power(0.5), "1/t^0.5", 200'000},
      {"RMSprop", opt::RMSprop{.lr = 0.05}, S::power(0.5), "0.05/t^0.5", 200'000},
      {"Adam", opt::Adam{.lr = 0.05}, S::power(0.5), "0.05/t^0.5", 200'000},
      {"AdamW (decay 0)", opt::AdamW{.lr = 0.05, .weight_decay = 0.0}, S::power(0.5), "0.05/t^0.5",
       200'000},
      {"AMSGrad", opt::AMSGrad{.lr = 0.05}, S::power(0.5), "0.05/t^0.5", 200'000},
      {"Nadam", opt::Nadam{.lr = 0.05}, S::power(0.5), "0.05/t^0.5", 200'000},
      {"AdaMax", opt::AdaMax{.lr = 0.05}, S::power(0.5), "0.05/t^0.5", 200'000},
  };

  fmt::print(
      "Homework (lecture 001, last slide): fit f(x,θ) = x1·θ1 + x2·θ2 + θ3 from θ0 = (1, 1, 0)\n"
      "minimising L(θ) = 0.1‖θ‖² + (1/5)Σ max(0, 1 − y·f(x,θ)) with every step rule.\n"
      "L has kinks, so each run uses a decaying step size, keeps its best iterate and a\n"
      "t-weighted average, and stops when the optimality certificate (the minimum-norm\n"
      "subgradient over near-kink terms) bounds L(θ) − L* below 1e-13, or at its budget.\n\n");

  std::vector<Outcome> outcomes;
  for (const Setup& s : setups) {
    opt::Options o;
    o.schedule = s.schedule;
    o.stop.max_iterations = s.iterations;
    o.averaging = {opt::Averaging::Kind::Weighted, 0};
    o.history.every = std::max<std::int64_t>(1, s.iterations / 2000);
    o.on_iteration = [&](const opt::Progress& p) {
      if (p.iteration % 1000 != 0) return false;
      return opt::best_hinge_certificate(Xt, y, reg, *p.x).gap_bound < 1e-13;
    };
    Outcome out{s.label, s.schedule_text, opt::minimize(loss, theta0, s.method, o), {}, "last", 0,
                {}};
    const opt::Result& r = out.result;
    out.theta = r.x;
    out.value = r.value;
    if (r.best_value < out.value) {
      out.theta = r.best_x;
      out.value = r.best_value;
      out.which = "best";
    }
    if (r.averaged_value < out.value) {
      out.theta = r.averaged_x;
      out.value = r.averaged_value;
      out.which = "average";
    }
    out.cert = opt::best_hinge_certificate(Xt, y, reg, out.theta);
    outcomes.push_back(std::move(out));
  }

  fmt::print("{:<27} {:>11} {:>9} {:<14} {:<8} {:>17} {:>10} {:>10}  {}\n", "method", "schedule",
             "iters", "stop reason", "point", "L(θ)", "‖g‖min", "gap bound", "θ");
  for (const Outcome& o : outcomes)
    fmt::print(
        "{:<27} {:>11} {:>9} {:<14} {:<8} {:>17.12f} {:>10.2e} {:>10.2e}  ({:.9f}, {:.9f}, "
        "{:.9f})\n",
        o.label, o.schedule, o.result.iterations, fmt::format("{}", o.result.stop_reason), o.which,
        o.value, o.cert.norm, o.cert.gap_bound, o.theta[0], o.theta[1], o.theta[2]);

  fmt::print(
      "\npoint: the lowest-L of the last iterate, the best iterate and the t-weighted average;\n"
      "‖g‖min: minimum-norm subgradient over near-kink terms (0 exactly at the optimum);\n"
      "gap bound: certified upper bound on L(θ) − L* from ‖g‖min and strong convexity.\n");

  const auto best = std::min_element(
      outcomes.begin(), outcomes.end(),
      [](const Outcome& a, const Outcome& b) { return a.cert.gap_bound < b.cert.gap_bound; });
  const double L_star = 39.0 / 80.0;  // exact optimum (peer-results W4), used only as a check
  fmt::print("\nBest: {} ({} iterate)\n", best->label, best->which);
  fmt::print("  θ    = ({:.12f}, {:.12f}, {:.12f})\n", best->theta[0], best->theta[1],
             best->theta[2]);
  fmt::print("  L(θ) = {:.15f}\n", best->value);
  fmt::print("  certificate: min-norm subgradient ‖g‖ = {:.3e} (kinks at samples", best->cert.norm);
  for (int k : best->cert.kinks) fmt::print(" {}", k + 1);
  fmt::print(
      ", |margin| ≤ {:g}),\n  so L(θ) − L* ≤ {:.3e} and ‖θ − θ*‖ ≤ {:.3e} without knowing θ*.\n",
      best->cert.kink_tol, best->cert.gap_bound, best->cert.distance_bound);
  fmt::print(
      "  check against the exact optimum θ* = (5/4, 1, −1/4), L* = 39/80: L(θ) − L* = {:.3e}\n",
      best->value - L_star);

  // Loss curves: long-format CSV, and one figure (SVG and PNG) where gnuplot exists.
  // L* is the certified optimum: the best L found minus its certified gap bound, a lower bound
  // on the true optimum (exact at 39/80 here, within the bound).
  const double L_certified = best->value - best->cert.gap_bound;
  const std::string csv = dir + "/homework_hinge_loss.csv";
  std::FILE* f = std::fopen(csv.c_str(), "w");
  if (f == nullptr) {
    fmt::print(stderr, "cannot write {}\n", csv);
    return 1;
  }
  fmt::print(f, "method,iteration,loss\n");
  for (const Outcome& o : outcomes)
    for (const auto& row : o.result.history.rows)
      fmt::print(f, "\"{}\",{},{:.17g}\n", o.label, row.iteration, row.loss);
  std::fclose(f);
  fmt::print("\nLoss curves: {}\n", csv);

  if (std::system("command -v gnuplot > /dev/null 2>&1") == 0) {
    const std::string data = dir + "/homework_hinge_gap.dat";
    const std::string script = dir + "/homework_hinge_gap.gp";
    const std::string svg = dir + "/homework_hinge_gap.svg";
    const std::string png = dir + "/homework_hinge_gap.png";
    std::FILE* d = std::fopen(data.c_str(), "w");
    std::FILE* g = std::fopen(script.c_str(), "w");
    if (d == nullptr || g == nullptr) {
      fmt::print(stderr, "cannot write {} and {}\n", data, script);
      return 1;
    }
    // One data block per method: the best-so-far gap min_{s≤t} L(θ_s) − L*, floored at 1e-16
    // so that log axes can show a gap the certificate has closed.
    std::string curves;
    for (std::size_t k = 0; k < outcomes.size(); ++k) {
      double best_so_far = std::numeric_limits<double>::infinity();
      for (const auto& row : outcomes[k].result.history.rows) {
        best_so_far = std::min(best_so_far, row.loss);
        if (row.iteration > 0)
          fmt::print(d, "{} {:.17g}\n", row.iteration, std::max(best_so_far - L_certified, 1e-16));
      }
      fmt::print(d, "\n\n");
      // Twelve curves: colours repeat after eight, so the dash pattern tells them apart.
      curves += fmt::format("{}'{}' index {} with lines lw 2 dt {} title '{}'", k ? ", " : "", data,
                            k, k < 8 ? 1 : 2, outcomes[k].label);
    }
    std::fclose(d);
    const std::string common = fmt::format(
        "set logscale xy\nset format x '10^{{%T}}'\nset format y '10^{{%T}}'\n"
        "set grid xtics ytics mxtics mytics lc rgb '#dddddd'\n"
        "set xlabel 'iteration t'\n"
        "set ylabel 'best-so-far gap  min_{{s≤t}} L(θ_s) − L*'\n"
        "set title 'Homework hinge loss: gap to the certified optimum L* = {:.12f}'\n"
        "set key outside right top vertical Left reverse box width 1 spacing 1.2\n"
        "set lmargin 12\nset bmargin 4\n",
        L_certified);
    fmt::print(
        g, "set terminal svg size 1200,700 dynamic font 'Sans,13'\nset output '{}'\n{}plot {}\n",
        svg, common, curves);
    fmt::print(g,
               "set terminal pngcairo size 1200,700 font 'Sans,11'\nset output '{}'\nreplot\n"
               "unset output\n",
               png);
    std::fclose(g);
    if (std::system(fmt::format("gnuplot '{}'", script).c_str()) == 0) {
      std::remove(data.c_str());
      std::remove(script.c_str());
      fmt::print("Plot:        {} and {}\n", png, svg);
    } else
      fmt::print("gnuplot failed; the plot script is {}\n", script);
  } else {
    fmt::print("gnuplot not found: no plot (apt-get install gnuplot-nox)\n");
  }

  const bool ok = best->value - L_star <= 1e-6 && best->cert.norm <= 1e-6;
  fmt::print(
      "\n{}: best L − L* = {:.2e} (target ≤ 1e-6), certificate ‖g‖ = {:.2e} (target ≤ 1e-6)\n",
      ok ? "PASS" : "FAIL", best->value - L_star, best->cert.norm);
  return ok ? 0 : 1;
}
