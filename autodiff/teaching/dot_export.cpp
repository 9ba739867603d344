#include <nabla/autodiff/teaching/dot_export.hpp>

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include <nabla/autodiff/sweeps/dependencies.hpp>
#include <nabla/autodiff/sweeps/watched.hpp>

namespace nabla {

namespace {
// Characters that structure a DOT record label.
std::string escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '{' || c == '}' || c == '|' || c == '<' || c == '>' || c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out;
}
}  // namespace

std::string to_dot(Tape& tape, const Var& y) {
  if (y.is_constant()) return "digraph nabla {\n}\n";
  if (y.stamp() != tape.stamp())
    throw TapeMismatchError("nabla::to_dot: the output does not belong to this tape");
  const std::size_t n = std::size_t{y.index()} + 1;
  tape.reverse(y);

  const std::vector<char> needed = dependencies(tape, y.index());
  std::vector<LocalPartial> partials;

  std::string out =
      "digraph nabla {\n  rankdir=BT;\n  node [shape=record, fontname=\"Helvetica\", "
      "fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=10];\n";
  double constant = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!needed[i]) continue;
    const std::string l = escape(label_of(tape, static_cast<std::uint32_t>(i)));
    local_partials(tape, i, partials, &constant);
    std::string op(op_name(tape.op(i)));
    if (!std::isnan(constant)) op += fmt::format(" c={}", constant);
    out += fmt::format("  n{} [label=\"{{#{}{}{}|{}|value {}|adjoint {}}}\"{}];\n", i, i,
                       l.empty() ? "" : " ", l, op, tape.value_at(i), tape.adjoint_at(i),
                       tape.op(i) == Op::Input
                           ? ", style=filled, fillcolor=\"#dbe9f6\""
                           : (i + 1 == n ? ", style=filled, fillcolor=\"#fde2c8\"" : ""));
    for (const LocalPartial& p : partials)
      out += fmt::format("  n{} -> n{} [label=\"∂ = {}\"];\n", p.input, i, p.partial);
  }
  out += "}\n";
  return out;
}

}  // namespace nabla
