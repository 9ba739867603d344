// L-BFGS on L2-regularised logistic regression (issue 11): nabla's LBFGS through minimize, the
// loss written on matrix nodes and replayed (nabla::Function), against scipy's L-BFGS-B
// (bench/lbfgs_logistic_scipy.py, run twice: the reference BLAS and OpenBLAS serial) and
// LBFGSpp 0.1.0 (header-only, Debian's liblbfgspp-dev) on the same data, all in this run:
//
//   Q(w) = (1/N) Σ log(1 + exp(xᵢᵀw)) − yᵢ xᵢᵀw + (λ/2)‖w‖²,   y ∈ {0, 1},
//
// X 10⁵ × 100 column-major, seeded Gaussian; y from a seeded true w plus Gaussian noise on the
// logit (not separable); λ = 1e-4; w₀ = 0; m = 10 everywhere; every solver stops at the first
// iterate with ‖∇Q‖∞ ≤ 1e-6 (scipy: gtol, ftol = 0; nabla: gtol, ftol = 0; LBFGSpp, whose own
// test is ‖∇Q‖₂: its strong-Wolfe LineSearchNocedalWright wrapped to end the run at that ∞-norm
// test, its ‖·‖₂ test off). scipy and LBFGSpp compute f and ∇f by the same two passes, z = X·w
// then Xᵀ·r; nabla differentiates its matrix-node loss (X·w, then the fused logistic loss).
// Repetitions are interleaved (the order rotates), each solve timed end to end, data
// generation and loading excluded; medians. Reports, never asserts.
//
//   ./lbfgs_logistic [reps=7] [scaled]   (scaled: the ill-conditioned variant, see main)
#include <fmt/format.h>

#include <LBFGS.h>
#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/replay.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <nabla/optim.hpp>

#include "timing.hpp"

#ifndef NABLA_BENCH_DIR
#define NABLA_BENCH_DIR "bench"
#endif

namespace opt = nabla::optim;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using nabla::Mat;

namespace {

constexpr Eigen::Index N = 100'000;
constexpr Eigen::Index d = 100;
constexpr double lambda = 1e-4;
constexpr double gtol = 1e-6;
constexpr int m = 10;

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

// f and ∇f by two passes over the column-major X: z = X·w, then ∇f = Xᵀ·r + λw with
// r = (σ(z) − y)/N. What scipy's fun computes in numpy, here for LBFGSpp (and the common
// evaluator of every solution).
struct TwoPassLogistic {
  const MatrixXd& X;
  const VectorXd& y;
  VectorXd z = VectorXd(N);
  VectorXd r = VectorXd(N);
  long evaluations = 0;

  double operator()(const VectorXd& w, VectorXd& g) {
    ++evaluations;
    z.noalias() = X * w;
    const double inv_n = 1.0 / static_cast<double>(N);
    double s = 0.0;
    for (Eigen::Index i = 0; i < N; ++i) {
      const double zi = z[i];
      const double e = std::exp(-std::abs(zi));  // softplus and σ from one exp
      s += std::max(zi, 0.0) + std::log1p(e) - y[i] * zi;
      const double sigma = zi >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
      r[i] = (sigma - y[i]) * inv_n;
    }
    g.resize(d);
    g.noalias() = X.transpose() * r;
    g += lambda * w;
    return s * inv_n + 0.5 * lambda * w.squaredNorm();
  }
};

// An opt::Objective on a loss written on matrix nodes: recorded once (nabla::Function) and
// replayed at every evaluation. (The library has no such objective: FullObjective takes a
// lambda on VectorXv and records at every call; BatchObjective gathers row-major batches.)
class ReplayedMatObjective final : public opt::Objective {
 public:
  template <class F>
  ReplayedMatObjective(F f, const VectorXd& x0) : fn_(std::move(f), x0) {}
  [[nodiscard]] std::int64_t samples() const override { return 0; }
  [[nodiscard]] std::optional<Eigen::Index> dimension() const override { return d; }
  double value_gradient(const VectorXd& w, VectorXd& g) override {
    auto [q, grad] = fn_.value_and_gradient(w);
    g = std::move(grad);
    return q;
  }
  double value(const VectorXd& w) override { return fn_.value(w); }
  double batch_value_gradient(const VectorXd&, std::span<const std::int64_t>, VectorXd&) override {
    throw nabla::Error("ReplayedMatObjective is not a finite sum");
  }

