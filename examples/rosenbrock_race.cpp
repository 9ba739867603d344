// Every method of nabla::optim on Rosenbrock's banana, f(x, y) = 100(y − x²)² + (1 − x)², from
// the classic start (−1.2, 1) to the minimum x* = (1, 1), f* = 0.
//
// The methods come from the library's method table (opt::method_names()), so a solver added
// there joins the race without a change here. Each runs with the settings of `tuned` below, or
// with its defaults when it has no entry. The finish line is the same for all:
// ‖x − x*‖ ≤ 1e-6 (StopCriteria::metric), within a budget of 20 000 iterations; a solver may
// stop earlier by its own convergence test (gtol), and any run may fail (divergence, a line
// search that cannot progress) — then the table says so, with the library's message below it.
//
// Usage: rosenbrock_race [OUTPUT_DIR] [--tune]
//   OUTPUT_DIR (default rosenbrock_race_out/) receives, when gnuplot is on PATH,
//     rosenbrock_race_paths.{svg,png}   the iterate paths over the contours of f,
//     rosenbrock_race_errors.{svg,png}  ‖x_k − x*‖ per iteration, log–log,
//   and the data files and the gnuplot script that drew them (rosenbrock_race.gp).
//   --tune reruns the grid search that chose the step rules' settings (a few seconds) and
//   prints the lines of `tuned` it found.

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/wait.h>  // WEXITSTATUS of std::system's status

#include <nabla/autodiff.hpp>
#include <nabla/optim.hpp>

namespace opt = nabla::optim;
using nabla::Var;
using nabla::VectorXv;

