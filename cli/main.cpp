// nabla, the command line: differentiate a typed formula, watch the chain rule, minimise it.
// `nabla --help` lists the subcommands, `nabla COMMAND --help` shows one with the lectures'
// examples. Exit status: 0 success, 1 an error of the computation (a failed check, a run that
// diverged), 2 a mistake on the command line or in the formula.
#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <string_view>

#include <nabla/autodiff/formula/formula.hpp>

#include "commands.hpp"
#include "problem.hpp"

namespace nabla::cli {

namespace {

constexpr OptionSpec kGrad[] = {{"at", true, "POINT", "the point, e.g. 0,1"}};
constexpr OptionSpec kHessian[] = {
    {"at", true, "POINT", "the point, e.g. 0,0"},
    {"tolerance", true, "EPS", "‖∇f‖∞ at most EPS counts as stationary (default 1e-8)"}};
constexpr OptionSpec kExplain[] = {
    {"at", true, "POINT", "the point"},
    {"output", true, "K", "explain output K only (1-based) of a formula with several"},
    {"forward", false, "", "forward mode: the tangents seeded at each variable in turn"},
    {"html", true, "FILE", "also write a page that steps through the sweep"}};
constexpr OptionSpec kChain[] = {{"at", true, "POINT", "the point of the first stage"},
                                 {"stages", false, "", "(optional) marks the stages that follow"}};
constexpr OptionSpec kDot[] = {{"at", true, "POINT", "the point"},
                               {"output", true, "K", "the output to draw (1-based)"},
                               {"svg", true, "FILE", "render through Graphviz's dot into FILE"}};
constexpr OptionSpec kMinimize[] = {
    {"from", true, "POINT", "the start point"},
    {"method", true, "NAME", "a method of nabla::optim (default gradient_descent)"},
    {"lr", true, "ETA", "the step size of a step rule"},
    {"param", true, "NAME=VALUE", "any parameter of the method (repeatable)"},
    {"schedule", true, "RULE",
     "step sizes: inverse_time, power:P, exponential:G, step:N,G, "
     "cosine:T, vowpal:S,P, plateau"},
    {"until", true, "CRITERIA", "e.g. grad<1e-6,loss<0.01,step<1e-10,iterations=500"},
    {"iterations", true, "N", "at most N updates (default 1000)"},
    {"seed", true, "N", "the seed of stochastic methods"},
    {"history", false, "", "print every iterate"},
    {"progress", false, "", "a progress bar on stderr (default when stderr is a terminal)"},
    {"plot", true, "FILE.svg", "the loss curve through gnuplot"}};
constexpr OptionSpec kCheck[] = {
    {"at", true, "POINT", "the point"},
    {"tolerance", true, "EPS", "the largest error that passes (default 1e-6)"},
    {"step", true, "H", "the relative finite-difference step (default ε^(1/3))"}};

template <std::size_t N>
std::span<const OptionSpec> own(const OptionSpec (&o)[N]) {
  return {o, N};
}

struct Table {
  std::vector<std::vector<OptionSpec>> options;
  std::vector<Command> commands;
};

const Table& table() {
  static const Table t = [] {
    Table t;
    const auto add = [&](std::string_view name, std::string_view summary, std::string_view usage,
                         std::span<const OptionSpec> o, int (*run)(const Arguments&)) {
      t.options.push_back(with_formula_options(o));
      t.commands.push_back({name, summary, usage, {}, run});
    };
    add("grad", "value and gradient at a point",
        "nabla grad FORMULA --at POINT\n\n"
        "  nabla grad \"x1^2 - x2\" --at 1,2          ∇ = (2, -1)        (lecture 000)\n"
        "  nabla grad \"exp(x1)*x2^2\" --at 0,1       ∇ = (1, 2)         (lecture 000)\n",
        own(kGrad), run_grad);
    add("jacobian", "the Jacobian of a vector formula (outputs separated by ';')",
        "nabla jacobian \"F1; F2; …\" --at POINT\n\n"
        "  nabla jacobian \"5*x1^2+4*x2+1; -x2\" --at 1,3   [[10, 4], [0, -1]]   (lecture 002)\n",
        own(kGrad), run_jacobian);
    add("hessian", "value, gradient, Hessian and the second-order check",
        "nabla hessian FORMULA --at POINT\n\n"
        "  nabla hessian \"x1^2 + x2^2\" --at 0,0     a local minimum        (lecture 002)\n"
        "  nabla hessian \"x1^2 - x2^2\" --at 0,0     a saddle point\n"
        "  nabla hessian \"x1^4\" --at 0              inconclusive\n",
        own(kHessian), run_hessian);
    add("explain", "the recorded graph and the reverse sweep, step by step",
        "nabla explain FORMULA --at POINT [--forward] [--html FILE]\n\n"
        "  nabla explain \"exp(x1)*x2^2\" --at 0,1\n"
        "  nabla explain \"exp(x1)*x2^2\" --at 0,1 --forward\n"
        "  nabla explain \"(w1*x1 + w2*x2 - y)^2\" --vars w1,w2,x1,x2,y --at 0.5,-1,1,2,3 "
        "--html mse.html\n",
        own(kExplain), run_explain);
    add("chain", "the chain of Jacobians of a composite, multiplied in both orders",
        "nabla chain [--stages] STAGE1 STAGE2 … --at POINT   (innermost first; or \"S1 | S2\")\n"
        "A stage's variables are the previous stage's outputs, in order.\n\n"
        "  nabla chain --stages \"w1*x1 + w2*x2\" \"u - 3\" \"r^2\" --vars w1,w2,x1,x2 --at "
        "0.5,-1,1,2\n"
        "      the MSE example of lecture 001: A_l = A_f · A_g · A_k\n",
        own(kChain), run_chain);
    add("dot", "the recorded graph in Graphviz DOT (--svg FILE renders it)",
        "nabla dot FORMULA --at POINT [--svg FILE]\n\n"
        "  nabla dot \"exp(x1)*x2^2\" --at 0,1 --svg graph.svg\n",
        own(kDot), run_dot);
    add("minimize", "minimise a formula with any method of nabla::optim",
        "nabla minimize FORMULA --from POINT [--method NAME] [--lr ETA] [--schedule RULE] "
        "[--until CRITERIA]\n\n"
        "  nabla minimize \"(x1 - 3)^2\" --from 0 --lr 0.25 --iterations 10 --history"
        "   (lecture 004)\n"
        "  nabla minimize \"(1-x1)^2 + 100*(x2-x1^2)^2\" --from -1.2,1 --method lbfgs "
        "--param gtol=1e-10 --param ftol=0\n"
        "  nabla minimize \"x1^2 + 10*x2^2\" --from 1,1 --method adam --lr 0.1 --schedule "
        "inverse_time --plot loss.svg\n",
        own(kMinimize), run_minimize);
    add("check", "the gradient against finite differences",
        "nabla check FORMULA --at POINT [--tolerance EPS]\n\n"
        "  nabla check \"sin(x1)*log(x2)\" --at 1,2\n",
        own(kCheck), run_check);
    for (std::size_t k = 0; k < t.commands.size(); ++k) t.commands[k].options = t.options[k];
    return t;
  }();
  return t;
}

void print_help() {
  fmt::print(
      "nabla — differentiate a typed formula, watch the chain rule, minimise it\n\n"
      "usage: nabla COMMAND FORMULA [options]      (nabla COMMAND --help for one command)\n\n"
      "commands:\n");
  for (const Command& c : commands()) fmt::print("  {:<10} {}\n", c.name, c.summary);
  fmt::print(
      "\nFormulas: numbers (2, 0.5, 1e-3), variables (x1 … xn, or any names; --vars sets the\n"
      "order), + - * / ^ (also **), functions (exp log sqrt sin cos tan tanh sigmoid softplus\n"
      "abs relu erf … pow atan2 hypot max min), pi, e, and several outputs separated by ';'.\n"
      "Every command takes --json (full precision) and --digits N.\n\n"
      "The lectures' examples:\n"
      "  nabla grad \"x1^2 - x2\" --at 1,2\n"
      "  nabla grad \"exp(x1)*x2^2\" --at 0,1\n"
      "  nabla jacobian \"5*x1^2+4*x2+1; -x2\" --at 1,3\n"
      "  nabla explain \"exp(x1)*x2^2\" --at 0,1 --html sweep.html\n"
      "  nabla minimize \"(x1 - 3)^2\" --from 0 --lr 0.25 --iterations 10 --history\n");
}

void print_command_help(const Command& c) {
  fmt::print("nabla {} — {}\n\nusage: {}\noptions:\n", c.name, c.summary, c.usage);
  for (const OptionSpec& o : c.options) {
    const std::string head =
        o.takes_value ? fmt::format("--{} {}", o.name, o.value) : fmt::format("--{}", o.name);
    fmt::print("  {:<22} {}\n", head, o.help);
  }
}

}  // namespace

std::span<const Command> commands() { return table().commands; }

std::vector<OptionSpec> with_formula_options(std::span<const OptionSpec> o) {
  std::vector<OptionSpec> all(o.begin(), o.end());
  all.insert(all.end(), std::begin(kFormulaOptions), std::end(kFormulaOptions));
  all.push_back({"help", false, "", "this help"});
  return all;
}

}  // namespace nabla::cli

