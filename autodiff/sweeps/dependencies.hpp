// Which records an output depends on: the walk behind explain() and to_dot(), which print
// those records (with their local partials from local_partials()) and nothing else.
#pragma once

#include <cstdint>
#include <vector>

#include <nabla/autodiff/core/tape.hpp>

namespace nabla {

// needed[i] != 0 when record `output` depends on record i, for i in [0, output]; the output
// itself is needed. An extension record does not list its inputs, so every record before the
// first extension (or extension output) met is counted as needed.
[[nodiscard]] std::vector<char> dependencies(const Tape& tape, std::uint32_t output);

}  // namespace nabla
