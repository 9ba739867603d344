// A fresh tape for one functional call (gradient, jacobian, …), active for the call's scope.
// Tapes come from a per-thread pool indexed by nesting depth, so repeated calls reuse memory
// and a call nested inside another (a gradcheck inside a loss) gets a tape of its own.
#pragma once

#include <cstddef>

#include <nabla/autodiff/core/tape.hpp>

namespace nabla::detail {

Tape& acquire_pooled_tape();
void release_pooled_tape() noexcept;
// How many pooled tapes are in use on this thread (1 inside the outermost functional call).
std::size_t pooled_tape_depth() noexcept;

class ScopedTape {
 public:
  ScopedTape() : tape_(acquire_pooled_tape()), scope_(tape_) {}
  ScopedTape(const ScopedTape&) = delete;
  ScopedTape& operator=(const ScopedTape&) = delete;
  ~ScopedTape() { release_pooled_tape(); }
  Tape& tape() noexcept { return tape_; }

 private:
  Tape& tape_;
  TapeScope scope_;
};

}  // namespace nabla::detail
