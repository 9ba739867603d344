// A reverse sweep that can be watched step by step, for explain(), to_dot() and the
// non-finite checks: the same chain rule as Tape::reverse_from, on the tape's own adjoints, with
// the local partials from op_rules.hpp, plus a callback after every record. Handles every record
// kind: Leaf/Input (nothing to pass on), Unary, Binary, BinaryConst, ConstBinary and Custom/Linear
// (local_partials), Extension (its own vector–Jacobian product) and ExtOutput (adjoint handed
// to the extension). It is slower than Tape::reverse (a callback and a small vector per
// record), which is why the tape's fast path (sweeps/reverse.cpp) stays separate.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include <nabla/autodiff/core/tape.hpp>

namespace nabla {

// One input of a record with its local partial derivative ∂record/∂input.
struct LocalPartial {
  std::uint32_t input;
  double partial;
};

// The inputs of record i and their local partials (empty for inputs and extension records,
// whose Jacobian is applied by the extension itself). Binary ops on constants also report the
// constant through `constant` (NaN when there is none).
void local_partials(const Tape& tape, std::size_t i, std::vector<LocalPartial>& out,
                    double* constant = nullptr);

// One step of the watched sweep: record `index` with its complete adjoint passes
// adjoint·partial to each input.
struct ReverseStep {
  std::uint32_t index;
  double adjoint;
  const std::vector<LocalPartial>* partials;
};

// Reverse sweep from record `from` with adjoint `seed`; afterwards tape.adjoint_at() holds
// seed·∂from/∂record for every record, as after Tape::reverse_from. `on_step(step)` runs for
// each record with a non-zero adjoint, once that adjoint is complete and before it is passed
// on in order of `partials` (an extension record: after its own vector–Jacobian product, with
// no partials listed). `before_extension(index)` runs just before an extension record applies
// its own product (a matrix record keeps its adjoint inside, not in the tape's slot); when it
// returns true, on_step runs for that record even with a zero scalar adjoint. Either may
// throw to stop the sweep.
template <class OnStep, class BeforeExtension>
void watched_reverse(Tape& tape, std::uint32_t from, double seed, OnStep&& on_step,
                     BeforeExtension&& before_extension) {
  tape.reverse_from(from, 0.0);  // zeroes every adjoint up to `from`
  tape.add_adjoint_at(from, seed);
  std::vector<LocalPartial> partials;
  for (std::size_t i = std::size_t{from} + 1; i-- > 0;) {
    const double w = tape.adjoint_at(i);
    const Op op = tape.op(i);
    const Kind kind = op_kind(op);
    if (w == 0.0 && kind != Kind::Extension) continue;
    partials.clear();
    if (kind == Kind::Extension) {
      const bool report = before_extension(static_cast<std::uint32_t>(i)) || w != 0.0;
      tape.extension(tape.arg0(i)).reverse(w, tape);
      if (report) on_step(ReverseStep{static_cast<std::uint32_t>(i), w, &partials});
    } else if (kind == Kind::ExtOutput) {
      on_step(ReverseStep{static_cast<std::uint32_t>(i), w, &partials});
      tape.extension(tape.arg0(i)).add_output_adjoint(tape.arg1(i), w);
    } else {
      local_partials(tape, i, partials);
      on_step(ReverseStep{static_cast<std::uint32_t>(i), w, &partials});
      for (const LocalPartial& p : partials) tape.add_adjoint_at(p.input, w * p.partial);
    }
  }
}

template <class OnStep>
void watched_reverse(Tape& tape, std::uint32_t from, double seed, OnStep&& on_step) {
  watched_reverse(tape, from, seed, std::forward<OnStep>(on_step),
                  [](std::uint32_t /*index*/) { return false; });
}

}  // namespace nabla
