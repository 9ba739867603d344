#include <nabla/autodiff/teaching/finite_check.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

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
    const double v = tape.value_at(i);
    if (std::isfinite(v)) continue;
    throw NonFiniteError(fmt::format(
        "nabla: non-finite value {} at record {}, operation '{}'{}{}", v, record_name(tape, i),
        op_name(tape.op(i)), op_kind(tape.op(i)) == Kind::Leaf ? "" : " of ", operands(tape, i)));
  }
}

void checked_reverse(Tape& tape, const Var& y) {
  if (y.is_constant()) {
    tape.reverse(y);
    return;
  }
  if (y.stamp() != tape.stamp())
    throw TapeMismatchError("nabla::checked_reverse: the output does not belong to this tape");
  watched_reverse(tape, y.index(), 1.0, [&](const ReverseStep& s) {
    if (!std::isfinite(s.adjoint))
      throw NonFiniteError(fmt::format("nabla: non-finite adjoint {} at record {}, operation '{}'",
                                       s.adjoint, record_name(tape, s.index),
                                       op_name(tape.op(s.index))));
    for (const LocalPartial& p : *s.partials) {
      const double c = s.adjoint * p.partial;
      if (!std::isfinite(c))
        throw NonFiniteError(fmt::format(
            "nabla: non-finite adjoint in the reverse sweep at record {}, operation '{}' of {}: "
            "it passes adjoint {} × local partial {} = {} to {}",
            record_name(tape, s.index), op_name(tape.op(s.index)), operands(tape, s.index),
            s.adjoint, p.partial, c, record_name(tape, p.input)));
    }
  });
}

}  // namespace nabla