int main(int argc, char** argv) {
  using namespace nabla::cli;
  // A program we pipe into (dot, gnuplot) that exits early must give an error, not kill us.
  std::signal(SIGPIPE, SIG_IGN);
  const std::span<const char* const> args(argv, static_cast<std::size_t>(argc));
  if (argc < 2) {
    print_help();
    return 2;
  }
  const std::string_view name = args[1];
  if (name == "--help" || name == "-h" || name == "help") {
    if (argc > 2)
      for (const Command& c : commands())
        if (c.name == args[2]) return print_command_help(c), 0;
    print_help();
    return 0;
  }
  if (name == "--version") {
    fmt::print("nabla {}\n", NABLA_VERSION);
    return 0;
  }
  const Command* command = nullptr;
  for (const Command& c : commands())
    if (c.name == name) command = &c;
  try {
    if (command == nullptr) {
      std::string known;
      for (const Command& c : commands())
        known += fmt::format("{}{}", known.empty() ? "" : ", ", c.name);
      throw UsageError(fmt::format("unknown command '{}' (commands: {})", name, known));
    }
    const Arguments parsed(args.subspan(2), command->options);
    if (parsed.flag("help")) {
      print_command_help(*command);
      return 0;
    }
    return command->run(parsed);
  } catch (const nabla::FormulaError& e) {
    fmt::print(stderr, "nabla: error: {}\n", e.what());
    return 2;
  } catch (const UsageError& e) {
    fmt::print(stderr, "nabla: error: {}\n", e.what());
    if (command != nullptr)
      fmt::print(stderr, "usage: {}", command->usage.substr(0, command->usage.find('\n') + 1));
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "nabla: error: {}\n", e.what());
    return 1;
  }
}
