#include <nabla/autodiff/core/tape.hpp>

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>

#include <nabla/autodiff/scalar/custom_function.hpp>

namespace nabla {

namespace detail {

namespace {
// 64 bits: a stamp is the low 32, and the high 32 count the wraps.
constinit std::atomic<std::uint64_t> stamp_counter{1};
}  // namespace

std::uint32_t new_stamp() noexcept {
  // Stamp 0 means "constant" and no_tape_stamp "no active tape": a wrap-around skips both.
  while (true) {
    const auto s =
        static_cast<std::uint32_t>(stamp_counter.fetch_add(1, std::memory_order_relaxed));
    if (s != 0 && s != no_tape_stamp) return s;
  }
}

std::uint64_t set_stamp_counter_for_testing(std::uint64_t next) noexcept {
  return stamp_counter.exchange(next, std::memory_order_relaxed);
}

}  // namespace detail

std::uint64_t stamp_wraps() noexcept {
  return detail::stamp_counter.load(std::memory_order_relaxed) >> 32;
}

namespace detail {

void throw_tape_error(Op op, const Var& a, const Tape* active) {
  if (active == nullptr)
    throw NoActiveTapeError(fmt::format(
        "nabla: '{}' on variable #{} (value {}) but no tape is active on this thread; record "
        "inside a TapeScope or a nabla::gradient call, and do not keep Vars after it ends",
        op_name(op), a.index(), a.value()));
  throw TapeMismatchError(fmt::format(
      "nabla: '{}' on variable #{} (value {}) of tape stamp {}, but the active tape has stamp "
      "{}: the variable belongs to another tape, or to this tape before its clear()",
      op_name(op), a.index(), a.value(), a.stamp(), active->stamp()));
}

void throw_mixed_tapes(Op op, const Var& a, const Var& b) {
  throw TapeMismatchError(
      fmt::format("nabla: '{}' mixes variables of two tapes: #{} (stamp {}) and #{} (stamp {}); "
                  "or one of them was kept from before its tape's clear()",
                  op_name(op), a.index(), a.stamp(), b.index(), b.stamp()));
}

std::size_t default_memory_limit() noexcept {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return std::size_t{8} << 30;
  return static_cast<std::size_t>(pages) * static_cast<std::size_t>(page_size) / 2;
}

}  // namespace detail

Var variable(double x) {
  Tape* t = Tape::active();
  if (t == nullptr)
    throw NoActiveTapeError(
        "nabla: variable() needs an active tape; create a nabla::Tape and a TapeScope first");
  return t->variable(x);
}

// out[k] = Var(x[k], first + k, stamp) as two 8-byte words per Var (value, then index and
// stamp in one word): written field by field, GCC vectorises this loop into lane-by-lane
// extracts that run twice as slow.
void Tape::write_input_vars(const double* x, std::size_t n, std::uint32_t first,
                            std::uint32_t stamp, Var* out) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    struct Words {
      double value;
      std::uint64_t index_and_stamp;  // index_ in the low half, stamp_ in the high half
    };
    static_assert(sizeof(Words) == sizeof(Var) && offsetof(Var, value_) == 0 &&
                  offsetof(Var, index_) == 8 && offsetof(Var, stamp_) == 12);
    const std::uint64_t high = std::uint64_t{stamp} << 32U;
    for (std::size_t k = 0; k < n; ++k) {
      const Words w{x[k], high | (first + k)};
      std::memcpy(static_cast<void*>(out + k), &w, sizeof(Var));
    }
  } else {
    for (std::size_t k = 0; k < n; ++k)
      out[k] = Var(x[k], first + static_cast<std::uint32_t>(k), stamp);
  }
}

void Tape::variables(const double* x, std::size_t n, Var* out) {
  if (size_ + n > capacity_) grow(size_ + n);
  const std::size_t first = size_;
  const std::uint32_t stamp = stamp_;
  Args* args = args_.get() + first;
  Slot* slots = slots_.get() + first;
  Op* ops = ops_.get() + first;
  // One simple loop per array: fused into one, GCC vectorises it into a shuffle-heavy loop
  // that is several times slower than these four streams.
  std::fill_n(ops, n, Op::Input);
  std::fill_n(args, n, Args{0, 0});
  for (std::size_t k = 0; k < n; ++k) slots[k] = Slot{x[k], 0.0};
  write_input_vars(x, n, static_cast<std::uint32_t>(first), stamp, out);
  size_ = first + n;
}

namespace detail {
struct LabelTable {
  std::unordered_map<std::uint32_t, std::string> names;
};
}  // namespace detail

// Out of line: the label table's type is complete only here.
Tape::Tape() : stamp_(detail::new_stamp()) {}

Tape::~Tape() {
  // A tape destroyed while active must not leave a dangling active pointer behind.
  if (detail::active_tape == this) {
    detail::active_tape = nullptr;
    detail::active_stamp = detail::no_tape_stamp;
  }
}

