#include <nabla/autodiff/teaching/dot_export.hpp>

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <vector>

#include <nabla/autodiff/sweeps/dependencies.hpp>
#include <nabla/autodiff/sweeps/watched.hpp>
#include <nabla/autodiff/teaching/record_views.hpp>

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

// A matrix as a record field: "3×2\l[ 1 2 ]\l…" (left-aligned lines) or its summary.
std::string matrix_field(const Eigen::MatrixXd& m, const ExplainOptions& options) {
  std::string head;
  std::string block;
  format_value(m, options, 0, head, block);
  std::string out = escape(head);
  if (block.empty()) return out;
  out += "\\l";
  std::size_t start = 0;
  for (std::size_t end = block.find('\n'); end != std::string::npos;
       start = end + 1, end = block.find('\n', start))
    out += escape(block.substr(start, end - start)) + "\\l";
  return out;
}
}  // namespace

std::string to_dot(Tape& tape, const Var& y, const ExplainOptions& options) {
  if (y.is_constant()) return "digraph nabla {\n}\n";
  if (y.stamp() != tape.stamp())
    throw TapeMismatchError("nabla::to_dot: the output does not belong to this tape");
  const std::size_t n = std::size_t{y.index()} + 1;
  const auto num = [&](double v) { return format_number(v, options.precision); };

  // The sweep, keeping each matrix record's complete adjoint (it is consumed inside).
  std::map<std::uint32_t, Eigen::MatrixXd> matrix_adjoints;
  watched_reverse(
      tape, y.index(), 1.0, [](const ReverseStep& /*step*/) {},
      [&](std::uint32_t i) {
        const detail::MatNode* node = detail::matrix_node(tape, i);
        if (node != nullptr && node->has_adjoint()) matrix_adjoints[i] = node->adjoint();
        return false;
      });

  const std::vector<char> needed = dependencies(tape, y.index());
  std::vector<LocalPartial> partials;
  std::vector<detail::OperandView> inputs;

  std::string out =
      "digraph nabla {\n  rankdir=BT;\n  node [shape=record, fontname=\"Helvetica\", "
      "fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=10];\n";
  double constant = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!needed[i]) continue;
    const std::string l = escape(label_of(tape, static_cast<std::uint32_t>(i)));
    const std::string style =
        op_kind(tape.op(i)) == Kind::Leaf ||
                dynamic_cast<const detail::LeafNode*>(detail::matrix_record(tape, i)) != nullptr
            ? ", style=filled, fillcolor=\"#dbe9f6\""
            : (i + 1 == n ? ", style=filled, fillcolor=\"#fde2c8\"" : "");
    const std::string title = fmt::format("#{}{}{}", i, l.empty() ? "" : " ", l);

    if (const detail::MatrixRecord* r = detail::matrix_record(tape, i); r != nullptr) {
      inputs.clear();
      (void)r->describe(inputs);
      std::string op(r->name());
      if (const std::string s = r->settings(); !s.empty()) op = fmt::format("{} {}", op, s);
      std::string value;
      std::string adjoint;
      if (const detail::MatNode* node = detail::matrix_node(tape, i); node != nullptr) {
        value = matrix_field(node->value(), options);
        const auto it = matrix_adjoints.find(static_cast<std::uint32_t>(i));
        adjoint =
            it != matrix_adjoints.end()
                ? matrix_field(it->second, options)
                : matrix_field(Eigen::MatrixXd::Zero(node->value().rows(), node->value().cols()),
                               options);
      } else {
        value = num(tape.value_at(i));
        adjoint = num(tape.adjoint_at(i));
      }
      const std::string rule = r->adjoint_rule();
      out += fmt::format("  n{} [label=\"{{{}|{}|value {}|adjoint {}{}}}\"{}];\n", i, title,
                         escape(op), value, adjoint,
                         rule.empty() ? std::string() : fmt::format("|{}", escape(rule)), style);
      for (std::size_t k = 0; k < inputs.size(); ++k) {
        const detail::OperandView& v = inputs[k];
        if (v.node != nullptr) {
          out += fmt::format("  n{} -> n{} [label=\"{}\"];\n", v.node->record(), i, escape(v.role));
        } else if (v.scalar != nullptr && v.scalar->active) {
          out += fmt::format("  n{} -> n{} [label=\"{}\"];\n", v.scalar->index, i, escape(v.role));
        } else if (v.constant != nullptr) {
          out += fmt::format(
              "  c{}_{} [label=\"{{constant {}|{}}}\", shape=record, style=dashed];\n  c{}_{} -> "
              "n{} [label=\"{}\", style=dashed];\n",
              i, k, escape(v.role), matrix_field(*v.constant, options), i, k, i, escape(v.role));
        }
      }
      continue;
    }

    local_partials(tape, i, partials, &constant);
    std::string op(op_name(tape.op(i)));
    if (!std::isnan(constant)) op += fmt::format(" c={}", num(constant));
    if (op_kind(tape.op(i)) == Kind::ExtOutput)
      op = fmt::format("{} {}", op, detail::element_text(tape, i));
    out += fmt::format("  n{} [label=\"{{{}|{}|value {}|adjoint {}}}\"{}];\n", i, title, escape(op),
                       num(tape.value_at(i)), num(tape.adjoint_at(i)), style);
    if (op_kind(tape.op(i)) == Kind::ExtOutput)
      out += fmt::format("  n{} -> n{} [label=\"∂ = 1\"];\n", tape.extension(tape.arg0(i)).record(),
                         i);
    for (const LocalPartial& p : partials)
      out += fmt::format("  n{} -> n{} [label=\"∂ = {}\"];\n", p.input, i, num(p.partial));
  }
  out += "}\n";
  return out;
}

}  // namespace nabla
