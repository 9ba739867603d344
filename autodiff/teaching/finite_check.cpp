#include <nabla/autodiff/teaching/finite_check.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <nabla/autodiff/core/anomaly.hpp>
#include <nabla/autodiff/sweeps/watched.hpp>

namespace nabla {

namespace {
std::string operands(const Tape& tape, std::size_t i) {
  std::vector<LocalPartial> partials;
  double constant = 0.0;
  local_partials(tape, i, partials, &constant);
  std::string s;
  for (const LocalPartial& p : partials)
    s += fmt::format("{}{} = {}", s.empty() ? "" : ", ", record_name(tape, p.input),
                     tape.value_at(p.input));
  if (!std::isnan(constant)) s += fmt::format("{}c = {}", s.empty() ? "" : ", ", constant);
  return s;
}
}  // namespace

void check_finite(const Tape& tape, std::size_t end) {
  end = std::min(end, tape.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (op_kind(tape.op(i)) == Kind::Extension) {
      // A matrix record: its scalar slot is unused, its value is the matrix.
      const std::string bad = tape.extension(tape.arg0(i)).non_finite_value();
      if (!bad.empty())
        throw NonFiniteError(fmt::format("nabla: non-finite value at record {}, operation '{}': {}",
                                         record_name(tape, i), tape.extension(tape.arg0(i)).name(),
                                         bad));
    }
    const double v = tape.value_at(i);
    if (std::isfinite(v)) continue;
    throw NonFiniteError(fmt::format(
        "nabla: non-finite value {} at record {}, operation '{}'{}{}", v, record_name(tape, i),
        op_name(tape.op(i)), op_kind(tape.op(i)) == Kind::Leaf ? "" : " of ", operands(tape, i)));
  }
}

namespace {
// The reverse sweep of Tape::reverse_from, one record at a time, stopping at the first
// non-finite adjoint: a scalar contribution adjoint × local partial, or a matrix record's
// adjoint once complete (checked before its own vector–Jacobian product consumes it).
void checked_sweep(Tape& tape, std::uint32_t from, double seed) {
  tape.reverse_from(from, 0.0);  // zeroes every adjoint up to `from`
  tape.add_adjoint_at(from, seed);
  std::vector<LocalPartial> partials;
  for (std::size_t i = std::size_t{from} + 1; i-- > 0;) {
    const double w = tape.adjoint_at(i);
    const Kind kind = op_kind(tape.op(i));
    if (!std::isfinite(w))
      throw NonFiniteError(fmt::format("nabla: non-finite adjoint {} at record {}, operation '{}'",
                                       w, record_name(tape, i), op_name(tape.op(i))));
    if (kind == Kind::Extension) {
      Extension& ext = tape.extension(tape.arg0(i));
      const std::string bad = ext.non_finite_adjoint();
      if (!bad.empty())
        throw NonFiniteError(fmt::format(
            "nabla: non-finite adjoint in the reverse sweep at record {}, operation '{}': {}",
            record_name(tape, i), ext.name(), bad));
      ext.reverse(w, tape);
      continue;
    }
    if (w == 0.0) continue;  // contributes nothing: never flagged (an unused sqrt(0) is fine)
    if (kind == Kind::ExtOutput) {
      tape.extension(tape.arg0(i)).add_output_adjoint(tape.arg1(i), w);
      continue;
    }
    local_partials(tape, i, partials);
    for (const LocalPartial& p : partials) {
      const double c = w * p.partial;
      if (!std::isfinite(c))
        throw NonFiniteError(fmt::format(
            "nabla: non-finite adjoint in the reverse sweep at record {}, operation '{}' of {}: "
            "it passes adjoint {} × local partial {} = {} to {}",
            record_name(tape, i), op_name(tape.op(i)), operands(tape, i), w, p.partial, c,
            record_name(tape, p.input)));
      tape.add_adjoint_at(p.input, c);
    }
  }
}

// While it runs, its own reverse_from calls take the fast path.
class CheckedSweepGuard {
 public:
  CheckedSweepGuard() noexcept : previous_(detail::in_checked_sweep) {
    detail::in_checked_sweep = true;
  }
  ~CheckedSweepGuard() { detail::in_checked_sweep = previous_; }
  CheckedSweepGuard(const CheckedSweepGuard&) = delete;
  CheckedSweepGuard& operator=(const CheckedSweepGuard&) = delete;

 private:
  bool previous_;
};
}  // namespace

void checked_reverse(Tape& tape, const Var& y) {
  if (y.is_constant()) {
    tape.reverse(y);
    return;
  }
  if (y.stamp() != tape.stamp())
    throw TapeMismatchError("nabla::checked_reverse: the output does not belong to this tape");
  const CheckedSweepGuard guard;
  checked_sweep(tape, y.index(), 1.0);
}

namespace detail {

void anomaly_reverse(Tape& tape, std::uint32_t from, double seed) {
  const CheckedSweepGuard guard;
  check_finite(tape, std::size_t{from} + 1);
  checked_sweep(tape, from, seed);
}

void anomaly_values_check(const Tape& tape) {
  const CheckedSweepGuard guard;
  check_finite(tape);
}

void anomaly_tangent_check(const Tape& tape, const double* tangents) {
  const CheckedSweepGuard guard;
  check_finite(tape);
  for (std::size_t i = 0; i < tape.size(); ++i)
    if (!std::isfinite(tangents[i]))
      throw NonFiniteError(
          fmt::format("nabla: non-finite tangent {} at record {}, operation '{}'{}{}", tangents[i],
                      record_name(tape, i), op_name(tape.op(i)),
                      op_kind(tape.op(i)) == Kind::Leaf ? "" : " of ", operands(tape, i)));
}

}  // namespace detail

}  // namespace nabla
