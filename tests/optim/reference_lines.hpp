// The lines of a committed reference file in tests/optim/reference/ (NABLA_REFERENCE_DIR),
// without blank lines and '#' comments: the numbers a script there printed.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

inline std::vector<std::string> reference_lines(const std::string& file) {
  std::ifstream in(std::string(NABLA_REFERENCE_DIR) + "/" + file);
  REQUIRE_MESSAGE(in.good(), "missing reference file ", file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  return lines;
}
