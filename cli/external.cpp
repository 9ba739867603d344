#include "external.hpp"

#include <fmt/format.h>
#include <sys/wait.h>

#include <cstdio>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::cli {

std::string shell_quote(std::string_view s) {
  std::string q = "'";
  for (const char c : s) {
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
  }
  return q + "'";
}

void run_with_input(const std::string& command, const std::string& input, std::string_view what) {
  // The program's stderr stays ours: its own message says what went wrong with the file.
  FILE* pipe = popen((command + " >/dev/null").c_str(), "w");
  if (pipe == nullptr) throw Error(fmt::format("cannot run {}", what));
  const std::size_t written = std::fwrite(input.data(), 1, input.size(), pipe);
  const int status = pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
      throw Error(fmt::format("`{}` did not start: {} is not installed", command, what));
    throw Error(fmt::format("`{}` failed (exit status {})", command,
                            WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  }
  if (written != input.size()) throw Error(fmt::format("could not write to {}", what));
}

}  // namespace nabla::cli
