// Which records an output depends on: the walk behind explain() and to_dot(), which print
// those records (with their local partials from local_partials()) and nothing else.
#pragma once

#include <cstdint>
#include <vector>

#include <nabla/autodiff/core/tape.hpp>

namespace nabla {

// needed[i] != 0 when record `output` depends on record i, for i in [0, output]; the output
// itself is needed. An extension record contributes the records its input_records() lists; one
// that does not list them makes every earlier record needed.
[[nodiscard]] std::vector<char> dependencies(const Tape& tape, std::uint32_t output);

}  // namespace nabla
