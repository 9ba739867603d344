// The tangent sweep (forward mode), in recording order. Handles every record kind: Leaf/Input
// (the direction, set by the caller), Unary, Binary, BinaryConst, ConstBinary (partials from
// op_rules.hpp), Custom/Linear (stored partials), Extension (its tangent hook) and ExtOutput
// (the extension's output tangent).
#include <nabla/autodiff/sweeps/tangent.hpp>

#include <fmt/format.h>

#include <vector>

#include <nabla/autodiff/core/anomaly.hpp>
#include <nabla/autodiff/core/dual.hpp>
#include <nabla/autodiff/core/error.hpp>

namespace nabla {

namespace {
void plain_tangent_sweep(const Tape& tape, double* tangents) {
  const std::size_t n = tape.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Op op = tape.op(i);
    const std::uint32_t a0 = tape.arg0(i);
    const std::uint32_t a1 = tape.arg1(i);
    switch (op_kind(op)) {
      case Kind::Leaf: break;  // the direction, set by the caller
      case Kind::Custom: {
        const Tape::CustomRecord& rec = tape.custom(a0);
        const std::uint32_t* in = tape.custom_inputs() + rec.offset;
        const double* p = tape.custom_partials() + rec.offset;
        double t = 0.0;
        for (std::uint32_t k = 0; k < rec.count; ++k)
          t += detail::tangent_product(p[k], tangents[in[k]]);
        tangents[i] = t;
        break;
      }
      case Kind::Extension: tangents[i] = tape.extension(a0).tangent(tape, tangents); break;
      case Kind::ExtOutput: tangents[i] = tape.extension(a0).output_tangent(a1); break;
      case Kind::Unary: {
        const double ta = tangents[a0];
        if (ta == 0.0) {  // a zero tangent contributes nothing, also not 0·inf
          tangents[i] = 0.0;
          break;
        }
        double da = 0.0;
        double db = 0.0;
        op_partials<double>(op, tape.value_at(a0), 0.0, 0.0, tape.value_at(i), da, db);
        tangents[i] = detail::tangent_product(da, ta);
        break;
      }
      case Kind::Binary: {
        const double ta = tangents[a0];
        const double tb = tangents[a1];
        if (ta == 0.0 && tb == 0.0) {
          tangents[i] = 0.0;
          break;
        }
        double da = 0.0;
        double db = 0.0;
        op_partials<double>(op, tape.value_at(a0), tape.value_at(a1), 0.0, tape.value_at(i), da,
                            db);
        tangents[i] = detail::tangent_product(da, ta) + detail::tangent_product(db, tb);
        break;
      }
      case Kind::BinaryConst:
      case Kind::ConstBinary: {
        const double ta = tangents[a0];
        if (ta == 0.0) {
          tangents[i] = 0.0;
          break;
        }
        double da = 0.0;
        double db = 0.0;
        op_partials<double>(op, tape.value_at(a0), 0.0, tape.constant(a1), tape.value_at(i), da,
                            db);
        tangents[i] = detail::tangent_product(da, ta);
        break;
      }
    }
  }
}

}  // namespace

void tangent_sweep(const Tape& tape, double* tangents) {
  plain_tangent_sweep(tape, tangents);
  if (detail::anomaly_checks_due()) [[unlikely]]
    detail::anomaly_tangent_check(tape, tangents);  // DetectAnomaly (core/anomaly.hpp)
}

Eigen::MatrixXd forward_jacobian(const Tape& tape, const VectorXv& inputs,
                                 const VectorXv& outputs) {
  for (const Var& y : outputs) tape.require_recorded_here(y, "nabla::jacobian (forward mode)");
  Eigen::MatrixXd jac = Eigen::MatrixXd::Zero(outputs.size(), inputs.size());
  std::vector<double> tangents(tape.size(), 0.0);
  for (Eigen::Index j = 0; j < inputs.size(); ++j) {
    for (Eigen::Index k = 0; k < inputs.size(); ++k) tangents[inputs[k].index()] = 0.0;
    tangents[inputs[j].index()] = 1.0;
    tangent_sweep(tape, tangents.data());
    for (Eigen::Index r = 0; r < outputs.size(); ++r)
      if (!outputs[r].is_constant()) jac(r, j) = tangents[outputs[r].index()];
  }
  return jac;
}

namespace detail {
void require_same_size(const char* what, const char* name, Eigen::Index expected,
                       Eigen::Index got) {
  if (expected != got)
    throw ShapeError(
        fmt::format("nabla::{}: {} has size {} but must have size {}", what, name, got, expected));
}
}  // namespace detail

}  // namespace nabla
