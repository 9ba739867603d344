// The dependency walk: from the output down, each needed record marks its operands. Handles
// Leaf/Input (no operands), Unary, Binary, BinaryConst, ConstBinary and Custom/Linear (their
// operands, from local_partials), Extension and ExtOutput (all earlier records).
#include <nabla/autodiff/sweeps/dependencies.hpp>

#include <cstddef>

#include <nabla/autodiff/sweeps/watched.hpp>

namespace nabla {

std::vector<char> dependencies(const Tape& tape, std::uint32_t output) {
  const std::size_t n = std::size_t{output} + 1;
  std::vector<char> needed(n, 0);
  needed[n - 1] = 1;
  std::vector<LocalPartial> partials;
  for (std::size_t i = n; i-- > 0;) {
    if (!needed[i]) continue;
    const Kind kind = op_kind(tape.op(i));
    if (kind == Kind::Extension || kind == Kind::ExtOutput) {
      for (std::size_t k = 0; k < i; ++k) needed[k] = 1;
      break;
    }
    local_partials(tape, i, partials);
    for (const LocalPartial& p : partials) needed[p.input] = 1;
  }
  return needed;
}

}  // namespace nabla
