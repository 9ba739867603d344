// nabla explain: the recorded graph and the reverse sweep step by step (--forward: forward mode,
// --html FILE: the same sweep as a page to step through); nabla dot: the graph in DOT, --svg
// through Graphviz.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdio>
#include <fstream>

#include <nabla/autodiff/sweeps/watched.hpp>
#include <nabla/autodiff/teaching/dot_export.hpp>
#include <nabla/autodiff/teaching/explain.hpp>

#include "../commands.hpp"
#include "../external.hpp"
#include "../html_page.hpp"
#include "../problem.hpp"
#include "../recording.hpp"
#include "../trace.hpp"

namespace nabla::cli {

namespace {

// --output K (1-based) picks one output of a vector formula; otherwise every output.
std::vector<std::size_t> chosen_outputs(const Arguments& args, const Formula& f) {
  std::vector<std::size_t> out;
  if (const auto k = args.value("output")) {
    const long long i = parse_integer(*k, "output");
    if (i < 1 || static_cast<std::size_t>(i) > f.outputs())
      throw UsageError(fmt::format("--output {}: the formula has {} output{} (1 … {})", i,
                                   f.outputs(), f.outputs() == 1 ? "" : "s", f.outputs()));
    out.push_back(static_cast<std::size_t>(i - 1));
  } else {
    for (std::size_t k = 0; k < f.outputs(); ++k) out.push_back(k);
  }
  return out;
}

std::string output_name(const Formula& f, std::size_t k) {
  return f.outputs() == 1 ? std::string("f") : fmt::format("f{}", k + 1);
}

// The pass seeded at one variable; `outputs` are the formula outputs (0-based) t.derivative
// holds, in order.
std::string forward_text(const Recording& r, const Formula& f, const ForwardTrace& t,
                         const std::vector<std::size_t>& outputs, const Printer& p) {
  const Tape& tape = const_cast<Recording&>(r).tape();
  const std::string& seed = f.variables()[t.seed];
  std::string s = fmt::format(
      "Forward mode, seed d{0}/d{0} = 1: the tangent of each record is Σ local partial × the "
      "tangent of its input\n",
      seed);
  for (const ForwardStep& step : t.steps) {
    s += fmt::format("  {} {}: ", record_name(tape, step.record), op_name(tape.op(step.record)));
    if (tape.op(step.record) == Op::Input) {
      s += fmt::format("tangent {}\n", p.num(step.tangent));
      continue;
    }
    std::vector<std::string> terms;
    for (std::size_t k = 0; k < step.inputs.size(); ++k)
      terms.push_back(
          fmt::format("{} × {}", p.num(step.partials[k]), p.num(step.input_tangents[k])));
    s += fmt::format("tangent = {} = {}\n",
                     terms.empty() ? std::string("0") : fmt::format("{}", fmt::join(terms, " + ")),
                     p.num(step.tangent));
  }
  for (Eigen::Index k = 0; k < t.derivative.size(); ++k)
    s += fmt::format("∂{}/∂{} = {}\n", output_name(f, outputs[static_cast<std::size_t>(k)]), seed,
                     p.num(t.derivative[k]));
  return s;
}

}  // namespace

int run_explain(const Arguments& args) {
  const Formula f = read_formula(args, "explain");
  const Eigen::VectorXd x = read_point(args, f);
  const Printer p(print_options(args));
  Recording r(f, x);
  const std::vector<std::size_t> outs = chosen_outputs(args, f);
  const bool json = args.flag("json");

  if (args.flag("forward")) {
    if (args.value("html"))
      throw UsageError("--html steps through the reverse sweep: drop --forward to write the page");
    std::vector<Var> ys;
    ys.reserve(outs.size());
    for (const std::size_t k : outs) ys.push_back(r.outputs()[k]);
    nlohmann::json passes = nlohmann::json::array();
    std::string text =
        fmt::format("f({}) = {}\nat {}\n", fmt::join(f.variables(), ", "), f.text(),
                    x.size() == 0 ? "(no variables)" : p.assignment(f.variables(), x));
    if (x.size() == 0) text += "no variables: nothing to seed\n";
    for (std::size_t j = 0; j < r.inputs().size(); ++j) {
      const ForwardTrace t = forward_trace(r.tape(), r.inputs(), ys, j);
      passes.push_back(to_json(t));
      text += fmt::format("\n{}", forward_text(r, f, t, outs, p));
    }
    if (json) {
      nlohmann::json j = json_header("explain", f, x);
      j["mode"] = "forward";
      nlohmann::json indices = nlohmann::json::array();
      for (const std::size_t k : outs) indices.push_back(k + 1);
      j["outputs"] = indices;  // the formula outputs each pass's "derivative" lists, 1-based
      j["forward"] = passes;
      print_json(j);
    } else {
      fmt::print("{}", text);
    }
    return 0;
  }

  nlohmann::json traces = nlohmann::json::array();
  std::string text = fmt::format("f({}) = {}\nat {}\n", fmt::join(f.variables(), ", "), f.text(),
                                 x.size() == 0 ? "(no variables)" : p.assignment(f.variables(), x));
  std::vector<ReverseTrace> kept;
  for (const std::size_t k : outs) {
    const Var& y = r.outputs()[k];
    if (outs.size() > 1 || f.outputs() > 1) text += fmt::format("\nOutput {}:\n", k + 1);
    text += explain(r.tape(), y, p.options());
    ReverseTrace t = reverse_trace(r.tape(), r.inputs(), y);
    nlohmann::json j = to_json(t);
    j["index"] = k + 1;
    traces.push_back(std::move(j));
    kept.push_back(std::move(t));
  }
  // Printed first: a page that cannot be written loses nothing of the answer.
  if (json) {
    nlohmann::json j = json_header("explain", f, x);
    j["mode"] = "reverse";
    j["outputs"] = traces;
    print_json(j);
  } else {
    fmt::print("{}", text);
  }
  if (const auto html = args.value("html")) {
    std::fflush(stdout);
    write_html_page(*html, f, x, kept, outs);
    if (!json) fmt::print("\nwrote {} (open it in a browser)\n", *html);
  }
  return 0;
}

int run_dot(const Arguments& args) {
  const Formula f = read_formula(args, "dot");
  const Eigen::VectorXd x = read_point(args, f);
  const Printer p(print_options(args));
  Recording r(f, x);
  std::size_t k = 0;
  if (args.value("output")) {
    k = chosen_outputs(args, f).front();
  } else if (f.outputs() != 1) {
    throw UsageError(
        fmt::format("nabla dot draws one output; the formula has {} (choose one with --output K)",
                    f.outputs()));
  }
  const std::string dot = to_dot(r.tape(), r.outputs()[k], p.options());
  if (const auto svg = args.value("svg")) {
    run_with_input(fmt::format("dot -Tsvg -o {}", shell_quote(*svg)), dot,
                   "Graphviz (apt-get install graphviz)");
    if (args.flag("json")) {
      nlohmann::json j = json_header("dot", f, x);
      j["dot"] = dot;
      j["svg"] = *svg;
      print_json(j);
    } else {
      fmt::print("wrote {}\n", *svg);
    }
    return 0;
  }
  if (args.flag("json")) {
    nlohmann::json j = json_header("dot", f, x);
    j["dot"] = dot;
    print_json(j);
  } else {
    fmt::print("{}", dot);
  }
  return 0;
}

}  // namespace nabla::cli
