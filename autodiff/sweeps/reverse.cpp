// The reverse sweep (Tape::reverse_from): adjᵢ times the local partials of record i, added to
// its operands' adjoints, from the output down. Handles every record kind: Leaf/Input (nothing
// to pass on), Unary, Binary, BinaryConst, ConstBinary (partials from op_rules.hpp),
// Custom/Linear (stored partials), Extension (its own vector–Jacobian product) and ExtOutput
// (adjoint handed to the extension). A new record kind needs a handler in both loops below.
#include <nabla/autodiff/sweeps/reverse.hpp>

#include <fmt/format.h>

#include <bit>
#include <cstddef>
#include <cstdint>

#include <nabla/autodiff/core/anomaly.hpp>
#include <nabla/autodiff/core/dual.hpp>
#include <nabla/autodiff/core/error.hpp>

namespace nabla {

void Tape::reverse_from(std::uint32_t from, double seed, std::uint32_t stop) {
  // One comparison per sweep: a record index past the tape would write adjoints out of bounds.
  if (from >= size_ || stop > from) [[unlikely]]
    throw Error(fmt::format(
        "nabla: Tape::reverse_from(from = {}, stop = {}) on a tape of {} records: needs "
        "stop <= from < size()",
        from, stop, size_));
  // DetectAnomaly (core/anomaly.hpp): one thread-local test per sweep. The checked sweep's own
  // calls (it zeroes adjoints through here) take the fast path.
  if (detail::anomaly_checks_due()) [[unlikely]] {
    detail::anomaly_reverse(*this, from, seed);  // the whole sweep: the same adjoints above stop
    return;
  }
  detail::ReverseSweep::threaded(*this, from, seed, stop);
}

namespace detail {

// Zeroes what the last sweep left behind and seeds `from`; declares the loop state.
#define NABLA_REVERSE_PROLOGUE                                                  \
  Tape::Slot* slot = tape.slots_.get();                                         \
  const Op* ops = tape.ops_.get();                                              \
  const Tape::Args* args = tape.args_.get();                                    \
  const double* cst = tape.constants_.get();                                    \
  for (std::size_t k = 0; k < tape.dirty_adjoints_; ++k) slot[k].adjoint = 0.0; \
  tape.dirty_adjoints_ = std::size_t{from} + 1;                                 \
  slot[from].adjoint = seed;                                                    \
  std::size_t i = std::size_t{from} + 1;                                        \
  double w = 0.0;                                                               \
  Tape::Args arg{};                                                             \
  double da = 0.0;                                                              \
  double db = 0.0;

// The body of one reverse step per kind of record, written once for both loops: the same
// expressions in both, so that they compute the same roundings. NABLA_TIMES(w, d) is the
// adjoint times a partial: a plain product on the hot path, where w is finite and nonzero,
// and the zero rule of forward mode (detail::tangent_product) in `nonfinite_step`.
#define NABLA_REVERSE_Unary(name)                                                        \
  Rule<Op::name>::partials<double>(slot[arg.a0].value, 0.0, 0.0, slot[i].value, da, db); \
  slot[arg.a0].adjoint += NABLA_TIMES(w, da);
#define NABLA_REVERSE_Binary(name)                                                                 \
  Rule<Op::name>::partials<double>(slot[arg.a0].value, slot[arg.a1].value, 0.0, slot[i].value, da, \
                                   db);                                                            \
  slot[arg.a0].adjoint += NABLA_TIMES(w, da);                                                      \
  slot[arg.a1].adjoint += NABLA_TIMES(w, db);
#define NABLA_REVERSE_BinaryConst(name)                                                          \
  Rule<Op::name>::partials<double>(slot[arg.a0].value, 0.0, cst[arg.a1], slot[i].value, da, db); \
  slot[arg.a0].adjoint += NABLA_TIMES(w, da);
#define NABLA_REVERSE_ConstBinary(name) NABLA_REVERSE_BinaryConst(name)
#define NABLA_REVERSE_CUSTOM                                     \
  {                                                              \
    const Tape::CustomRecord& rec = tape.customs_[arg.a0];       \
    for (std::uint32_t k = 0; k < rec.count; ++k)                \
      slot[tape.custom_inputs_[rec.offset + k]].adjoint +=       \
          NABLA_TIMES(w, tape.custom_partials_[rec.offset + k]); \
  }
#define NABLA_REVERSE_EXTENSION tape.extensions_[arg.a0]->reverse(w, tape);
#define NABLA_REVERSE_EXT_OUTPUT tape.extensions_[arg.a0]->add_output_adjoint(arg.a1, w);

// The adjoints that leave the plain step: 0 (nothing to pass on, unless the record is an
// extension, whose matrix adjoints may be nonzero) and ±inf or NaN, where w·0 would be NaN for
// an operand the record does not depend on (min, max, relu, a partial that underflowed). One
// integer test for both: 2·bits(w) − 1 wraps for ±0 and is ≥ 2·bits(inf) − 1 for inf and NaN.
inline bool unusual_adjoint(double w) noexcept {
  return (std::bit_cast<std::uint64_t>(w) << 1U) - 1U >=
         (std::uint64_t{0x7FF0000000000000} << 1U) - 1U;
}

// The step for an unusual adjoint, shared by both loops.
#define NABLA_REVERSE_UNUSUAL    \
  if (ops[i] == Op::Extension) { \
    arg = args[i];               \
    NABLA_REVERSE_EXTENSION      \
  } else if (w != 0.0) {         \
    nonfinite_step(tape, i, w);  \
  }

// The switch over every kind of record, shared by the reference loop and nonfinite_step.
#define NABLA_REVERSE_CASE(name, kind, text) \
  case Op::name: {                           \
    NABLA_REVERSE_##kind(name)               \
  } break;
#define NABLA_REVERSE_SWITCH(op)                                                                 \
  switch (op) {                                                                                  \
    case Op::Input: break;                                                                       \
    case Op::Custom:                                                                             \
    case Op::Linear: NABLA_REVERSE_CUSTOM break;                                                 \
    case Op::Extension: NABLA_REVERSE_EXTENSION break;                                           \
    case Op::ExtOutput: NABLA_REVERSE_EXT_OUTPUT break; NABLA_ELEMENTARY_OPS(NABLA_REVERSE_CASE) \
  }

#define NABLA_TIMES(w, d) ((w) * (d))

void ReverseSweep::threaded(Tape& tape, std::uint32_t from, double seed, std::uint32_t stop) {
#if defined(__GNUC__)
  NABLA_REVERSE_PROLOGUE
  // Threaded dispatch (GNU computed goto): every handler ends in its own indirect jump, so
  // the branch predictor learns which operation follows which — measurably faster than one
  // shared switch on long tapes.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
  static void* const handlers[] = {&&on_Input,
                                   &&on_Custom,
                                   &&on_Custom,
                                   &&on_Extension,
                                   &&on_ExtOutput,
#define NABLA_X(name, kind, text) &&on_##name,
                                   NABLA_ELEMENTARY_OPS(NABLA_X)
#undef NABLA_X
  };
#define NABLA_NEXT                                    \
  do {                                                \
    if (i == stop) goto done;                         \
    --i;                                              \
    w = slot[i].adjoint;                              \
    if (unusual_adjoint(w)) [[unlikely]]              \
      goto unusual;                                   \
    arg = args[i];                                    \
    goto* handlers[static_cast<std::size_t>(ops[i])]; \
  } while (false)
  NABLA_NEXT;  // the first record; the handlers below are reached only by their jumps
unusual:
  NABLA_REVERSE_UNUSUAL
  NABLA_NEXT;
on_Input:
  NABLA_NEXT;
on_Custom:
  NABLA_REVERSE_CUSTOM
  NABLA_NEXT;
on_Extension:
  NABLA_REVERSE_EXTENSION
  NABLA_NEXT;
on_ExtOutput:
  NABLA_REVERSE_EXT_OUTPUT
  NABLA_NEXT;
#define NABLA_X(name, kind, text) on_##name : NABLA_REVERSE_##kind(name) NABLA_NEXT;
  NABLA_ELEMENTARY_OPS(NABLA_X)
#undef NABLA_X
#undef NABLA_NEXT
#pragma GCC diagnostic pop
done:
  return;
#else
  reference(tape, from, seed, stop);
#endif
}

// The portable loop: one switch, the same steps in the same order as `threaded`.
void ReverseSweep::reference(Tape& tape, std::uint32_t from, double seed, std::uint32_t stop) {
  NABLA_REVERSE_PROLOGUE
  while (i-- > stop) {
    w = slot[i].adjoint;
    const Op op = ops[i];
    if (unusual_adjoint(w)) [[unlikely]] {
      NABLA_REVERSE_UNUSUAL
      continue;
    }
    arg = args[i];
    NABLA_REVERSE_SWITCH(op)
  }
}

#undef NABLA_TIMES
#define NABLA_TIMES(w, d) tangent_product(w, d)

// One reverse step of record i for a nonfinite adjoint w: forward mode's zero rule, an
// operand with partial 0 receives 0 (d cosh(min(y, x))/dy = 0 at x = −800, not −inf·0).
void ReverseSweep::nonfinite_step(Tape& tape, std::size_t i, double w) {
  Tape::Slot* slot = tape.slots_.get();
  const Tape::Args* args = tape.args_.get();
  const double* cst = tape.constants_.get();
  const Tape::Args arg = args[i];
  double da = 0.0;
  double db = 0.0;
  // (extensions take NABLA_REVERSE_UNUSUAL's own branch and never reach this step)
  NABLA_REVERSE_SWITCH(tape.ops_[i])
  (void)cst;
  (void)da;
  (void)db;
}

#undef NABLA_TIMES
#undef NABLA_REVERSE_SWITCH
#undef NABLA_REVERSE_CASE
#undef NABLA_REVERSE_UNUSUAL
#undef NABLA_REVERSE_PROLOGUE
#undef NABLA_REVERSE_Unary
#undef NABLA_REVERSE_Binary
#undef NABLA_REVERSE_BinaryConst
#undef NABLA_REVERSE_ConstBinary
#undef NABLA_REVERSE_CUSTOM
#undef NABLA_REVERSE_EXTENSION
#undef NABLA_REVERSE_EXT_OUTPUT

}  // namespace detail
}  // namespace nabla