namespace {

Var rosenbrock(const VectorXv& w) {
  const Var valley = w[1] - w[0] * w[0];
  const Var along = 1.0 - w[0];
  return 100.0 * valley * valley + along * along;
}

double rosenbrock_value(const Eigen::VectorXd& w) {
  const double valley = w[1] - w[0] * w[0];
  return 100.0 * valley * valley + (1.0 - w[0]) * (1.0 - w[0]);
}

const Eigen::Vector2d x_start(-1.2, 1.0);
const Eigen::Vector2d x_star(1.0, 1.0);
constexpr double finish = 1e-6;          // ‖x − x*‖ at the finish line
constexpr std::int64_t budget = 20'000;  // iterations, every method

using S = opt::Schedule;

// A method's race settings: its parameters as text (method_from_name), a schedule for step rules,
// and a note printed with the result.
struct Tuning {
  std::string_view method;
  opt::MethodParams params = {};
  S schedule = S::constant();
  std::string_view schedule_text = "";
  std::string_view note = "";
};

// The step rules' lr and schedule: for each rule the best of the grid of `--tune` (which prints
// these lines), lr ∈ {1, 2, 5}·10^k from 1e-4 to 5 times the schedules constant, η₀/√t, a cosine
// from η₀ to 0 over the budget and reduce-on-plateau (η × 0.5 after 10 iterations without a 1e-4
// relative improvement of f); best = the fewest iterations to the finish line, else the smallest
// final ‖x − x*‖. Every other parameter keeps its default — AdamW its decoupled weight decay
// 0.01, which moves its fixed point off x* (set weight_decay 0 and it is Adam). The solvers run
// with their defaults.
std::vector<Tuning> tuned() {
  return {
      {"gradient_descent", {{"lr", "0.002"}}, S::reduce_on_plateau(0.5, 10), "plateau"},
      {"momentum", {{"lr", "0.002"}}, S::constant(), "const"},
      {"nesterov", {{"lr", "0.001"}}, S::constant(), "const"},
      {"adagrad", {{"lr", "0.5"}}, S::constant(), "const"},
      {"adadelta", {{"lr", "1"}}, S::reduce_on_plateau(0.5, 10), "plateau"},
      {"rmsprop", {{"lr", "0.2"}}, S::reduce_on_plateau(0.5, 10), "plateau"},
      {"adam", {{"lr", "0.5"}}, S::constant(), "const"},
      {"adamw",
       {{"lr", "0.05"}},
       S::reduce_on_plateau(0.5, 10),
       "plateau",
       "decoupled weight decay 0.01 (the default) pulls w toward 0"},
      {"amsgrad", {{"lr", "0.5"}}, S::constant(), "const"},
      {"nadam", {{"lr", "0.02"}}, S::reduce_on_plateau(0.5, 10), "plateau"},
      {"adamax", {{"lr", "2"}}, S::constant(), "const"},
      {"linear_conjugate_gradient",
       {},
       S::constant(),
       "",
       "linear CG is for convex quadratics, which Rosenbrock is not"},
      // The global methods search a box: [−2, 2]² around the start (−1.2, 1) and x* = (1, 1).
      {"dual_annealing", {{"lower", "-2"}, {"upper", "2"}}, S::constant(), ""},
      {"differential_evolution", {{"lower", "-2"}, {"upper", "2"}}, S::constant(), ""},
      {"genetic_algorithm", {{"lower", "-2"}, {"upper", "2"}}, S::constant(), ""},
      {"random_walk", {{"lower", "-2"}, {"upper", "2"}}, S::constant(), ""},
  };
}

Tuning tuning_of(std::string_view name) {
  for (const Tuning& t : tuned())
    if (t.method == name) return t;
  return {name};
}

struct Entry {
  std::string name;
  std::string settings;  // "lr 0.01, cosine" or "defaults"
  std::string note;
  bool step_rule = false;
  std::optional<opt::Result> result;
  std::string error;  // why it did not run
  double seconds = 0.0;
  double error_norm = std::numeric_limits<double>::quiet_NaN();  // ‖x − x*‖ at the end
  double f = std::numeric_limits<double>::quiet_NaN();
};

opt::Options race_options(const S& schedule, bool history) {
  opt::Options o;
  o.schedule = schedule;
  o.stop.max_iterations = budget;
  o.stop.metric = [](const Eigen::VectorXd& x) { return -(x - x_star).norm(); };
  o.stop.metric_target = -finish;
  o.history.enabled = history;
  o.history.record_x = history;
  return o;
}

// "lr 0.5, const" for a step rule (plus any other tuned parameter), "defaults" for a solver.
std::string settings_text(const opt::Method& m, const Tuning& t) {
  std::string out =
      m.is_step_rule()
          ? fmt::format("lr {:g}, {}", *m.lr(), t.schedule_text.empty() ? "const" : t.schedule_text)
          : "";
  for (const auto& [key, value] : t.params)
    if (key != "lr") out += fmt::format("{}{} {}", out.empty() ? "" : ", ", key, value);
  return out.empty() ? "defaults" : out;
}

Entry race(std::string_view name) {
  const Tuning t = tuning_of(name);
  Entry e;
  e.name = name;
  e.note = t.note;
  try {
    const opt::Method m = opt::method_from_name(name, t.params);
    e.settings = settings_text(m, t);
    e.step_rule = m.is_step_rule();
    const auto start = std::chrono::steady_clock::now();
    e.result = opt::minimize(rosenbrock, x_start, m, race_options(t.schedule, true));
    e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    e.error_norm = (e.result->x - x_star).norm();
    e.f = rosenbrock_value(e.result->x);
  } catch (const std::exception& ex) {  // a method this objective cannot run: say why, go on
    e.error = ex.what();
  }
  return e;
}

// A path for the plot: a point where it has moved 0.004 (about a pixel) from the last one kept,
// and the last point.
std::vector<Eigen::Vector2d> thinned_path(const opt::History& h) {
  std::vector<Eigen::Vector2d> out;
  for (std::size_t i = 0; i < h.rows.size(); ++i) {
    const Eigen::Vector2d p = h.rows[i].x;
    if (out.empty() || (p - out.back()).norm() > 0.004 || i + 1 == h.rows.size()) out.push_back(p);
  }
  return out;
}

// An error curve for the log–log plot: iterations 1…100, then per bin of 1/200 of a decade the
// smallest and the largest ‖x_k − x*‖ in iteration order (oscillations keep their envelope).
std::vector<std::pair<std::int64_t, double>> thinned_errors(const opt::History& h) {
  std::vector<std::pair<std::int64_t, double>> out, bin;
  const auto flush = [&] {
    if (bin.empty()) return;
    const auto [lo, hi] = std::minmax_element(
        bin.begin(), bin.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    out.push_back(std::min(*lo, *hi));  // pairs order by iteration first
    if (lo != hi) out.push_back(std::max(*lo, *hi));
    bin.clear();
  };
  long current = -1;
  for (const opt::HistoryRow& row : h.rows) {
    if (row.iteration == 0) continue;  // log axis
    const double e = std::max((row.x - x_star).norm(), 1e-17);
    const long key = row.iteration <= 100
                         ? -row.iteration
                         : std::lround(std::floor(200.0 * std::log10(double(row.iteration))));
    if (key != current) flush();
    current = key;
    bin.emplace_back(row.iteration, e);
  }
  flush();
  return out;
}

// 'it'\''s' for sh.
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Writes the data and the gnuplot script into dir and runs gnuplot there; false on failure.
bool plot(const std::string& dir, const std::vector<Entry>& entries) {
  const std::filesystem::path d(dir);
  std::FILE* paths = std::fopen((d / "rosenbrock_race_paths.dat").c_str(), "w");
  std::FILE* errors = std::fopen((d / "rosenbrock_race_errors.dat").c_str(), "w");
  std::FILE* gp = std::fopen((d / "rosenbrock_race.gp").c_str(), "w");
  if (paths == nullptr || errors == nullptr || gp == nullptr) {
    fmt::print(stderr, "cannot write the plot files into {}\n", dir);
    for (std::FILE* f : {paths, errors, gp})
      if (f != nullptr) std::fclose(f);
    return false;
  }
  // One style per method, the same in both figures: step rules as solid lines, solvers (few
  // iterates) as dashed lines with a marker at every few points, each group its own colours.
  static constexpr std::string_view rule_colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                                      "#9467bd", "#8c564b", "#e377c2", "#17becf",
                                                      "#bcbd22", "#7f7f7f", "#aa0055", "#00aa88"};
  static constexpr std::string_view solver_colours[] = {"#000000", "#e6194b", "#000075", "#3cb44b",
                                                        "#9a6324", "#911eb4", "#469990", "#f032e6"};
  std::string path_plots, error_plots;
  std::size_t index = 0, rules = 0, solvers = 0;
  for (const Entry& e : entries) {
    if (!e.result) continue;
    const std::vector<Eigen::Vector2d> path = thinned_path(e.result->history);
    const std::vector<std::pair<std::int64_t, double>> curve = thinned_errors(e.result->history);
    fmt::print(paths, "# {}\n", e.name);
    for (const Eigen::Vector2d& p : path) fmt::print(paths, "{:.9g} {:.9g}\n", p[0], p[1]);
    fmt::print(paths, "\n\n");
    fmt::print(errors, "# {}\n", e.name);
    for (const auto& [k, error] : curve) fmt::print(errors, "{} {:.6g}\n", k, error);
    fmt::print(errors, "\n\n");
    const std::size_t n = e.step_rule ? rules++ : solvers++;
    const auto style = [&](std::size_t points) {
      if (e.step_rule)
        return fmt::format("lines lc rgb '{}' dt {} lw 1.5", rule_colours[n % 12], 1 + n / 12);
      return fmt::format("linespoints lc rgb '{}' dt {} lw 2 pt {} ps 0.9 pi {}",
                         solver_colours[n % 8], 2 + n / 8, 4 + 2 * (n % 4),
                         std::max<std::size_t>(1, points / 30));
    };
    const std::string title =
        fmt::format("{}{}", e.name, e.error_norm <= finish ? "" : " (no finish)");
    path_plots +=
        fmt::format(", \\\n  'rosenbrock_race_paths.dat' index {} with {} title '{}' noenhanced",
                    index, style(path.size()), title);
    error_plots +=
        fmt::format("{}'rosenbrock_race_errors.dat' index {} with {} title '{}' noenhanced",
                    error_plots.empty() ? "" : ", \\\n  ", index, style(curve.size()), title);
    ++index;
  }
  std::fclose(paths);
  std::fclose(errors);
  if (index == 0) {
    std::fclose(gp);
    fmt::print("no method ran: nothing to plot\n");
    return true;
  }
  fmt::print(gp,
             R"(# Drawn by examples/rosenbrock_race; rerun with `gnuplot rosenbrock_race.gp` here.
f(x, y) = 100 * (y - x**2)**2 + (1 - x)**2
$start << EOD
-1.2 1
EOD
$optimum << EOD
1 1
EOD
# The contours of f, computed once into a data block.
set xrange [-2:2]
set yrange [-1:3]
set samples 200
set isosamples 200
set contour base
unset surface
set view map
set cntrparam levels discrete 0.25, 1, 4, 16, 64, 256, 1024
set table $contours
splot f(x, y)
unset table
unset contour
set surface

png_terminal = strstrt(GPVAL_TERMINALS, 'pngcairo') > 0 ? 'pngcairo' : 'png'
set key outside right top vertical Left reverse box spacing 1.1
set grid lc rgb '#e0e0e0'

# (a) the iterate paths over the contours
set size ratio -1
set xlabel 'x'
set ylabel 'y'
set title 'Rosenbrock race: iterate paths from (-1.2, 1) to x* = (1, 1); contours f = 0.25, 1, 4, … 1024'
paths = "plot $contours using 1:2 with lines lc rgb '#bbbbbb' lw 1 notitle{}, \
  $start with points pt 7 ps 1.6 lc rgb 'black' title 'start (-1.2, 1)', \
  $optimum with points pt 3 ps 2.4 lw 2 lc rgb 'black' title 'x* = (1, 1)'"
set terminal svg size 1300,820 dynamic font 'Sans,12'
set output 'rosenbrock_race_paths.svg'
eval paths
eval sprintf("set terminal %s size 1300,820 font 'Sans,10'", png_terminal)
set output 'rosenbrock_race_paths.png'
eval paths
unset output

# (b) the error curves
set size noratio
set logscale xy
set format x '10^{{%T}}'
set format y '10^{{%T}}'
set xrange [1:{}]
set yrange [*:10]
set xlabel 'iteration k'
set ylabel '‖x_k − x*‖'
set title 'Rosenbrock race: distance to the minimum per iteration (finish line ‖x − x*‖ = {:g})'
errors = "plot {:g} with lines lc rgb '#888888' dt 3 lw 1.5 title 'finish line', \
  {}"
set terminal svg size 1300,720 dynamic font 'Sans,12'
set output 'rosenbrock_race_errors.svg'
eval errors
eval sprintf("set terminal %s size 1300,720 font 'Sans,10'", png_terminal)
set output 'rosenbrock_race_errors.png'
eval errors
unset output
)",
             path_plots, budget, finish, finish, error_plots);
  std::fclose(gp);
  const std::string command = fmt::format("cd {} && gnuplot rosenbrock_race.gp", shell_quote(dir));
  const int status = std::system(command.c_str());
  if (status != 0) {
    const std::string how = status == -1 ? "could not be started"
                            : WIFEXITED(status) != 0
                                ? fmt::format("exit status {}", WEXITSTATUS(status))
                                : "killed by a signal";
    fmt::print(stderr, "gnuplot failed: `{}`: {}; the script is {}\n", command, how,
               (d / "rosenbrock_race.gp").string());
    return false;
  }
  return true;
}

