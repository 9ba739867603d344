// The per-thread pool of tapes behind the functional API: one tape per nesting depth, reused
// (cleared, capacity kept) across calls, restored on exceptions, separate per thread.
#include <doctest/doctest.h>

#include <nabla/autodiff/core/scoped_tape.hpp>
#include <nabla/autodiff/scalar.hpp>
#include <stdexcept>
#include <thread>

using nabla::Tape;
using nabla::Var;
using nabla::detail::pooled_tape_depth;
using nabla::detail::ScopedTape;

TEST_CASE("depth, activation and restoration") {
  REQUIRE(pooled_tape_depth() == 0);
  REQUIRE(Tape::active() == nullptr);
  Tape* first = nullptr;
  {
    ScopedTape outer;
    first = &outer.tape();
    CHECK(pooled_tape_depth() == 1);
    CHECK(Tape::active() == first);
    {
      ScopedTape inner;
      CHECK(pooled_tape_depth() == 2);
      CHECK(&inner.tape() != first);  // a nested call gets a tape of its own
      CHECK(Tape::active() == &inner.tape());
    }
    CHECK(pooled_tape_depth() == 1);
    CHECK(Tape::active() == first);
  }
  CHECK(pooled_tape_depth() == 0);
  CHECK(Tape::active() == nullptr);
}

TEST_CASE("a pooled tape is reused cleared, with its capacity") {
  Tape* used = nullptr;
  std::size_t capacity = 0;
  Var stale;
  {
    ScopedTape s;
    used = &s.tape();
    const Var x = nabla::variable(1.0);
    Var y = x;
    for (int k = 0; k < 20'000; ++k) y = y * x;
    stale = y;
    capacity = s.tape().stats().capacity_bytes;
    CHECK(s.tape().size() == 20'001);
  }
  ScopedTape again;
  CHECK(&again.tape() == used);  // same tape at the same depth
  CHECK(again.tape().size() == 0);
  CHECK(again.tape().stats().capacity_bytes == capacity);
  // Vars of the previous use are invalid on the reused tape.
  CHECK_THROWS_AS((void)(stale * stale), nabla::TapeMismatchError);
}

TEST_CASE("an exception inside a pooled scope restores depth and activation") {
  Tape mine;
  const nabla::TapeScope scope(mine);
  try {
    ScopedTape a;
    ScopedTape b;
    CHECK(pooled_tape_depth() == 2);
    throw std::runtime_error("x");
  } catch (const std::runtime_error&) {
  }
  CHECK(pooled_tape_depth() == 0);
  CHECK(Tape::active() == &mine);
}

TEST_CASE("each thread has its own pool") {
  ScopedTape here;
  Tape* here_tape = &here.tape();
  std::size_t other_depth_before = 99;
  std::size_t other_depth_inside = 99;
  Tape* other_tape = nullptr;
  Tape* other_active_before = here_tape;
  std::thread t([&] {
    other_depth_before = pooled_tape_depth();
    other_active_before = Tape::active();
    ScopedTape s;
    other_depth_inside = pooled_tape_depth();
    other_tape = &s.tape();
  });
  t.join();
  CHECK(other_depth_before == 0);
  CHECK(other_active_before == nullptr);  // the active tape is per thread
  CHECK(other_depth_inside == 1);
  CHECK(other_tape != here_tape);
  CHECK(pooled_tape_depth() == 1);
  CHECK(Tape::active() == here_tape);
}
