// The dependency walk: from the output down, each needed record marks its operands. Handles
// Leaf/Input (no operands), Unary, Binary, BinaryConst, ConstBinary and Custom/Linear (their
// operands, from local_partials), Extension (the records it says it reads, or all earlier ones
// when it does not say) and ExtOutput (its extension's record).
#include <nabla/autodiff/sweeps/dependencies.hpp>

#include <cstddef>

#include <nabla/autodiff/core/extension.hpp>
#include <nabla/autodiff/sweeps/watched.hpp>

namespace nabla {

std::vector<char> dependencies(const Tape& tape, std::uint32_t output) {
  const std::size_t n = std::size_t{output} + 1;
  std::vector<char> needed(n, 0);
  needed[n - 1] = 1;
  std::vector<LocalPartial> partials;
  std::vector<std::uint32_t> inputs;
  for (std::size_t i = n; i-- > 0;) {
    if (!needed[i]) continue;
    const Kind kind = op_kind(tape.op(i));
    if (kind == Kind::ExtOutput) {
      needed[tape.extension(tape.arg0(i)).record()] = 1;
      continue;
    }
    if (kind == Kind::Extension) {
      inputs.clear();
      if (!tape.extension(tape.arg0(i)).input_records(inputs)) {
        for (std::size_t k = 0; k < i; ++k) needed[k] = 1;
        break;
      }
      for (const std::uint32_t k : inputs) needed[k] = 1;
      continue;
    }
    local_partials(tape, i, partials);
    for (const LocalPartial& p : partials) needed[p.input] = 1;
  }
  return needed;
}

}  // namespace nabla
