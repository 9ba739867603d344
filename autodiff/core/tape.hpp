// nabla::Tape — a Wengert list. Each record is one operation in evaluation order, kept in three
// parallel arrays: the op code (1 byte), the two operand slots (8 bytes) and the value with its
// adjoint side by side (16 bytes), so that the reverse sweep finds an operand's value and
// adjoint in one cache line and no separate pass zeroes the adjoints. A record costs 25 bytes.
// Local partial derivatives are not stored: op_rules.hpp recomputes them from the operand
// values during a sweep, which is what makes replay and higher order possible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nabla/autodiff/core/default_init_allocator.hpp>
#include <nabla/autodiff/core/error.hpp>
#include <nabla/autodiff/core/extension.hpp>
#include <nabla/autodiff/core/op.hpp>
#include <nabla/autodiff/core/op_rules.hpp>
#include <nabla/autodiff/core/var.hpp>

namespace nabla {

class Tape;
class CustomFunction;

namespace detail {
// The tape operations record on, per thread, and its stamp. With no tape active the stamp is
// no_tape_stamp, which neither a constant (stamp 0) nor any recorded Var carries: so "this Var
// records on the active tape" is one comparison, with no null test.
inline constexpr std::uint32_t no_tape_stamp = 0xFFFFFFFFU;
inline constinit thread_local Tape* active_tape = nullptr;
inline constinit thread_local std::uint32_t active_stamp = no_tape_stamp;

// Cold paths, out of line so that the recording fast path stays small.
[[noreturn]] void throw_tape_error(Op op, const Var& a, const Tape* active);
[[noreturn]] void throw_mixed_tapes(Op op, const Var& a, const Var& b);
std::uint32_t new_stamp() noexcept;
// Test-only: the next stamps start at `next` (e.g. next to the 2³² wrap; docs/design.md);
// returns the counter it replaced, to put back.
std::uint64_t set_stamp_counter_for_testing(std::uint64_t next) noexcept;
std::size_t default_memory_limit() noexcept;
// The reverse sweeps, in sweeps/reverse.cpp: they read the record arrays directly.
struct ReverseSweep;
}  // namespace detail

// How many times the 32-bit stamp counter has wrapped in this process (every 2³² − 2 tape
// creations and clears). Stale-variable detection is exact for a Var used fewer than 2³² − 2
// clears after its recording; past a wrap an old Var can carry a stamp that is current again
// (docs/design.md says why Var stays two words).
[[nodiscard]] std::uint64_t stamp_wraps() noexcept;

struct TapeStats {
  std::size_t operations = 0;      // records on the tape
  std::size_t constants = 0;       // entries in the constant pool
  std::size_t bytes = 0;           // bytes in use, adjoints and matrix records included
  std::size_t capacity_bytes = 0;  // bytes reserved (kept by clear())
  double bytes_per_operation = 0;  // bytes / operations
};

// A comparison between active values, kept so that a replay can tell whether control flow
// that depended on it would still go the same way.
struct Comparison {
  enum class Relation : std::uint8_t { Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual };
  std::uint32_t position;  // tape size when the comparison was made
  std::uint32_t lhs;       // node index, or constant-pool index when lhs_constant
  std::uint32_t rhs;       // node index, or constant-pool index when rhs_constant
  Relation relation;
  bool lhs_constant;
  bool rhs_constant;
  bool outcome;
};

namespace detail {
struct LabelTable;  // record index → name (tape.cpp)
}  // namespace detail

class Tape {
 public:
  Tape();
  explicit Tape(std::size_t reserve_operations) : Tape() { reserve(reserve_operations); }
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;
  ~Tape();

  // A new independent variable with value x.
  Var variable(double x) { return push(Op::Input, 0, 0, x); }
  // n new independent variables with values x[0..n), written to out[0..n), in one pass.
  void variables(const double* x, std::size_t n, Var* out);

  // Forgets every record and invalidates every Var of this tape; keeps the memory.
  void clear() noexcept;
  void reserve(std::size_t operations);

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::uint32_t stamp() const noexcept { return stamp_; }

