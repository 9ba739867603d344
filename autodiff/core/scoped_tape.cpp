#include <nabla/autodiff/core/scoped_tape.hpp>

#include <memory>
#include <vector>

namespace nabla::detail {

namespace {
struct TapePool {
  std::vector<std::unique_ptr<Tape>> tapes;
  std::size_t depth = 0;
};
thread_local TapePool pool;
}  // namespace

Tape& acquire_pooled_tape() {
  if (pool.depth == pool.tapes.size()) pool.tapes.push_back(std::make_unique<Tape>());
  Tape& tape = *pool.tapes[pool.depth++];
  tape.clear();
  return tape;
}

void release_pooled_tape() noexcept { --pool.depth; }

std::size_t pooled_tape_depth() noexcept { return pool.depth; }

}  // namespace nabla::detail
