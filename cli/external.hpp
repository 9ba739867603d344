// Running the programs nabla draws with (Graphviz's dot, gnuplot): text in on stdin, a file out.
#pragma once

#include <string>
#include <string_view>

namespace nabla::cli {

// 'path' with single quotes, safe for /bin/sh whatever the path holds.
[[nodiscard]] std::string shell_quote(std::string_view s);
// Runs `command` through /bin/sh with `input` on its stdin; throws nabla::Error naming `what`
// when it cannot start (exit status 127: not installed) or fails.
void run_with_input(const std::string& command, const std::string& input, std::string_view what);

}  // namespace nabla::cli
