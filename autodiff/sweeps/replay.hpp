// The replay sweep behind nabla::Function: re-evaluates a recorded tape's values at the input
// values the caller has just set, without calling f again.
#pragma once

#include <nabla/autodiff/core/tape.hpp>

namespace nabla {

// Recomputes the value of every non-input record, in recording order, from its operands;
// custom records also refresh their stored partials. The caller sets the Input values first.
void replay_sweep(Tape& tape);

}  // namespace nabla
