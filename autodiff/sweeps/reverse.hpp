// The reverse (adjoint) sweep of a Tape, in two dispatch loops over the same step bodies:
// `threaded`, behind Tape::reverse_from, and `reference`, a plain switch loop kept compiled on
// every compiler so that tests can require both to give bit-identical adjoints
// (tests/autodiff/sweeps/reverse_test.cpp). Internal: users call Tape::reverse/reverse_from.
#pragma once

#include <cstddef>
#include <cstdint>

#include <nabla/autodiff/core/tape.hpp>

namespace nabla::detail {

struct ReverseSweep {
  // Both: adjoints of records [stop, from] as after Tape::reverse_from(from, seed, stop).
  static void threaded(Tape& tape, std::uint32_t from, double seed, std::uint32_t stop);
  static void reference(Tape& tape, std::uint32_t from, double seed, std::uint32_t stop);
  // Record i's step for an adjoint w that is ±inf or NaN, with forward mode's zero rule.
  static void nonfinite_step(Tape& tape, std::size_t i, double w);
};

}  // namespace nabla::detail
