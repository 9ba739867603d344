// The replay sweep: record values recomputed in recording order. Handles every record kind:
// Leaf/Input (left as the caller set it), Unary, Binary, BinaryConst, ConstBinary (values from
// op_rules.hpp), Custom (its function's value and partials), Linear (offset + Σ coefficient ·
// input), Extension (its own forward) and ExtOutput (the extension's output value).
#include <nabla/autodiff/sweeps/replay.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

#include <nabla/autodiff/core/op_rules.hpp>
#include <nabla/autodiff/scalar/custom_function.hpp>

namespace nabla {

void replay_sweep(Tape& tape) {
  std::vector<double> args;
  const std::size_t n = tape.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Op op = tape.op(i);
    switch (op) {
      case Op::Input: break;
      case Op::Custom: {
        const Tape::CustomRecord& rec = tape.custom(tape.arg0(i));
        args.resize(rec.count);
        const std::uint32_t* in = tape.custom_inputs() + rec.offset;
        for (std::uint32_t k = 0; k < rec.count; ++k) args[k] = tape.value_at(in[k]);
        tape.set_value_at(i, rec.function->value(args.data()));
        rec.function->partials(args.data(), tape.mutable_custom_partials() + rec.offset);
        break;
      }
      case Op::Linear: {
        // offset + Σ coefficient·input; the coefficients are constants kept as partials.
        const Tape::CustomRecord& rec = tape.custom(tape.arg0(i));
        const std::uint32_t* in = tape.custom_inputs() + rec.offset;
        const double* c = tape.custom_partials() + rec.offset;
        double s = tape.constant(tape.arg1(i));
        for (std::uint32_t k = 0; k < rec.count; ++k) s += c[k] * tape.value_at(in[k]);
        tape.set_value_at(i, s);
        break;
      }
      case Op::Extension: tape.set_value_at(i, tape.extension(tape.arg0(i)).forward(tape)); break;
      case Op::ExtOutput:
        tape.set_value_at(i, tape.extension(tape.arg0(i)).output_value(tape.arg1(i)));
        break;
#define NABLA_REPLAY_Unary(name)                                                        \
  case Op::name:                                                                        \
    tape.set_value_at(i, Rule<Op::name>::value(tape.value_at(tape.arg0(i)), 0.0, 0.0)); \
    break;
#define NABLA_REPLAY_Binary(name)                                                                 \
  case Op::name:                                                                                  \
    tape.set_value_at(                                                                            \
        i, Rule<Op::name>::value(tape.value_at(tape.arg0(i)), tape.value_at(tape.arg1(i)), 0.0)); \
    break;
#define NABLA_REPLAY_BinaryConst(name)                                                            \
  case Op::name:                                                                                  \
    tape.set_value_at(                                                                            \
        i, Rule<Op::name>::value(tape.value_at(tape.arg0(i)), 0.0, tape.constant(tape.arg1(i)))); \
    break;
#define NABLA_REPLAY_ConstBinary(name) NABLA_REPLAY_BinaryConst(name)
#define NABLA_X(name, kind, text) NABLA_REPLAY_##kind(name)
        NABLA_ELEMENTARY_OPS(NABLA_X)
#undef NABLA_X
#undef NABLA_REPLAY_Unary
#undef NABLA_REPLAY_Binary
#undef NABLA_REPLAY_BinaryConst
#undef NABLA_REPLAY_ConstBinary
    }
  }
}

}  // namespace nabla
