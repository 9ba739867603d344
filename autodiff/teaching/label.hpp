// Names for recorded values, for people reading a graph: explain(), to_dot() and the
// non-finite checks print "#12 (loss)" instead of "#12". A label belongs to the tape that
// recorded its Var or Mat (Tape::set_label) and is forgotten by that tape's clear(): recording
// pays nothing for labels, and no table outlives its recording.
#pragma once

#include <cstdint>
#include <string>

#include <nabla/autodiff/core/tape.hpp>
#include <nabla/autodiff/core/var.hpp>

namespace nabla {

class Mat;

// Names the record behind v on the active tape and returns v; a constant v has no record and
// is returned unnamed. Throws NoActiveTapeError / TapeMismatchError when v is not a variable
// of the active tape (its tape was cleared, or it belongs to another tape or thread).
const Var& label(const Var& v, std::string name);
// The same for the record behind a matrix node.
const Mat& label(const Mat& m, std::string name);

// The label of record `index` of `tape`, or "" when it has none.
[[nodiscard]] inline std::string label_of(const Tape& tape, std::uint32_t index) {
  return tape.label(index);
}

// Forgets the labels of the active tape (no-op without one). Labels are per tape since 0.2;
// Tape::clear() forgets them too, so this call is rarely needed.
void clear_labels();

}  // namespace nabla
