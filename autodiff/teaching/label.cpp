#include <nabla/autodiff/teaching/label.hpp>

#include <fmt/format.h>

#include <utility>

#include <nabla/autodiff/matrix/mat.hpp>

namespace nabla {

const Var& label(const Var& v, std::string name) {
  if (v.is_constant()) return v;
  Tape* tape = detail::active_tape;
  if (tape == nullptr)
    throw NoActiveTapeError(fmt::format(
        "nabla::label(\"{}\"): variable #{} (value {}) but no tape is active on this thread; "
        "label a Var while its tape records",
        name, v.index(), v.value()));
  if (v.stamp() != tape->stamp())
    throw TapeMismatchError(fmt::format(
        "nabla::label(\"{}\"): variable #{} (value {}) of tape stamp {}, but the active tape has "
        "stamp {}: the variable belongs to another tape, or to this tape before its clear()",
        name, v.index(), v.value(), v.stamp(), tape->stamp()));
  tape->set_label(v.index(), std::move(name));
  return v;
}

const Mat& label(const Mat& m, std::string name) {
  if (!m.is_constant()) (void)label(m.record(), std::move(name));
  return m;
}

void clear_labels() {
  if (Tape* tape = detail::active_tape; tape != nullptr) tape->clear_labels();
}

}  // namespace nabla