void Tape::clear() noexcept {
  size_ = 0;
  dirty_adjoints_ = 0;
  constants_size_ = 0;
  customs_.clear();
  custom_inputs_.clear();
  custom_partials_.clear();
  extensions_.clear();
  extension_bytes_ = 0;
  comparisons_.clear();
  clear_labels();
  stamp_ = detail::new_stamp();
  if (detail::active_tape == this) detail::active_stamp = stamp_;
}

namespace {
constexpr std::size_t record_bytes = sizeof(Op) + 2 * sizeof(std::uint32_t) + 2 * sizeof(double);

template <class T>
void resize_array(std::unique_ptr<T[]>& array, std::size_t used, std::size_t capacity) {
  // for_overwrite: no zero-filling of memory the tape writes before it reads.
  auto bigger = std::make_unique_for_overwrite<T[]>(capacity);
  if (used > 0) std::memcpy(bigger.get(), array.get(), used * sizeof(T));
  array = std::move(bigger);
}
}  // namespace

std::size_t Tape::reserved_bytes() const noexcept {
  return capacity_ * record_bytes + constants_capacity_ * sizeof(double) +
         customs_.capacity() * sizeof(CustomRecord) +
         custom_inputs_.capacity() * sizeof(std::uint32_t) +
         custom_partials_.capacity() * sizeof(double) +
         comparisons_.capacity() * sizeof(Comparison) + extension_bytes_;
}

void Tape::check_limit(std::size_t new_bytes) const {
  const std::size_t total = reserved_bytes() + new_bytes;
  if (total > memory_limit_)
    throw TapeLimitError(fmt::format(
        "nabla: tape memory limit reached: growing past {} records would use {:.1f} MiB, over "
        "the limit of {:.1f} MiB; raise it with Tape::set_memory_limit() or record less",
        size_, static_cast<double>(total) / (1 << 20),
        static_cast<double>(memory_limit_) / (1 << 20)));
}

void Tape::reserve(std::size_t operations) {
  if (operations <= capacity_) return;
  if (operations > std::size_t{UINT32_MAX})
    throw TapeLimitError("nabla: a tape holds at most 2^32 - 1 records");
  check_limit((operations - capacity_) * record_bytes);
  resize_array(ops_, size_, operations);
  resize_array(args_, size_, operations);
  resize_array(slots_, size_, operations);
  capacity_ = operations;
}

void Tape::grow(std::size_t needed) {
  std::size_t target = std::max<std::size_t>({needed, 2 * capacity_, 4096});
  target = std::min<std::size_t>(target, UINT32_MAX);
  // Near the limit, grow only as far as the limit allows before failing.
  const std::size_t used = reserved_bytes();
  if (used + (target - capacity_) * record_bytes > memory_limit_ && needed < target) {
    const std::size_t room = memory_limit_ > used ? (memory_limit_ - used) / record_bytes : 0;
    target = std::max(needed, capacity_ + room);
  }
  reserve(target);
}

void Tape::grow_constants() {
  const std::size_t target = std::max<std::size_t>(2 * constants_capacity_, 1024);
  check_limit((target - constants_capacity_) * sizeof(double));
  resize_array(constants_, constants_size_, target);
  constants_capacity_ = target;
}

TapeStats Tape::stats() const noexcept {
  TapeStats s;
  s.operations = size_;
  s.constants = constants_size_;
  s.bytes = size_ * record_bytes + constants_size_ * sizeof(double) +
            customs_.size() * sizeof(CustomRecord) +
            custom_inputs_.size() * (sizeof(std::uint32_t) + sizeof(double)) +
            comparisons_.size() * sizeof(Comparison) + extension_bytes_;
  s.capacity_bytes = reserved_bytes();
  s.bytes_per_operation =
      size_ == 0 ? 0.0 : static_cast<double>(s.bytes) / static_cast<double>(size_);
  return s;
}

void Tape::reverse(const Var& y, double seed) {
  if (y.is_constant()) {
    // Nothing depends on an input: every adjoint is zero.
    for (std::size_t i = 0; i < dirty_adjoints_; ++i) slots_[i].adjoint = 0.0;
    dirty_adjoints_ = 0;
    return;
  }
  if (y.stamp() != stamp_)
    throw TapeMismatchError(fmt::format(
        "nabla: Tape::reverse() from variable #{} of tape stamp {}, but this tape has stamp {}: "
        "the variable belongs to another tape, or to this tape before its clear()",
        y.index(), y.stamp(), stamp_));
  reverse_from(y.index(), seed);
}

void Tape::require_recorded_here(const Var& v, const char* who) const {
  if (v.is_constant() || (v.stamp() == stamp_ && v.index() < size_)) return;
  throw TapeMismatchError(fmt::format(
      "{}: f returned variable #{} (value {}) of tape stamp {}, but f was recorded on the tape "
      "of stamp {}: the variable belongs to another tape, or to this tape before its clear() "
      "(was it recorded outside f and captured?)",
      who, v.index(), v.value(), v.stamp(), stamp_));
}

