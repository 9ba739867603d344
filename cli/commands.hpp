// The subcommands of `nabla`. Each reads its arguments (argv after the subcommand name), prints
// text or --json to stdout and returns the exit status; errors are exceptions (main.cpp turns
// them into a message on stderr and a non-zero status).
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "arguments.hpp"

namespace nabla::cli {

struct Command {
  std::string_view name;
  std::string_view summary;  // one line for `nabla --help`
  std::string_view usage;    // the synopsis and the lectures' examples, for `nabla NAME --help`
  std::span<const OptionSpec> options;
  int (*run)(const Arguments& args);
};

// Every subcommand, in the order `nabla --help` lists them.
[[nodiscard]] std::span<const Command> commands();

int run_grad(const Arguments& args);
int run_jacobian(const Arguments& args);
int run_hessian(const Arguments& args);
int run_explain(const Arguments& args);
int run_chain(const Arguments& args);
int run_dot(const Arguments& args);
int run_minimize(const Arguments& args);
int run_check(const Arguments& args);

// A command's options followed by the common ones (--vars, --json, --digits).
[[nodiscard]] std::vector<OptionSpec> with_formula_options(std::span<const OptionSpec> own);

}  // namespace nabla::cli
