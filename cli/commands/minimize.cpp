// nabla minimize: any method of nabla::optim by its name, on a typed formula — the stop reason,
// the minimiser, the history (--history) and the loss curve (--plot FILE.svg through gnuplot).
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nabla/optim.hpp>

#include "../commands.hpp"
#include "../external.hpp"
#include "../problem.hpp"

namespace nabla::cli {

namespace {

using optim::Schedule;

// "power:0.3", "exponential:0.99", "step:100,0.5", "cosine:1000[,warmup[,eta_min]]",
// "vowpal:10,0.5", "plateau[:factor[,patience]]", "inverse_time", "constant".
Schedule parse_schedule(const std::string& text) {
  const std::size_t colon = text.find(':');
  const std::string name = text.substr(0, colon);
  std::vector<double> a;
  if (colon != std::string::npos) {
    const Eigen::VectorXd v = parse_point(text.substr(colon + 1), "schedule");
    a.assign(v.data(), v.data() + v.size());
  }
  const auto need = [&](std::size_t lo, std::size_t hi, std::string_view form) {
    if (a.size() < lo || a.size() > hi)
      throw UsageError(fmt::format("--schedule {}: write {}", text, form));
  };
  // Whole numbers in [lo, 2³¹): checked before the cast, which is undefined out of range.
  const auto whole = [&](double v, double lo = 1) {
    if (v != std::floor(v) || v < lo || v >= 2147483648.0)
      throw UsageError(
          fmt::format("--schedule {}: {} is not a whole number in [{}, 2^31)", text, v, lo));
    return static_cast<std::int64_t>(v);
  };
  if (name == "constant") return need(0, 0, "constant"), Schedule::constant();
  if (name == "inverse_time") return need(0, 0, "inverse_time"), Schedule::inverse_time();
  if (name == "power") return need(1, 1, "power:P (η₀/t^P)"), Schedule::power(a[0]);
  if (name == "vowpal") return need(2, 2, "vowpal:S,P"), Schedule::vowpal(a[0], a[1]);
  if (name == "exponential") return need(1, 1, "exponential:GAMMA"), Schedule::exponential(a[0]);
  if (name == "step") return need(2, 2, "step:N,GAMMA"), Schedule::step(whole(a[0]), a[1]);
  if (name == "cosine") {
    need(1, 3, "cosine:TOTAL[,WARMUP[,ETA_MIN]]");
    return Schedule::cosine(whole(a[0]), a.size() > 1 ? whole(a[1], 0) : 0,
                            a.size() > 2 ? a[2] : 0.0);
  }
  if (name == "plateau") {
    need(0, 2, "plateau[:FACTOR[,PATIENCE]]");
    return Schedule::reduce_on_plateau(a.empty() ? 0.1 : a[0],
                                       a.size() > 1 ? static_cast<int>(whole(a[1])) : 10);
  }
  throw UsageError(fmt::format(
      "--schedule {}: unknown schedule '{}' (constant, inverse_time, power:P, vowpal:S,P, "
      "exponential:G, step:N,G, cosine:T[,W[,MIN]], plateau[:F[,P]])",
      text, name));
}

// "grad<1e-6,loss<0.01,step<1e-10,change<1e-12,iterations=500,evaluations=1000,seconds=2"
void parse_until(const std::string& text, optim::StopCriteria& stop) {
  for (const std::string& item : parse_names(text)) {
    const std::size_t op = item.find_first_of("<=");
    if (op == std::string::npos)
      throw UsageError(fmt::format("--until {}: write NAME<VALUE or NAME=VALUE", item));
    const std::string name = item.substr(0, op);
    const std::string value = item.substr(op + 1);
    if (name == "grad")
      stop.gradient_norm = parse_nonnegative(value, "until");
    else if (name == "loss")
      stop.loss_below = parse_number(value, "until");
    else if (name == "step")
      stop.step_norm = parse_nonnegative(value, "until");
    else if (name == "change")
      stop.loss_change = parse_nonnegative(value, "until");
    else if (name == "iterations")
      stop.max_iterations = parse_count(value, "until");
    else if (name == "evaluations")
      stop.max_evaluations = parse_count(value, "until");
    else if (name == "seconds")
      stop.max_seconds = parse_positive(value, "until");
    else
      throw UsageError(
          fmt::format("--until {}: unknown criterion '{}' (grad, loss, step, change, iterations, "
                      "evaluations, seconds)",
                      item, name));
  }
}

// A gnuplot string literal: single-quoted, a quote written twice.
std::string gnuplot_quote(const std::string& s) {
  std::string q = "'";
  for (const char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
  q += '\'';
  return q;
}

void plot(const std::string& path, const optim::History& h, const std::string& title) {
  bool positive = !h.rows.empty();
  for (const auto& row : h.rows) positive = positive && row.loss > 0.0 && std::isfinite(row.loss);
  std::string script = fmt::format(
      "set terminal svg size 800,500 dynamic enhanced font 'sans,12'\nset output {}\n"
      "set title {} noenhanced\nset xlabel 'iteration'\nset ylabel 'f(x_t)' noenhanced\n"
      "set grid\n{}$loss << EOD\n",
      gnuplot_quote(path), gnuplot_quote(title), positive ? "set logscale y\n" : "");
  for (const auto& row : h.rows)
    if (std::isfinite(row.loss)) script += fmt::format("{} {:.17g}\n", row.iteration, row.loss);
  script += "EOD\nplot $loss with linespoints pt 7 ps 0.4 title 'f(x_t)' noenhanced\n";
  run_with_input("gnuplot", script, "gnuplot (apt-get install gnuplot-nox)");
}

}  // namespace

int run_minimize(const Arguments& args) {
  const Formula f = read_formula(args, "minimize");
  if (f.outputs() != 1)
    throw UsageError(
        fmt::format("nabla minimize: the formula has {} outputs; it needs one", f.outputs()));
  const Eigen::VectorXd x0 = read_point(args, f, "from");
  optim::MethodParams params;
  if (const auto lr = args.value("lr")) {
    (void)parse_positive(*lr, "lr");  // the method reads the text; a NaN never reaches it
    params["lr"] = *lr;
  }
  for (const std::string& p : args.values("param")) {
    const std::size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError(fmt::format("--param {}: write NAME=VALUE, e.g. --param beta1=0.9", p));
    params[p.substr(0, eq)] = p.substr(eq + 1);
  }
  const std::string method_name = args.value("method").value_or("gradient_descent");
  // An unknown method or parameter, or a value the method rejects, is a mistake on the command
  // line (exit status 2), with the library's message listing what is valid.
  const auto usage = [](auto&& make) {
    try {
      return make();
    } catch (const UsageError&) {
      throw;
    } catch (const Error& e) {
      throw UsageError(e.what());
    }
  };
  const optim::Method method = usage([&] { return optim::method_from_name(method_name, params); });

  optim::Options options;
  if (const auto s = args.value("schedule"))
    options.schedule = usage([&] { return parse_schedule(*s); });
  if (const auto n = args.value("iterations"))
    options.stop.max_iterations = parse_count(*n, "iterations");
  if (const auto u = args.value("until")) parse_until(*u, options.stop);
  options.seed =
      static_cast<std::uint64_t>(args.value("seed") ? parse_count(*args.value("seed"), "seed") : 0);
  const bool json = args.flag("json");
  const bool history = args.flag("history");
  options.history.record_x = history;
  // The history feeds --plot and the JSON; without --history it keeps at most ~10⁴ rows, so a
  // run of 10⁸ iterations does not hold 10⁸ rows.
  if (!history)
    options.history.every =
        std::max<std::int64_t>(1, optim::effective_max_iterations(options.stop) / 10000);
  options.progress_bar = args.flag("progress") || (!json && isatty(STDERR_FILENO) != 0);

  const optim::Result r = optim::minimize(f, x0, method, options);
  const Printer p(print_options(args));

  if (json) {
    nlohmann::json j = json_header("minimize", f, x0);
    j["method"] = r.method;
    j["params"] = method.params();
    j["stop_reason"] = std::string(to_string(r.stop_reason));
    j["message"] = r.message;
    j["success"] = r.success();
    j["x"] = json_vector(r.x);
    j["value"] = json_number(r.value);
    j["iterations"] = r.iterations;
    j["evaluations"] = {{"value", r.evaluations.values},
                        {"gradient", r.evaluations.gradients},
                        {"hessian", r.evaluations.hessians}};
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& row : r.history.rows)
      rows.push_back({{"iteration", row.iteration},
                      {"loss", json_number(row.loss)},
                      {"gradient_norm", json_number(row.gradient_norm)},
                      {"step_size", json_number(row.step_size)}});
    if (history)
      for (std::size_t k = 0; k < rows.size(); ++k) rows[k]["x"] = json_vector(r.history.rows[k].x);
    j["history"] = rows;
    print_json(j);
    if (const auto svg = args.value("plot"))  // after the answer: a failed plot loses nothing
      plot(*svg, r.history, fmt::format("{} on {}", r.method, f.text()));
    return r.success() ? 0 : 1;
  }
  std::string out =
      fmt::format("minimize f({}) = {}\nfrom {}\nmethod {}", fmt::join(f.variables(), ", "),
                  f.text(), p.assignment(f.variables(), x0), r.method);
  if (!method.params().empty()) {
    std::vector<std::string> kv;
    for (const auto& [k, v] : method.params()) kv.push_back(k + "=" + v);
    out += fmt::format(" ({})", fmt::join(kv, ", "));
  }
  out += "\n";
  if (history) {
    out += fmt::format("{:>10}  {:>24}  {:>24}  x\n", "iteration", "f(x_t)", "‖∇f‖");
    for (const auto& row : r.history.rows)
      out += fmt::format("{:>10}  {:>24}  {:>24}  {}\n", row.iteration, p.num(row.loss),
                         p.num(row.gradient_norm), p.vector(row.x));
  }
  out +=
      fmt::format("stopped   {}: {}\nx         {}\nf(x)      {}\niterations {}\n",
                  to_string(r.stop_reason), r.message, p.vector(r.x), p.num(r.value), r.iterations);
  fmt::print("{}", out);
  if (const auto svg = args.value("plot")) {  // after the answer: a failed plot loses nothing
    std::fflush(stdout);
    plot(*svg, r.history, fmt::format("{} on {}", r.method, f.text()));
    fmt::print("wrote {}\n", *svg);
  }
  return r.success() ? 0 : 1;
}

}  // namespace nabla::cli
