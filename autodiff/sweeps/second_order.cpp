// The second-order sweep behind hvp (SecondOrderSweep, declared in functional/hvp.hpp): a Dual
// forward pass, then a Dual reverse pass. Handles every record kind: Leaf/Input (direction v),
// Unary, Binary, BinaryConst, ConstBinary (Rule partials on Dual), Linear (constant
// coefficients), Custom (forward: stored partials; reverse: throws, no second derivative),
// Extension (forward_dual / reverse_dual) and ExtOutput (output_dual / its adjoint).
#include <nabla/autodiff/functional/hvp.hpp>

#include <fmt/format.h>

#include <algorithm>

#include <nabla/autodiff/core/anomaly.hpp>
#include <nabla/autodiff/core/error.hpp>
#include <nabla/autodiff/scalar/custom_function.hpp>

namespace nabla {

namespace {

// w·d on duals where a zero factor contributes nothing (as in the first-order sweep, so an
// unused sqrt(0) never turns H·v into NaN through 0·inf).
inline Dual scaled(const Dual& w, const Dual& d) {
  // The value part is the first-order adjoint, as in the reverse sweep (a zero adjoint passes
  // nothing); the tangent part follows forward mode's rule, an exact 0 either side gives 0
  // (an adjoint of +inf times a partial with tangent 0 is not NaN: exp(20²⁰)'s Hessian).
  return {w.v == 0.0 ? 0.0 : w.v * d.v,
          detail::tangent_product(w.t, d.v) + detail::tangent_product(w.v, d.t)};
}

inline bool is_zero(const Dual& d) { return d.v == 0.0 && d.t == 0.0; }

[[noreturn]] void throw_no_second_derivative(const Tape& tape, std::size_t i) {
  const Tape::CustomRecord& rec = tape.custom(tape.arg0(i));
  throw Error(fmt::format(
      "nabla: second derivatives through the custom function '{}' (record #{}) are not "
      "available: a scalar_function gives only its first partial derivatives; write it with "
      "nabla's operations to use hessian/hvp",
      rec.function ? rec.function->name() : std::string_view("?"), i));
}

}  // namespace

namespace {
struct DualBuffers {
  std::vector<Dual> values;
  std::vector<Dual> adjoints;
  bool busy = false;
};
thread_local DualBuffers dual_buffers;
}  // namespace

SecondOrderSweep::SecondOrderSweep(Tape& tape, const VectorXv& inputs, const Var& output)
    : tape_(tape), constant_output_(output.is_constant()), output_(output.index()) {
  inputs_.reserve(static_cast<std::size_t>(inputs.size()));
  for (Eigen::Index k = 0; k < inputs.size(); ++k) inputs_.push_back(inputs[k].index());
  if (!constant_output_ && output.stamp() != tape.stamp())
    throw TapeMismatchError("nabla: SecondOrderSweep: the output does not belong to this tape");
  // The sweeps stop at the output, or at the last input if f returned an earlier record.
  end_ = std::size_t{output_} + 1;
  for (const std::uint32_t in : inputs_) end_ = std::max(end_, std::size_t{in} + 1);
  for (std::size_t k = 0; k < inputs_.size(); ++k) order_.emplace_back(inputs_[k], k);
  std::sort(order_.begin(), order_.end());
  if (constant_output_) return;
  if (!dual_buffers.busy) {
    pooled_ = true;
    dual_buffers.busy = true;
    if (dual_buffers.values.size() < end_) {
      dual_buffers.values.resize(end_);
      dual_buffers.adjoints.resize(end_);
    }
    values_ = dual_buffers.values.data();
    adjoints_ = dual_buffers.adjoints.data();
  } else {
    own_values_.resize(end_);
    own_adjoints_.resize(end_);
    values_ = own_values_.data();
    adjoints_ = own_adjoints_.data();
  }
}

SecondOrderSweep::~SecondOrderSweep() {
  if (pooled_) dual_buffers.busy = false;
}

void SecondOrderSweep::run(const double* v, double* hv, double* gradient) {
  const std::size_t k_inputs = inputs_.size();
  if (constant_output_) {
    for (std::size_t k = 0; k < k_inputs; ++k) {
      hv[k] = 0.0;
      if (gradient != nullptr) gradient[k] = 0.0;
    }
    return;
  }
  const Tape& tape = tape_;
  if (detail::anomaly_checks_due()) [[unlikely]]
    detail::anomaly_values_check(tape);  // DetectAnomaly (core/anomaly.hpp)
  const std::size_t n = end_;
  Dual* val = values_;
  Dual* adj = adjoints_;

  // Forward: values with tangents along v; the adjoints are cleared on the way.
  std::size_t next_input = 0;  // into order_, the inputs by record index
  for (std::size_t i = 0; i < n; ++i) {
    adj[i] = Dual();
    const Op op = tape.op(i);
    const std::uint32_t a0 = tape.arg0(i);
    const std::uint32_t a1 = tape.arg1(i);
    const double r = tape.value_at(i);
    double da = 0.0;
    double db = 0.0;
    double t = 0.0;
    switch (op) {
      case Op::Input:
        // The direction for the inputs of f; any other independent variable has tangent 0.
        if (next_input < order_.size() && order_[next_input].first == i)
          t = v[order_[next_input++].second];
        break;
      case Op::Custom:
      case Op::Linear: {
        const Tape::CustomRecord& rec = tape.custom(a0);
        const std::uint32_t* in = tape.custom_inputs() + rec.offset;
        const double* p = tape.custom_partials() + rec.offset;
        for (std::uint32_t k = 0; k < rec.count; ++k)
          t += detail::tangent_product(p[k], val[in[k]].t);
        break;
      }
      case Op::Extension: val[i] = tape.extension(a0).forward_dual(val); continue;
      case Op::ExtOutput: val[i] = tape.extension(a0).output_dual(a1); continue;
#define NABLA_FWD_Unary(name)                                           \
  case Op::name: {                                                      \
    const double ta = val[a0].t;                                        \
    if (ta != 0.0) {                                                    \
      Rule<Op::name>::partials<double>(val[a0].v, 0.0, 0.0, r, da, db); \
      t = detail::tangent_product(da, ta);                              \
    }                                                                   \
    break;                                                              \
  }
#define NABLA_FWD_Binary(name)                                                \
  case Op::name: {                                                            \
    const double ta = val[a0].t;                                              \
    const double tb = val[a1].t;                                              \
    if (ta != 0.0 || tb != 0.0) {                                             \
      Rule<Op::name>::partials<double>(val[a0].v, val[a1].v, 0.0, r, da, db); \
      t = detail::tangent_product(da, ta) + detail::tangent_product(db, tb);  \
    }                                                                         \
    break;                                                                    \
  }
#define NABLA_FWD_BinaryConst(name)                                                   \
  case Op::name: {                                                                    \
    const double ta = val[a0].t;                                                      \
    if (ta != 0.0) {                                                                  \
      Rule<Op::name>::partials<double>(val[a0].v, 0.0, tape.constant(a1), r, da, db); \
      t = detail::tangent_product(da, ta);                                            \
    }                                                                                 \
    break;                                                                            \
  }
#define NABLA_FWD_ConstBinary(name) NABLA_FWD_BinaryConst(name)
#define NABLA_X(name, kind, text) NABLA_FWD_##kind(name)
        NABLA_ELEMENTARY_OPS(NABLA_X)
#undef NABLA_X
#undef NABLA_FWD_Unary
#undef NABLA_FWD_Binary
#undef NABLA_FWD_BinaryConst
#undef NABLA_FWD_ConstBinary
    }
    val[i] = Dual(r, t);
  }

  // Reverse: dual adjoints, local partials differentiated once more along v.
  adj[output_] = Dual(1.0, 0.0);
  for (std::size_t i = n; i-- > 0;) {
    const Dual w = adj[i];
    const Op op = tape.op(i);
    if (is_zero(w) && op != Op::Extension) continue;
    const std::uint32_t a0 = tape.arg0(i);
    const std::uint32_t a1 = tape.arg1(i);
    Dual da;
    Dual db;
    switch (op) {
      case Op::Input: break;
      case Op::Custom: throw_no_second_derivative(tape, i);
      case Op::Linear: {
        // Constant coefficients: no second derivative.
        const Tape::CustomRecord& rec = tape.custom(a0);
        const std::uint32_t* in = tape.custom_inputs() + rec.offset;
        const double* p = tape.custom_partials() + rec.offset;
        for (std::uint32_t k = 0; k < rec.count; ++k) adj[in[k]] += scaled(w, Dual(p[k]));
        break;
      }
      case Op::Extension: tape.extension(a0).reverse_dual(w, val, adj); break;
      case Op::ExtOutput: tape.extension(a0).add_output_adjoint_dual(a1, w); break;
#define NABLA_REV_Unary(name)                                             \
  case Op::name:                                                          \
    Rule<Op::name>::partials<Dual>(val[a0], Dual(), 0.0, val[i], da, db); \
    adj[a0] += scaled(w, da);                                             \
    break;
#define NABLA_REV_Binary(name)                                             \
  case Op::name:                                                           \
    Rule<Op::name>::partials<Dual>(val[a0], val[a1], 0.0, val[i], da, db); \
    adj[a0] += scaled(w, da);                                              \
    adj[a1] += scaled(w, db);                                              \
    break;
#define NABLA_REV_BinaryConst(name)                                                     \
  case Op::name:                                                                        \
    Rule<Op::name>::partials<Dual>(val[a0], Dual(), tape.constant(a1), val[i], da, db); \
    adj[a0] += scaled(w, da);                                                           \
    break;
#define NABLA_REV_ConstBinary(name) NABLA_REV_BinaryConst(name)
#define NABLA_X(name, kind, text) NABLA_REV_##kind(name)
        NABLA_ELEMENTARY_OPS(NABLA_X)
#undef NABLA_X
#undef NABLA_REV_Unary
#undef NABLA_REV_Binary
#undef NABLA_REV_BinaryConst
#undef NABLA_REV_ConstBinary
    }
  }
  for (std::size_t k = 0; k < k_inputs; ++k) {
    hv[k] = adj[inputs_[k]].t;
    if (gradient != nullptr) gradient[k] = adj[inputs_[k]].v;
  }
}

}  // namespace nabla