// The grid search behind `tuned`, over every step rule of the method table; prints the table.
void tune() {
  struct Candidate {
    S schedule;
    std::string_view text, code;
  };
  const std::vector<Candidate> schedules = {
      {S::constant(), "const", "S::constant()"},
      {S::power(0.5), "1/sqrt(t)", "S::power(0.5)"},
      {S::cosine(budget), "cosine", "S::cosine(budget)"},
      {S::reduce_on_plateau(0.5, 10), "plateau", "S::reduce_on_plateau(0.5, 10)"}};
  const std::vector<std::string_view> lrs = {"1e-4",  "2e-4", "5e-4", "0.001", "0.002",
                                             "0.005", "0.01", "0.02", "0.05",  "0.1",
                                             "0.2",   "0.5",  "1",    "2",     "5"};
  fmt::print("// best of {} settings each: lr × schedule\n", lrs.size() * schedules.size());
  for (std::string_view name : opt::method_names()) {
    if (!opt::method_from_name(name).is_step_rule()) continue;
    struct Best {
      std::string_view lr;
      const Candidate* schedule = nullptr;
      std::int64_t iterations = 0;
      double error = std::numeric_limits<double>::infinity();
    } best;
    for (const Candidate& c : schedules)
      for (std::string_view lr : lrs) {
        const opt::Method m = opt::method_from_name(name, {{"lr", std::string(lr)}});
        const opt::Result r =
            opt::minimize(rosenbrock, x_start, m, race_options(c.schedule, false));
        if (r.diverged()) continue;
        const double error = (r.x - x_star).norm();
        const bool better = error <= finish ? best.error > finish || r.iterations < best.iterations
                                            : error < best.error;
        if (better) best = {lr, &c, r.iterations, error};
      }
    if (best.schedule == nullptr) {
      fmt::print("// {}: every setting diverged\n", name);
      continue;
    }
    fmt::print(
        "{{\"{}\", {{{{\"lr\", \"{}\"}}}}, {}, \"{}\"}},  // {} iterations, ‖x − x*‖ {:.2e}\n",
        name, best.lr, best.schedule->code, best.schedule->text, best.iterations, best.error);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "rosenbrock_race_out";
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--tune") {
      tune();
      return 0;
    }
    if (arg.starts_with("-")) {
      fmt::print(stderr, "usage: {} [OUTPUT_DIR] [--tune]\n", argv[0]);
      return 2;
    }
    dir = arg;
  }

  std::vector<Entry> entries;
  for (std::string_view name : opt::method_names()) entries.push_back(race(name));

  fmt::print(
      "Rosenbrock 100(y − x²)² + (1 − x)² from (−1.2, 1); finish ‖x − x*‖ ≤ {:g}, "
      "budget {} iterations\n\n",
      finish, budget);
  fmt::print("{:<26} {:<18} {:>6} {:>6} {:>6} {:>5}  {:<18} {:>9} {:>9} {:>8}\n", "method",
             "settings", "iters", "#f", "#∇f", "#∇²f", "stop", "‖x − x*‖", "f(x)", "time ms");
  for (const Entry& e : entries) {
    if (!e.result) {
      fmt::print("{:<26} skipped: {}\n", e.name, e.error);
      continue;
    }
    const opt::Result& r = *e.result;
    fmt::print("{:<26} {:<18} {:>6} {:>6} {:>6} {:>5}  {:<18} {:>9.2e} {:>9.2e} {:>8.2f}\n", e.name,
               e.settings, r.iterations, r.evaluations.values, r.evaluations.gradients,
               r.evaluations.hessian_vectors + r.evaluations.hessians,
               fmt::format("{}", r.stop_reason), e.error_norm, e.f, 1e3 * e.seconds);
  }
  fmt::print(
      "\n#f, #∇f, #∇²f: values, gradients, Hessians and Hessian–vector products evaluated;\n"
      "stop: metric = the finish line, converged = the solver's own test (its message below);\n"
      "time: wall clock of the run, history and finish-line test included.\n");
  for (const Entry& e : entries)
    if (e.result && (e.error_norm > finish || !e.note.empty()))
      fmt::print("  {}: {}{}{}\n", e.name, e.result->message, e.note.empty() ? "" : " — ", e.note);

  if (std::system("command -v gnuplot > /dev/null 2>&1") != 0) {
    fmt::print("\ngnuplot is not on PATH: no plots (apt-get install gnuplot-nox)\n");
    return 0;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    fmt::print(stderr, "cannot create {}: {}\n", dir, ec.message());
    return 1;
  }
  if (!plot(dir, entries)) return 1;
  fmt::print(
      "\nPlots: {0}/rosenbrock_race_paths.{{svg,png}}, {0}/rosenbrock_race_errors.{{svg,png}}\n",
      dir);
  return 0;
}
