#include "hvp.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "custom_function.hpp"
#include "error.hpp"

namespace nabla {

namespace {

// w·d on duals where a zero factor contributes nothing (as in the first-order sweep, so an
// unused sqrt(0) never turns H·v into NaN through 0·inf).
inline Dual scaled(const Dual& w, const Dual& d) {
  return {w.v == 0.0 ? 0.0 : w.v * d.v,
          (w.t == 0.0 ? 0.0 : w.t * d.v) + (w.v == 0.0 ? 0.0 : w.v * d.t)};
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

SecondOrderSweep::SecondOrderSweep(Tape& tape, const VectorXv& inputs, const Var& output)
    : tape_(tape),
      constant_output_(output.is_constant()),
      output_(output.index()),
      values_(tape.size()),
      adjoints_(tape.size()) {
  inputs_.reserve(static_cast<std::size_t>(inputs.size()));
  for (Eigen::Index k = 0; k < inputs.size(); ++k) inputs_.push_back(inputs[k].index());
  // The sweeps stop at the output, or at the last input if f returned an earlier record.
  end_ = std::size_t{output_} + 1;
  for (const std::uint32_t in : inputs_) end_ = std::max(end_, std::size_t{in} + 1);
  if (!constant_output_ && output.stamp() != tape.stamp())
    throw TapeMismatchError("nabla: SecondOrderSweep: the output does not belong to this tape");
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
  const std::size_t n = end_;
  Dual* val = values_.data();
  Dual* adj = adjoints_.data();

  // Forward: values with tangents along v.
  for (std::size_t i = 0; i < n; ++i) val[i] = Dual(tape.value_at(i), 0.0);
  for (std::size_t k = 0; k < k_inputs; ++k) val[inputs_[k]].t = v[k];
  for (std::size_t i = 0; i < n; ++i) {
    const Op op = tape.op(i);
    const std::uint32_t a0 = tape.arg0(i);
    const std::uint32_t a1 = tape.arg1(i);
    double da = 0.0;
    double db = 0.0;
    switch (op_kind(op)) {
      case Kind::Leaf: break;
      case Kind::Custom: {
        const Tape::CustomRecord& rec = tape.custom(a0);
        const std::uint32_t* in = tape.custom_inputs() + rec.offset;
        const double* p = tape.custom_partials() + rec.offset;
        double t = 0.0;
        for (std::uint32_t k = 0; k < rec.count; ++k)
          if (val[in[k]].t != 0.0) t += p[k] * val[in[k]].t;
        val[i].t = t;
        break;
      }
      case Kind::Extension: val[i] = tape.extension(a0).forward_dual(val); break;
      case Kind::ExtOutput: val[i] = tape.extension(a0).output_dual(a1); break;
      case Kind::Unary:
        if (val[a0].t != 0.0) {
          op_partials<double>(op, val[a0].v, 0.0, 0.0, val[i].v, da, db);
          val[i].t = da * val[a0].t;
        }
        break;
      case Kind::Binary:
        if (val[a0].t != 0.0 || val[a1].t != 0.0) {
          op_partials<double>(op, val[a0].v, val[a1].v, 0.0, val[i].v, da, db);
          val[i].t = (val[a0].t == 0.0 ? 0.0 : da * val[a0].t) +
                     (val[a1].t == 0.0 ? 0.0 : db * val[a1].t);
        }
        break;
      case Kind::BinaryConst:
      case Kind::ConstBinary:
        if (val[a0].t != 0.0) {
          op_partials<double>(op, val[a0].v, 0.0, tape.constant(a1), val[i].v, da, db);
          val[i].t = da * val[a0].t;
        }
        break;
    }
  }

  // Reverse: dual adjoints, local partials differentiated once more along v.
  for (std::size_t i = 0; i < n; ++i) adj[i] = Dual();
  adj[output_] = Dual(1.0, 0.0);
  for (std::size_t i = n; i-- > 0;) {
    const Dual w = adj[i];
    const Op op = tape.op(i);
    const Kind kind = op_kind(op);
    if (is_zero(w) && kind != Kind::Extension) continue;
    const std::uint32_t a0 = tape.arg0(i);
    const std::uint32_t a1 = tape.arg1(i);
    Dual da;
    Dual db;
    switch (kind) {
      case Kind::Leaf: break;
      case Kind::Custom: {
        if (op == Op::Custom) throw_no_second_derivative(tape, i);
        // Op::Linear: constant coefficients, no second derivative.
        const Tape::CustomRecord& rec = tape.custom(a0);
        const std::uint32_t* in = tape.custom_inputs() + rec.offset;
        const double* p = tape.custom_partials() + rec.offset;
        for (std::uint32_t k = 0; k < rec.count; ++k) adj[in[k]] += scaled(w, Dual(p[k]));
        break;
      }
      case Kind::Extension: tape.extension(a0).reverse_dual(w, val, adj); break;
      case Kind::ExtOutput: tape.extension(a0).add_output_adjoint_dual(a1, w); break;
      case Kind::Unary:
        op_partials<Dual>(op, val[a0], Dual(), 0.0, val[i], da, db);
        adj[a0] += scaled(w, da);
        break;
      case Kind::Binary:
        op_partials<Dual>(op, val[a0], val[a1], 0.0, val[i], da, db);
        adj[a0] += scaled(w, da);
        adj[a1] += scaled(w, db);
        break;
      case Kind::BinaryConst:
      case Kind::ConstBinary:
        op_partials<Dual>(op, val[a0], Dual(), tape.constant(a1), val[i], da, db);
        adj[a0] += scaled(w, da);
        break;
    }
  }
  for (std::size_t k = 0; k < k_inputs; ++k) {
    hv[k] = adj[inputs_[k]].t;
    if (gradient != nullptr) gradient[k] = adj[inputs_[k]].v;
  }
}

}  // namespace nabla
