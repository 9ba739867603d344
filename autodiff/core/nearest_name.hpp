// "Did you mean …?": the known name nearest to a mistyped one, by edit distance, for the error
// messages of the formula parser and the command line.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <vector>

namespace nabla::detail {

// Levenshtein distance: insertions, deletions and substitutions of one byte.
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The candidate nearest to `name` when it is at most `max_distance` edits away, else "" (the
// first of equally near ones).
template <class Names>
std::string_view nearest_name(std::string_view name, const Names& candidates,
                              std::size_t max_distance) {
  std::string_view best;
  std::size_t best_distance = max_distance + 1;
  for (const auto& c : candidates) {
    const std::string_view candidate(c);
    const std::size_t d = edit_distance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

}  // namespace nabla::detail