double Tape::adjoint(const Var& v) const {
  if (v.is_constant()) return 0.0;
  if (v.stamp() != stamp_)
    throw TapeMismatchError(fmt::format(
        "nabla: Tape::adjoint() of variable #{} of tape stamp {}, but this tape has stamp {}: "
        "the variable belongs to another tape, or to this tape before its clear()",
        v.index(), v.stamp(), stamp_));
  return slots_[v.index()].adjoint;
}

void Tape::reserve_custom(std::size_t count) {
  const std::size_t needed = custom_inputs_.size() + count;
  if (needed <= custom_inputs_.capacity()) return;
  const std::size_t target = std::max(needed, 2 * custom_inputs_.capacity());
  check_limit((target - custom_inputs_.capacity()) * (sizeof(std::uint32_t) + sizeof(double)));
  custom_inputs_.reserve(target);
  custom_partials_.reserve(target);
}

Var Tape::push_custom(std::shared_ptr<const CustomFunction> function, const std::uint32_t* inputs,
                      const double* partials, std::uint32_t count, double value) {
  reserve_custom(count);
  const auto offset = static_cast<std::uint32_t>(custom_inputs_.size());
  custom_inputs_.insert(custom_inputs_.end(), inputs, inputs + count);
  custom_partials_.insert(custom_partials_.end(), partials, partials + count);
  customs_.push_back(CustomRecord{offset, count, std::move(function)});
  return push(Op::Custom, static_cast<std::uint32_t>(customs_.size() - 1), count, value);
}

Var Tape::push_linear(const std::uint32_t* inputs, const double* coefficients, std::uint32_t count,
                      double offset, double value) {
  reserve_custom(count);
  const auto start = static_cast<std::uint32_t>(custom_inputs_.size());
  custom_inputs_.insert(custom_inputs_.end(), inputs, inputs + count);
  custom_partials_.insert(custom_partials_.end(), coefficients, coefficients + count);
  customs_.push_back(CustomRecord{start, count, nullptr});
  return push(Op::Linear, static_cast<std::uint32_t>(customs_.size() - 1), push_constant(offset),
              value);
}

Tape::LinearStorage Tape::linear_storage(std::uint32_t count) {
  reserve_custom(count);
  const std::size_t start = custom_inputs_.size();
  custom_inputs_.resize(start + count);
  custom_partials_.resize(start + count);
  return {custom_inputs_.data() + start, custom_partials_.data() + start};
}

Var Tape::push_linear_filled(std::uint32_t count, double offset, double value) {
  const auto start = static_cast<std::uint32_t>(custom_inputs_.size() - count);
  customs_.push_back(CustomRecord{start, count, nullptr});
  return push(Op::Linear, static_cast<std::uint32_t>(customs_.size() - 1), push_constant(offset),
              value);
}

Var Tape::push_extension(std::unique_ptr<Extension> ext, double value) {
  // Counted before anything is stored: a record over the limit leaves the tape as it was.
  const std::size_t bytes = ext->bytes();
  if (reserved_bytes() + bytes > memory_limit_)
    throw TapeLimitError(fmt::format(
        "nabla: tape memory limit reached: the '{}' record #{} needs {:.1f} MiB, which would "
        "bring the tape to {:.1f} MiB (its matrix records hold {:.1f} MiB), over the limit of "
        "{:.1f} MiB; raise it with Tape::set_memory_limit() or record less",
        ext->name(), size_, static_cast<double>(bytes) / (1 << 20),
        static_cast<double>(reserved_bytes() + bytes) / (1 << 20),
        static_cast<double>(extension_bytes_) / (1 << 20),
        static_cast<double>(memory_limit_) / (1 << 20)));
  if (size_ == capacity_) grow(size_ + 1);  // may throw too, before the extension is stored
  extension_bytes_ += bytes;
  ext->record_ = static_cast<std::uint32_t>(size_);
  extensions_.push_back(std::move(ext));
  return push(Op::Extension, static_cast<std::uint32_t>(extensions_.size() - 1), 0, value);
}

Var Tape::push_extension_output(const Var& extension_record, std::uint32_t output, double value) {
  if (extension_record.stamp() != stamp_ || ops_[extension_record.index()] != Op::Extension)
    throw Error("nabla: push_extension_output needs an extension record of this tape");
  return push(Op::ExtOutput, args_[extension_record.index()].a0, output, value);
}

}  // namespace nabla

namespace nabla {

void Tape::set_label(std::uint32_t index, std::string name) {
  if (!labels_) labels_ = std::make_unique<detail::LabelTable>();
  labels_->names[index] = std::move(name);
}

void Tape::clear_labels() noexcept {
  if (labels_) labels_->names.clear();
}

std::string Tape::label(std::uint32_t index) const {
  if (!labels_) return {};
  const auto it = labels_->names.find(index);
  return it == labels_->names.end() ? std::string() : it->second;
}

}  // namespace nabla
