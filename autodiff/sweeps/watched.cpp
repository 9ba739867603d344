// local_partials, the per-record step of the watched sweep (watched.hpp). Handles Unary, Binary,
// BinaryConst, ConstBinary (partials from op_rules.hpp) and Custom/Linear (stored partials);
// Leaf/Input, Extension and ExtOutput list none (watched_reverse hands extensions their adjoint).
#include <nabla/autodiff/sweeps/watched.hpp>

#include <limits>

namespace nabla {

void local_partials(const Tape& tape, std::size_t i, std::vector<LocalPartial>& out,
                    double* constant) {
  out.clear();
  if (constant != nullptr) *constant = std::numeric_limits<double>::quiet_NaN();
  const Op op = tape.op(i);
  const std::uint32_t a0 = tape.arg0(i);
  const std::uint32_t a1 = tape.arg1(i);
  double da = 0.0;
  double db = 0.0;
  switch (op_kind(op)) {
    case Kind::Leaf:
    case Kind::Extension:
    case Kind::ExtOutput: return;
    case Kind::Custom: {
      const Tape::CustomRecord& rec = tape.custom(a0);
      for (std::uint32_t k = 0; k < rec.count; ++k)
        out.push_back(
            {tape.custom_inputs()[rec.offset + k], tape.custom_partials()[rec.offset + k]});
      if (op == Op::Linear && constant != nullptr) *constant = tape.constant(a1);
      return;
    }
    case Kind::Unary:
      op_partials<double>(op, tape.value_at(a0), 0.0, 0.0, tape.value_at(i), da, db);
      out.push_back({a0, da});
      return;
    case Kind::Binary:
      op_partials<double>(op, tape.value_at(a0), tape.value_at(a1), 0.0, tape.value_at(i), da, db);
      out.push_back({a0, da});
      out.push_back({a1, db});
      return;
    case Kind::BinaryConst:
    case Kind::ConstBinary:
      op_partials<double>(op, tape.value_at(a0), 0.0, tape.constant(a1), tape.value_at(i), da, db);
      out.push_back({a0, da});
      if (constant != nullptr) *constant = tape.constant(a1);
      return;
  }
}

}  // namespace nabla