  // Names for records, for people reading a graph (teaching/label.hpp's label()). They belong
  // to this recording: clear() forgets them with the records they name.
  void set_label(std::uint32_t index, std::string name);
  [[nodiscard]] std::string label(std::uint32_t index) const;  // "" when unnamed
  void clear_labels() noexcept;
  [[nodiscard]] TapeStats stats() const noexcept;

  // Recording past this many bytes throws TapeLimitError (default: half the physical memory).
  void set_memory_limit(std::size_t bytes) noexcept { memory_limit_ = bytes; }
  [[nodiscard]] std::size_t memory_limit() const noexcept { return memory_limit_; }

  // Reverse sweep from y with adjoint `seed`; afterwards adjoint(x) = seed * dy/dx.
  void reverse(const Var& y, double seed = 1.0);
  // The adjoint of v after the last reverse sweep (0 for constants). Checks that v is ours.
  [[nodiscard]] double adjoint(const Var& v) const;
  // Reverse sweep over records [stop, from] with adjoint `seed` at `from`. Records below
  // `stop` are not visited: pass the index of the first input when everything before it is
  // an input too (inputs propagate nothing), as the functional API does. Out of line
  // (sweeps/reverse.cpp): one call per sweep costs nothing against the loop. Throws
  // nabla::Error unless stop <= from < size().
  void reverse_from(std::uint32_t from, double seed, std::uint32_t stop = 0);

  // Read access to the records, for explain, replay and the higher-order sweeps.
  [[nodiscard]] Op op(std::size_t i) const noexcept { return ops_[i]; }
  [[nodiscard]] std::uint32_t arg0(std::size_t i) const noexcept { return args_[i].a0; }
  [[nodiscard]] std::uint32_t arg1(std::size_t i) const noexcept { return args_[i].a1; }
  [[nodiscard]] double value_at(std::size_t i) const noexcept { return slots_[i].value; }
  [[nodiscard]] double constant(std::size_t k) const noexcept { return constants_[k]; }
  [[nodiscard]] double adjoint_at(std::size_t i) const noexcept { return slots_[i].adjoint; }
  void set_value_at(std::size_t i, double v) noexcept { slots_[i].value = v; }
  void add_adjoint_at(std::size_t i, double w) noexcept { slots_[i].adjoint += w; }
  [[nodiscard]] const std::vector<Comparison>& comparisons() const noexcept { return comparisons_; }
  [[nodiscard]] Extension& extension(std::size_t k) const noexcept { return *extensions_[k]; }

  struct CustomRecord {
    std::uint32_t offset;  // into custom_inputs / custom_partials
    std::uint32_t count;
    std::shared_ptr<const CustomFunction> function;
  };
  [[nodiscard]] const CustomRecord& custom(std::size_t k) const noexcept { return customs_[k]; }
  [[nodiscard]] const std::uint32_t* custom_inputs() const noexcept {
    return custom_inputs_.data();
  }
  [[nodiscard]] const double* custom_partials() const noexcept { return custom_partials_.data(); }
  double* mutable_custom_partials() noexcept { return custom_partials_.data(); }

  // The tape Var operations record on; throws when v belongs to no active tape.
  static Tape& active_for(Op op, const Var& v) {
    if (detail::active_stamp != v.stamp()) [[unlikely]]
      detail::throw_tape_error(op, v, detail::active_tape);
    return *detail::active_tape;
  }
  static Tape& active_for(Op op, const Var& a, const Var& b) {
    if (a.stamp() != b.stamp()) [[unlikely]]
      detail::throw_mixed_tapes(op, a, b);
    return active_for(op, a);
  }
  [[nodiscard]] static Tape* active() noexcept { return detail::active_tape; }

  // Throws TapeMismatchError unless v is a constant or a record of this tape's current
  // recording: a Var recorded elsewhere and returned by f would index another recording.
  // `who` names the caller in the message ("nabla::jvp").
  void require_recorded_here(const Var& v, const char* who) const;