 private:
  nabla::Function fn_;
};

// The loss on matrix nodes: one product and one fused logistic-loss record, plus the penalty.
auto mat_loss(const Mat& Xc, const Mat& yc) {
  return [Xc, yc](const Mat& w) {
    return nabla::binary_cross_entropy_with_logits(Xc * w, yc) +
           0.5 * lambda * nabla::squared_norm(w);
  };
}

// LBFGSpp 0.1.0 tests ‖∇f‖₂ only. This line search runs LineSearchNocedalWright (strong Wolfe,
// N&W Algorithms 3.5–3.6) and then ends the run by an exception at the first iterate with
// ‖∇f‖∞ ≤ gtol: the same stopping test as scipy's and nabla's. It counts the iterations.
struct LbfgsppConverged {};
long lbfgspp_iterations = 0;

template <class Scalar>
class NocedalWrightStopInf {
 public:
  template <class Foo, class Vector>
  static void LineSearch(Foo& f, Scalar& fx, Vector& x, Vector& grad, Scalar& step,
                         const Vector& drt, const Vector& xp,
                         const LBFGSpp::LBFGSParam<Scalar>& param) {
    LBFGSpp::LineSearchNocedalWright<Scalar>::LineSearch(f, fx, x, grad, step, drt, xp, param);
    ++lbfgspp_iterations;
    if (grad.template lpNorm<Eigen::Infinity>() <= gtol) throw LbfgsppConverged{};
  }
};

struct Run {
  double wall_ms = 0.0;
  double cpu_ms = 0.0;
  long iterations = 0;
  long evaluations = 0;
  double f = 0.0;
  double ginf = 0.0;
  std::string note;
  VectorXd w;
};

struct Variant {
  explicit Variant(std::string n, std::function<Run()> s = {})
      : name(std::move(n)), solve(std::move(s)) {}
  std::string name;
  std::function<Run()> solve;
  std::vector<Run> runs;
  double eval_ms = 0.0;  // one evaluation of f and ∇f, median
  std::string blas;
};

template <class F>
Run timed(F&& f) {
  const double c0 = thread_cpu_ms();
  Run r;
  r.wall_ms = nabla::bench::milliseconds([&] { r = f(); });
  r.cpu_ms = thread_cpu_ms() - c0;
  return r;
}

std::string shell_quote(const std::string& s) { return "'" + s + "'"; }

}  // namespace

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 7;
  // `scaled`: column j of X has standard deviation 10^(−1 + 2j/(d − 1)) (0.1 … 10, a Hessian
  // condition number ≈ 10⁴) and the true w is divided by the same scales (the same logits):
  // an ill-conditioned variant that takes L-BFGS more iterations.
  const bool scaled = argc > 2 && std::string(argv[2]) == "scaled";

  // ---- data: X column-major Gaussian, y = [xᵀw_true + ε > 0], ε ~ N(0, 1), seed 11 ----
  opt::Rng rng(11);
  auto X = std::make_shared<MatrixXd>(N, d);
  auto Y = std::make_shared<MatrixXd>(N, 1);
  VectorXd w_true(d), scale(d);
  for (Eigen::Index j = 0; j < d; ++j) {
    scale[j] = scaled ? std::pow(10.0, -1.0 + 2.0 * static_cast<double>(j) / (d - 1.0)) : 1.0;
    w_true[j] = 0.3 * rng.normal() / scale[j];  // xᵀw_true ~ N(0, 3²)
  }
  for (Eigen::Index j = 0; j < d; ++j)
    for (Eigen::Index i = 0; i < N; ++i) (*X)(i, j) = scale[j] * rng.normal();
  const VectorXd logit = *X * w_true;
  for (Eigen::Index i = 0; i < N; ++i) (*Y)(i, 0) = logit[i] + rng.normal() > 0.0 ? 1.0 : 0.0;
  const VectorXd y = Y->col(0);
  const VectorXd w0 = VectorXd::Zero(d);

  // The same data for scipy, in a private temp dir: X column-major, then y.
  std::string tmpl = (std::filesystem::temp_directory_path() / "nabla_lbfgs_XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    fmt::print(stderr, "mkdtemp failed\n");
    return 1;
  }
  const std::filesystem::path dir = tmpl;
  const std::string data = (dir / "data.bin").string();
  {
    std::FILE* f = std::fopen(data.c_str(), "wb");
    std::fwrite(X->data(), sizeof(double), static_cast<std::size_t>(X->size()), f);
    std::fwrite(y.data(), sizeof(double), static_cast<std::size_t>(y.size()), f);
    std::fclose(f);
  }

  // The matrix-node constants share X and y: no copy.
  const Mat Xc{std::shared_ptr<const MatrixXd>(X)};
  const Mat yc{std::shared_ptr<const MatrixXd>(Y)};
  TwoPassLogistic check{*X, y};  // evaluates every solution
  auto finish = [&](Run& r) {
    VectorXd g;
    r.f = check(r.w, g);
    r.ginf = g.lpNorm<Eigen::Infinity>();
  };

  std::vector<Variant> variants;

  // nabla: minimize on the replayed matrix-node loss (recording included in the time).
  variants.emplace_back("nabla LBFGS, Mat loss replayed (nabla::Function)", [&] {
    return timed([&] {
      ReplayedMatObjective Q(mat_loss(Xc, yc), w0);
      opt::Options o;
      o.stop.max_iterations = 1'000'000;
      const opt::Result res =
          opt::minimize(Q, w0, opt::LBFGS{.m = m, .gtol = gtol, .ftol = 0.0}, o);
      Run r;
      r.iterations = static_cast<long>(res.iterations);
      r.evaluations = static_cast<long>(res.evaluations.gradients);
      r.note = fmt::format("{}", res.stop_reason);
      r.w = res.x;
      return r;
    });
  });

  // nabla: minimize(f, x0, …) with a lambda on VectorXv (FullObjective, records every call).
  variants.emplace_back("nabla LBFGS, minimize(lambda) (records each call)", [&] {
    return timed([&] {
      auto loss = mat_loss(Xc, yc);
      auto f = [&loss](const nabla::VectorXv& w) { return loss(Mat(w)); };
      opt::Options o;
      o.stop.max_iterations = 1'000'000;
      const opt::Result res =
          opt::minimize(f, w0, opt::LBFGS{.m = m, .gtol = gtol, .ftol = 0.0}, o);
      Run r;
      r.iterations = static_cast<long>(res.iterations);
      r.evaluations = static_cast<long>(res.evaluations.gradients);
      r.note = fmt::format("{}", res.stop_reason);
      r.w = res.x;
      return r;
    });
  });

  // LBFGSpp, strong Wolfe (LineSearchNocedalWright), the two-pass functor.
  variants.emplace_back("LBFGSpp 0.1.0, LineSearchNocedalWright", [&] {
    return timed([&] {
      LBFGSpp::LBFGSParam<double> p;
      p.m = m;
      p.epsilon = 0.0;  // its ‖∇f‖₂ tests off: the line search stops it
      p.epsilon_rel = 0.0;
      p.linesearch = LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_STRONG_WOLFE;
      LBFGSpp::LBFGSSolver<double, NocedalWrightStopInf> solver(p);
      TwoPassLogistic fg{*X, y};
      Run r;
      r.w = w0;
      double fx = 0.0;
      lbfgspp_iterations = 0;
      try {
        solver.minimize(fg, r.w, fx);
        r.note = "its ‖∇f‖₂ test";
      } catch (const LbfgsppConverged&) {
        r.note = "converged";
      } catch (const std::exception& e) {
        r.note = e.what();
      }
      r.iterations = lbfgspp_iterations;
      r.evaluations = fg.evaluations;
      return r;
    });
  });

  // scipy L-BFGS-B, one process per solve (its own clock: loading is excluded).
  const std::string w_file = (dir / "w_scipy.bin").string();
  auto scipy = [&](const std::string& libpath, Variant& v) {
    const std::string cmd = fmt::format(
        "LD_LIBRARY_PATH={} OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "
        "{}/lbfgs_logistic_scipy.py {} {} {} {:.17g} {:.17g} {} 1 {}",
        shell_quote(libpath), NABLA_BENCH_DIR, shell_quote(data), N, d, lambda, gtol, m,
        shell_quote(w_file));
    Run r;
    std::FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) throw std::runtime_error("popen failed: " + cmd);
    std::string out;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
    if (pclose(p) != 0) throw std::runtime_error("the scipy peer failed: " + cmd + "\n" + out);
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream l(line);
      std::string key;
      l >> key;
      if (key == "solve") {
        double f = 0.0, ginf = 0.0;
        int status = 0;
        l >> r.wall_ms >> r.cpu_ms >> r.iterations >> r.evaluations >> f >> ginf >> status;
        r.note = status == 0 ? "converged" : fmt::format("status {}", status);
      } else if (key == "eval") {
        l >> v.eval_ms;
      } else if (key == "blas") {
        std::getline(l, v.blas);
      }
    }
    r.w.resize(d);
    std::FILE* f = std::fopen(w_file.c_str(), "rb");
    if (f == nullptr || std::fread(r.w.data(), sizeof(double), d, f) != static_cast<size_t>(d))
      throw std::runtime_error("no solution from the scipy peer");
    std::fclose(f);
    return r;
  };
  const std::string ref_blas = "/usr/lib/x86_64-linux-gnu/blas:/usr/lib/x86_64-linux-gnu/lapack";
  const std::string openblas = "/usr/lib/x86_64-linux-gnu/openblas-serial";
  variants.emplace_back("scipy L-BFGS-B, reference BLAS");
  variants.back().solve = [&, k = variants.size() - 1] { return scipy(ref_blas, variants[k]); };
  variants.emplace_back("scipy L-BFGS-B, OpenBLAS serial");
  variants.back().solve = [&, k = variants.size() - 1] { return scipy(openblas, variants[k]); };

  // ---- interleaved solves: rep r runs the variants in an order rotated by r ----
  const std::size_t nv = variants.size();
  for (int rep = 0; rep < reps; ++rep)
    for (std::size_t k = 0; k < nv; ++k) {
      Variant& v = variants[(k + static_cast<std::size_t>(rep)) % nv];
      Run r = v.solve();
      finish(r);
      v.runs.push_back(std::move(r));
    }

  double record_ms = 0.0, xw_ms = 0.0, xtr_ms = 0.0;
  // ---- one evaluation of f and ∇f alone (C++ side), interleaved, at nabla's solution ----
  {
    const VectorXd w = variants[0].runs.back().w;
    nabla::Function fn(mat_loss(Xc, yc), w);
    const auto loss = mat_loss(Xc, yc);
    TwoPassLogistic fg{*X, y};
    VectorXd g;
    VectorXd z(N), gv(d);
    std::vector<double> t_replay, t_record, t_eigen, t_construct, t_xw, t_xtr;
    for (int k = 0; k < 21; ++k) {
      t_construct.push_back(nabla::bench::milliseconds([&] {
        nabla::Function f2(mat_loss(Xc, yc), w);
        nabla::bench::keep(f2);
      }));
      t_xw.push_back(nabla::bench::milliseconds([&] {
        z.noalias() = *X * w;
        nabla::bench::keep(z);
      }));
      t_xtr.push_back(nabla::bench::milliseconds([&] {
        gv.noalias() = X->transpose() * z;
        nabla::bench::keep(gv);
      }));
      t_replay.push_back(nabla::bench::milliseconds([&] {
        auto [q, gr] = fn.value_and_gradient(w);
        nabla::bench::keep(q);
        nabla::bench::keep(gr);
      }));
      t_record.push_back(nabla::bench::milliseconds([&] {
        auto [q, gr] = nabla::value_and_gradient(loss, w);
        nabla::bench::keep(q);
        nabla::bench::keep(gr);
      }));
      t_eigen.push_back(nabla::bench::milliseconds([&] {
        const double q = fg(w, g);
        nabla::bench::keep(q);
      }));
    }
    variants[0].eval_ms = nabla::bench::median(t_replay);
    variants[1].eval_ms = nabla::bench::median(t_record);
    variants[2].eval_ms = nabla::bench::median(t_eigen);
    record_ms = nabla::bench::median(t_construct);
    xw_ms = nabla::bench::median(t_xw);
    xtr_ms = nabla::bench::median(t_xtr);
  }
  std::filesystem::remove_all(dir);

  // ---- report ----
  fmt::print(
      "L-BFGS on L2-regularised logistic regression: N = {}, d = {}, λ = {:g}, m = {}, stop at "
      "‖∇Q‖∞ ≤ {:g}, w0 = 0{}\n{} interleaved repetitions, medians (wall and thread/process CPU "
      "time of one solve, data loading excluded)\n\n",
      N, d, lambda, m, gtol, scaled ? ", columns scaled 0.1 … 10" : "", reps);
  fmt::print("{:<52} {:>9} {:>9} {:>6} {:>6} {:>20} {:>9} {:>9} {:>10}\n", "solver", "wall ms",
             "CPU ms", "iters", "f+∇f", "final f", "‖∇f‖∞", "eval ms", "ms/eval");
  std::vector<double> wall(nv);
  for (std::size_t k = 0; k < nv; ++k) {
    Variant& v = variants[k];
    std::vector<double> w_ms, c_ms;
    for (const Run& r : v.runs) {
      w_ms.push_back(r.wall_ms);
      c_ms.push_back(r.cpu_ms);
    }
    wall[k] = nabla::bench::median(w_ms);
    const Run& last = v.runs.back();
    fmt::print("{:<52} {:>9.1f} {:>9.1f} {:>6} {:>6} {:>20.16f} {:>9.2e} {:>9.2f} {:>10.2f}\n",
               v.name, wall[k], nabla::bench::median(c_ms), last.iterations, last.evaluations,
               last.f, last.ginf, v.eval_ms, wall[k] / static_cast<double>(last.evaluations));
    for (const Run& r : v.runs)
      if (r.iterations != last.iterations || r.evaluations != last.evaluations ||
          r.note != last.note)
        fmt::print("  (a repetition differs: {} iterations, {} evaluations, {})\n", r.iterations,
                   r.evaluations, r.note);
    fmt::print("  spread {:.1f}–{:.1f} ms; stop: {}\n", *std::min_element(w_ms.begin(), w_ms.end()),
               *std::max_element(w_ms.begin(), w_ms.end()), last.note);
  }
  for (std::size_t k = 3; k < nv; ++k)
    fmt::print("{}: BLAS loaded:{}\n", variants[k].name, variants[k].blas);

  const VectorXd& w_nabla = variants[0].runs.back().w;
  fmt::print("\nagreement of the solutions (max |w_nabla − w_other|, f_nabla − f_other):\n");
  for (std::size_t k = 1; k < nv; ++k) {
    const Run& r = variants[k].runs.back();
    fmt::print("  vs {:<50} {:.3e}   {:+.3e}\n", variants[k].name,
               (w_nabla - r.w).lpNorm<Eigen::Infinity>(), variants[0].runs.back().f - r.f);
  }
  const double scipy_fast = std::min(wall[3], wall[4]);
  const long it_fewer =
      std::min(variants[2].runs.back().iterations,
               std::min(variants[3].runs.back().iterations, variants[4].runs.back().iterations));
  fmt::print("\nratios of the median wall times (nabla = replayed Mat loss):\n");
  fmt::print("  nabla / scipy reference BLAS  {:.3f}\n", wall[0] / wall[3]);
  fmt::print("  nabla / scipy OpenBLAS serial {:.3f}\n", wall[0] / wall[4]);
  fmt::print("  nabla / faster scipy          {:.3f}   (target ≤ 0.8)\n", wall[0] / scipy_fast);
  fmt::print("  nabla / LBFGSpp               {:.3f}   (target ≤ 1.05)\n", wall[0] / wall[2]);
  fmt::print(
      "  nabla iterations / fewer of scipy's and LBFGSpp's  {} / {} = {:.3f}   (target ≤ 1.1)\n",
      variants[0].runs.back().iterations, it_fewer,
      static_cast<double>(variants[0].runs.back().iterations) / static_cast<double>(it_fewer));
  fmt::print("  nabla minimize(lambda) / nabla replayed {:.3f}\n", wall[1] / wall[0]);
  // The same ratios taken within each repetition (the solves of one repetition ran back to
  // back), then the median: less sensitive to a host that slows down for a while.
  fmt::print("per-repetition ratios nabla / other, median (min–max):\n");
  for (std::size_t k = 1; k < nv; ++k) {
    std::vector<double> q;
    for (std::size_t r = 0; r < variants[k].runs.size(); ++r)
      q.push_back(variants[0].runs[r].wall_ms / variants[k].runs[r].wall_ms);
    fmt::print("  / {:<50} {:.3f} ({:.3f}–{:.3f})\n", variants[k].name, nabla::bench::median(q),
               *std::min_element(q.begin(), q.end()), *std::max_element(q.begin(), q.end()));
  }
  fmt::print(
      "\neval ms: one f+∇f alone at the solution, median of 21 (nabla rows: Function replay and "
      "value_and_gradient re-recording; LBFGSpp row: the two-pass Eigen functor; scipy rows: "
      "its numpy fun, median of 5)\n");
  fmt::print(
      "C++ pieces, median of 21: nabla::Function construction (one recording) {:.2f} ms; Eigen "
      "z = X·w {:.2f} ms, Xᵀ·r {:.2f} ms\n",
      record_ms, xw_ms, xtr_ms);
  for (std::size_t k : {std::size_t{0}, std::size_t{2}}) {
    const Run& r = variants[k].runs.back();
    fmt::print(
        "{}: median wall − evaluations × eval ms = {:.1f} ms (solver, line search, "
        "setup)\n",
        variants[k].name, wall[k] - static_cast<double>(r.evaluations) * variants[k].eval_ms);
  }
  return 0;
}
