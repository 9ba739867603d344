#include <nabla/autodiff/teaching/explain.hpp>

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include <nabla/autodiff/scalar/custom_function.hpp>
#include <nabla/autodiff/sweeps/dependencies.hpp>
#include <nabla/autodiff/sweeps/watched.hpp>

namespace nabla {

VectorXv labelled_variables(Tape& tape, const Eigen::VectorXd& x) {
  VectorXv xv(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    xv[i] = tape.variable(x[i]);
    label(xv[i], fmt::format("x{}", i + 1));
  }
  return xv;
}

std::string record_name(const Tape& tape, std::size_t i) {
  const std::string l = label_of(tape, static_cast<std::uint32_t>(i));
  return l.empty() ? fmt::format("#{}", i) : fmt::format("#{} ({})", i, l);
}

namespace {

std::string describe_inputs(const Tape& tape, std::size_t i,
                            const std::vector<LocalPartial>& partials, double constant) {
  const Op op = tape.op(i);
  const Kind kind = op_kind(op);
  if (kind == Kind::Leaf) return "independent variable";
  if (kind == Kind::Extension)
    return fmt::format("'{}' (applies its own Jacobian)", tape.extension(tape.arg0(i)).name());
  if (kind == Kind::ExtOutput)
    return fmt::format("output {} of '{}'", tape.arg1(i), tape.extension(tape.arg0(i)).name());
  std::string s;
  if (kind == Kind::ConstBinary) s += fmt::format("c={}, ", constant);
  for (std::size_t k = 0; k < partials.size(); ++k) {
    if (k > 0) s += ", ";
    s += record_name(tape, partials[k].input);
  }
  if (kind == Kind::BinaryConst) s += fmt::format(", c={}", constant);
  if (op == Op::Linear) s += fmt::format(" + offset {}", constant);
  if (op == Op::Custom) {
    const auto& fn = tape.custom(tape.arg0(i)).function;
    if (fn) s = fmt::format("{}: {}", fn->name(), s);
  }
  return s;
}

}  // namespace

std::string explain(Tape& tape, const Var& y) {
  if (y.is_constant())
    return fmt::format("The output is a constant ({}): it depends on no variable.\n", y.value());
  if (y.stamp() != tape.stamp())
    throw TapeMismatchError("nabla::explain: the output does not belong to this tape");
  const std::size_t n = std::size_t{y.index()} + 1;

  const std::vector<char> needed = dependencies(tape, y.index());
  std::vector<LocalPartial> partials;

  std::string out =
      fmt::format("Forward: the recorded graph of {} ({} records)\n", record_name(tape, n - 1), n);
  out += fmt::format("  {:<14} {:<14} {:<28} {:<24} {}\n", "record", "operation", "inputs", "value",
                     "local partials");
  double constant = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!needed[i]) continue;
    local_partials(tape, i, partials, &constant);
    std::string local;
    for (std::size_t k = 0; k < partials.size(); ++k) {
      if (k > 0) local += ", ";
      local += fmt::format("∂/∂#{} = {}", partials[k].input, partials[k].partial);
    }
    out += fmt::format("  {:<14} {:<14} {:<28} {:<24} {}\n", record_name(tape, i),
                       op_name(tape.op(i)), describe_inputs(tape, i, partials, constant),
                       fmt::format("{}", tape.value_at(i)), local);
  }

  out += fmt::format(
      "Reverse: adjoints from {} = 1 back to the inputs (adj(input) += "
      "adj(record) × local partial)\n",
      record_name(tape, n - 1));
  watched_reverse(tape, y.index(), 1.0, [&](const ReverseStep& s) {
    out += fmt::format("  {} {}: adjoint {}\n", record_name(tape, s.index),
                       op_name(tape.op(s.index)), s.adjoint);
    if (op_kind(tape.op(s.index)) == Kind::Extension)
      out += "      passed to its inputs by the operation's own vector-Jacobian product\n";
    const std::vector<LocalPartial>& ps = *s.partials;
    for (std::size_t k = 0; k < ps.size(); ++k) {
      // The input's adjoint right after this contribution, added in the sweep's own order
      // (x·x passes to x twice).
      double now = tape.adjoint_at(ps[k].input);
      for (std::size_t e = 0; e <= k; ++e)
        if (ps[e].input == ps[k].input) now += s.adjoint * ps[e].partial;
      out += fmt::format("      → {}: += {} × {} = {}   (now {})\n", record_name(tape, ps[k].input),
                         s.adjoint, ps[k].partial, s.adjoint * ps[k].partial, now);
    }
  });

  out += "Gradient:";
  bool any = false;
  for (std::size_t i = 0; i < n; ++i)
    if (needed[i] && tape.op(i) == Op::Input) {
      out += fmt::format("{} ∂{}/∂{} = {}", any ? "," : "", record_name(tape, n - 1),
                         record_name(tape, i), tape.adjoint_at(i));
      any = true;
    }
  out += any ? "\n" : " (no variables)\n";
  return out;
}

}  // namespace nabla