  // Recording, used by Var's operations and by extensions.
  Var push(Op op, std::uint32_t a, std::uint32_t b, double value) {
    if (size_ == capacity_) [[unlikely]]
      grow(size_ + 1);
    const std::size_t i = size_;
    const std::uint32_t stamp = stamp_;
    Op* ops = ops_.get();
    args_[i] = Args{a, b};
    slots_[i] = Slot{value, 0.0};
    size_ = i + 1;
    // Last: a one-byte store may alias anything, so everything else is read before it.
    ops[i] = op;
    return Var(value, static_cast<std::uint32_t>(i), stamp);
  }
  Var push_with_constant(Op op, std::uint32_t a, double c, double value) {
    if (constants_size_ == constants_capacity_) [[unlikely]]
      grow_constants();
    const std::size_t k = constants_size_++;
    constants_[k] = c;
    return push(op, a, static_cast<std::uint32_t>(k), value);
  }
  Var push_custom(std::shared_ptr<const CustomFunction> function, const std::uint32_t* inputs,
                  const double* partials, std::uint32_t count, double value);
  // Storage for a linear record of `count` terms about to be pushed with push_linear_filled:
  // fill inputs[0..count) and coefficients[0..count).
  struct LinearStorage {
    std::uint32_t* inputs;
    double* coefficients;
  };
  LinearStorage linear_storage(std::uint32_t count);
  Var push_linear_filled(std::uint32_t count, double offset, double value);
  // offset + Σ coefficients[k]·(record inputs[k]) as one record (Op::Linear); slot 1 indexes
  // the offset in the constant pool.
  Var push_linear(const std::uint32_t* inputs, const double* coefficients, std::uint32_t count,
                  double offset, double value);
  // Takes ownership of `ext` and appends its record; `value` is its own scalar value.
  Var push_extension(std::unique_ptr<Extension> ext, double value);
  // Output k of the extension recorded at `extension_record`.
  Var push_extension_output(const Var& extension_record, std::uint32_t output, double value);
  void push_comparison(const Comparison& c) { comparisons_.push_back(c); }
  std::uint32_t push_constant(double c) {
    if (constants_size_ == constants_capacity_) [[unlikely]]
      grow_constants();
    constants_[constants_size_] = c;
    return static_cast<std::uint32_t>(constants_size_++);
  }

 private:
  friend struct detail::ReverseSweep;
  struct Args {
    std::uint32_t a0;
    std::uint32_t a1;
  };
  struct Slot {
    double value;
    double adjoint;
  };
  static void write_input_vars(const double* x, std::size_t n, std::uint32_t first,
                               std::uint32_t stamp, Var* out) noexcept;
  void grow(std::size_t needed);
  void grow_constants();
  void reserve_custom(std::size_t count);
  void check_limit(std::size_t new_bytes) const;
  [[nodiscard]] std::size_t reserved_bytes() const noexcept;

  std::uint32_t stamp_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  std::unique_ptr<Op[]> ops_;
  std::unique_ptr<Args[]> args_;
  std::unique_ptr<Slot[]> slots_;
  // Records are written with a zero adjoint; a sweep leaves adjoints behind up to here.
  std::size_t dirty_adjoints_ = 0;
  std::unique_ptr<double[]> constants_;
  std::size_t constants_size_ = 0;
  std::size_t constants_capacity_ = 0;
  std::vector<CustomRecord> customs_;
  std::vector<std::uint32_t, detail::DefaultInitAllocator<std::uint32_t>> custom_inputs_;
  std::vector<double, detail::DefaultInitAllocator<double>> custom_partials_;
  std::vector<std::unique_ptr<Extension>> extensions_;
  std::vector<Comparison> comparisons_;
  std::size_t memory_limit_ = detail::default_memory_limit();
  std::size_t extension_bytes_ = 0;  // what the extensions own (Extension::bytes), since clear()
  // Allocated by the first label only; out of line so that <unordered_map> stays out of here.
  std::unique_ptr<detail::LabelTable> labels_;
};

// Makes a tape the active one of this thread for the scope's lifetime, then restores the
// previous one, also when an exception passes.
class TapeScope {
 public:
  explicit TapeScope(Tape& tape) noexcept : previous_(detail::active_tape) {
    detail::active_tape = &tape;
    detail::active_stamp = tape.stamp();
  }
  TapeScope(const TapeScope&) = delete;
  TapeScope& operator=(const TapeScope&) = delete;
  ~TapeScope() {
    detail::active_tape = previous_;
    detail::active_stamp = previous_ == nullptr ? detail::no_tape_stamp : previous_->stamp();
  }

 private:
  Tape* previous_;
};

// A new independent variable on the active tape.
Var variable(double x);

}  // namespace nabla
