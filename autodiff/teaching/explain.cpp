#include <nabla/autodiff/teaching/explain.hpp>

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <vector>

#include <nabla/autodiff/scalar/custom_function.hpp>
#include <nabla/autodiff/sweeps/dependencies.hpp>
#include <nabla/autodiff/sweeps/watched.hpp>
#include <nabla/autodiff/teaching/record_views.hpp>

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

using detail::MatNode;
using detail::MatrixRecord;
using detail::OperandView;

// Matrix lines below a table row or a sweep step are indented this far.
constexpr int kBlockIndent = 8;

// A table whose columns are as wide as their widest cell (display width, so long labels and
// UTF-8 formulas keep the columns aligned); each row may carry lines printed below it.
class Table {
 public:
  static constexpr std::size_t kColumns = 5;
  using Row = std::array<std::string, kColumns>;

  void add(Row row, std::string below = {}) {
    for (std::size_t c = 0; c < kColumns; ++c)
      width_[c] = std::max(width_[c], display_width(row[c]));
    rows_.push_back({std::move(row), std::move(below)});
  }
  [[nodiscard]] std::string text() const {
    std::string out;
    for (const auto& [row, below] : rows_) {
      std::string line = "  ";
      for (std::size_t c = 0; c + 1 < kColumns; ++c) line += pad(row[c], width_[c] + 2);
      line += row[kColumns - 1];
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n" + below;
    }
    return out;
  }

 private:
  std::vector<std::pair<Row, std::string>> rows_;
  std::array<std::size_t, kColumns> width_{};
};

class Explainer {
 public:
  Explainer(Tape& tape, const ExplainOptions& options) : tape_(tape), o_(options) {}

  [[nodiscard]] std::string num(double v) const { return format_number(v, o_.precision); }

  // "3×2" plus the matrix lines below, or "1×3 [ a b c ]", or a summary.
  void matrix(const Eigen::MatrixXd& m, std::string& inline_text, std::string& block) const {
    format_value(m, o_, kBlockIndent, inline_text, block);
  }

  Table::Row scalar_row(std::size_t i, std::vector<LocalPartial>& partials) const {
    double constant = 0.0;
    local_partials(tape_, i, partials, &constant);
    std::string local;
    for (std::size_t k = 0; k < partials.size(); ++k) {
      if (k > 0) local += ", ";
      local += fmt::format("∂/∂#{} = {}", partials[k].input, num(partials[k].partial));
    }
    return {record_name(tape_, i), std::string(op_name(tape_.op(i))),
            scalar_inputs(i, partials, constant), num(tape_.value_at(i)), local};
  }

  void matrix_row(std::size_t i, const MatrixRecord& r, Table& table) const {
    std::vector<OperandView> inputs;
    std::string in =
        r.describe(inputs) ? detail::operands_text(tape_, inputs, o_) : "(inputs not described)";
    if (dynamic_cast<const detail::LeafNode*>(&r) != nullptr) in = "independent variable";
    if (const std::string s = r.settings(); !s.empty()) in += in.empty() ? s : "; " + s;
    std::string value;
    std::string below;
    if (const auto* node = dynamic_cast<const MatNode*>(&r); node != nullptr)
      matrix(node->value(), value, below);
    else
      value = num(tape_.value_at(i));
    // Constant matrix operands are part of the story (the x of W·x): shown when small.
    for (const OperandView& v : inputs) {
      if (v.constant == nullptr) continue;
      std::string cin;
      std::string cblock;
      matrix(*v.constant, cin, cblock);
      below +=
          fmt::format("{:{}}{} (constant) = {}\n{}", "", kBlockIndent - 2, v.role, cin, cblock);
    }
    const std::string rule = r.adjoint_rule();
    table.add({record_name(tape_, i), std::string(r.name()), in, value,
               rule.empty() ? std::string() : "rule: " + rule},
              below);
  }

  [[nodiscard]] std::string forward(std::size_t n, const std::vector<char>& needed) const {
    Table table;
    table.add({"record", "operation", "inputs", "value", "local partials"});
    std::vector<LocalPartial> partials;
    for (std::size_t i = 0; i < n; ++i) {
      if (!needed[i]) continue;
      const Kind kind = op_kind(tape_.op(i));
      if (kind == Kind::Extension) {
        if (const MatrixRecord* r = detail::matrix_record(tape_, i); r != nullptr) {
          matrix_row(i, *r, table);
          continue;
        }
        table.add(
            {record_name(tape_, i), std::string(op_name(tape_.op(i))),
             fmt::format("'{}' (applies its own Jacobian)", tape_.extension(tape_.arg0(i)).name()),
             num(tape_.value_at(i)), ""});
        continue;
      }
      if (kind == Kind::ExtOutput) {
        table.add({record_name(tape_, i), std::string(op_name(tape_.op(i))),
                   detail::element_text(tape_, i), num(tape_.value_at(i)), "∂/∂entry = 1"});
        continue;
      }
      table.add(scalar_row(i, partials));
    }
    return table.text();
  }

  // Before an extension record applies its product: its adjoint and its inputs' adjoints so
  // far, so that the step can show what it passed to each input.
  bool before_extension(std::uint32_t i) {
    pending_ = Pending{};
    const MatrixRecord* r = detail::matrix_record(tape_, i);
    if (r == nullptr) return false;
    pending_.record = r;
    if (!r->describe(pending_.inputs)) pending_.inputs.clear();
    for (const OperandView& v : pending_.inputs) pending_.before.push_back(adjoint_of(v));
    const auto* node = dynamic_cast<const MatNode*>(r);
    if (node == nullptr || !node->has_adjoint()) return false;
    pending_.adjoint = node->adjoint();
    pending_.has_matrix_adjoint = true;
    return true;
  }

  void step(const ReverseStep& s, std::string& out) const {
    const std::size_t i = s.index;
    const Kind kind = op_kind(tape_.op(i));
    if (kind == Kind::Extension && pending_.record != nullptr) {
      extension_step(i, s.adjoint, out);
      return;
    }
    out += fmt::format("  {} {}: adjoint {}\n", record_name(tape_, i), op_name(tape_.op(i)),
                       num(s.adjoint));
    if (kind == Kind::Extension)
      out += "      passed to its inputs by the operation's own vector-Jacobian product\n";
    if (kind == Kind::ExtOutput)
      out += fmt::format("      → {}: += {}\n", detail::element_text(tape_, i), num(s.adjoint));
    const std::vector<LocalPartial>& ps = *s.partials;
    for (std::size_t k = 0; k < ps.size(); ++k) {
      // The input's adjoint right after this contribution, added in the sweep's own order
      // (x·x passes to x twice).
      double now = tape_.adjoint_at(ps[k].input);
      for (std::size_t e = 0; e <= k; ++e)
        if (ps[e].input == ps[k].input) now += s.adjoint * ps[e].partial;
      out +=
          fmt::format("      → {}: += {} × {} = {}   (now {})\n", record_name(tape_, ps[k].input),
                      num(s.adjoint), num(ps[k].partial), num(s.adjoint * ps[k].partial), num(now));
    }
  }

  [[nodiscard]] std::string gradient(std::size_t n, const std::vector<char>& needed) const {
    std::string scalars;
    std::string matrices;
    for (std::size_t i = 0; i < n; ++i) {
      if (!needed[i]) continue;
      if (tape_.op(i) == Op::Input) {
        scalars +=
            fmt::format("{} ∂{}/∂{} = {}", scalars.empty() ? "" : ",", record_name(tape_, n - 1),
                        record_name(tape_, i), num(tape_.adjoint_at(i)));
      } else if (const auto* leaf =
                     dynamic_cast<const detail::LeafNode*>(detail::matrix_record(tape_, i));
                 leaf != nullptr) {
        std::string value;
        std::string block;
        matrix(leaf->gradient(), value, block);
        matrices += fmt::format("  ∂{}/∂{} = {}\n{}", record_name(tape_, n - 1),
                                record_name(tape_, i), value, block);
      }
    }
    if (scalars.empty() && matrices.empty()) return "Gradient: (no variables)\n";
    return "Gradient:" + scalars + "\n" + matrices;
  }

 private:
  struct Adjoint {
    bool has = false;
    Eigen::MatrixXd matrix;  // a matrix operand's
    double scalar = 0.0;     // a scalar operand's
  };
  struct Pending {
    const MatrixRecord* record = nullptr;
    std::vector<OperandView> inputs;
    std::vector<Adjoint> before;
    Eigen::MatrixXd adjoint;
    bool has_matrix_adjoint = false;
  };

  [[nodiscard]] Adjoint adjoint_of(const OperandView& v) const {
    Adjoint a;
    if (v.node != nullptr && v.node->has_adjoint()) {
      a.has = true;
      a.matrix = v.node->adjoint();
    } else if (v.scalar != nullptr && v.scalar->active) {
      a.scalar = tape_.adjoint_at(v.scalar->index);
      a.has = a.scalar != 0.0;
    }
    return a;
  }

  [[nodiscard]] std::string scalar_inputs(std::size_t i, const std::vector<LocalPartial>& partials,
                                          double constant) const {
    const Op op = tape_.op(i);
    const Kind kind = op_kind(op);
    if (kind == Kind::Leaf) return "independent variable";
    std::string s;
    if (kind == Kind::ConstBinary) s += fmt::format("c={}, ", num(constant));
    for (std::size_t k = 0; k < partials.size(); ++k) {
      if (k > 0) s += ", ";
      s += record_name(tape_, partials[k].input);
    }
    if (kind == Kind::BinaryConst) s += fmt::format(", c={}", num(constant));
    if (op == Op::Linear) s += fmt::format(" + offset {}", num(constant));
    if (op == Op::Custom) {
      const auto& fn = tape_.custom(tape_.arg0(i)).function;
      if (fn) s = fmt::format("{}: {}", fn->name(), s);
    }
    return s;
  }

  void extension_step(std::size_t i, double w, std::string& out) const {
    const MatrixRecord& r = *pending_.record;
    const std::string rule = r.adjoint_rule();
    if (pending_.has_matrix_adjoint) {
      std::string value;
      std::string block;
      matrix(pending_.adjoint, value, block);
      out += fmt::format("  {} {}: adjoint {}{}\n{}", record_name(tape_, i), r.name(),
                         rule.empty() ? "" : "dC = ", value, block);
    } else {
      out += fmt::format("  {} {}: adjoint {}\n", record_name(tape_, i), r.name(), num(w));
    }
    if (!rule.empty()) out += fmt::format("      rule: {}\n", rule);
    const std::vector<OperandView>& in = pending_.inputs;
    for (std::size_t k = 0; k < in.size(); ++k) {
      const bool record =
          in[k].node != nullptr || (in[k].scalar != nullptr && in[k].scalar->active);
      if (!record) continue;
      // An operand named twice (A·A) received both contributions: show it once, by both names.
      bool seen = false;
      std::string roles = in[k].role;
      for (std::size_t e = 0; e < in.size(); ++e) {
        if (!same(in[e], in[k]) || e == k) continue;
        if (e < k) seen = true;
        roles += fmt::format(" and {}", in[e].role);
      }
      if (seen) continue;
      const Adjoint now = adjoint_of(in[k]);
      const Adjoint& before = pending_.before[k];
      const std::string target =
          fmt::format("{} as {}", detail::operand_name(tape_, in[k], o_), roles);
      if (in[k].scalar != nullptr) {
        out += fmt::format("      → {}: += {}   (now {})\n", target,
                           num(now.scalar - before.scalar), num(now.scalar));
        continue;
      }
      const Eigen::MatrixXd zero =
          Eigen::MatrixXd::Zero(in[k].node->value().rows(), in[k].node->value().cols());
      const Eigen::MatrixXd& after = now.has ? now.matrix : zero;
      std::string value;
      std::string block;
      matrix(before.has ? Eigen::MatrixXd(after - before.matrix) : after, value, block);
      out += fmt::format("      → {}: += {}\n{}", target, value, block);
      if (before.has) {
        matrix(after, value, block);
        out += fmt::format("        (now {})\n{}", value, block);
      }
    }
  }

  static bool same(const OperandView& a, const OperandView& b) {
    if (a.node != nullptr) return a.node == b.node;
    if (a.scalar != nullptr && b.scalar != nullptr && a.scalar->active && b.scalar->active)
      return a.scalar->index == b.scalar->index;
    return false;
  }

  Tape& tape_;
  ExplainOptions o_;
  Pending pending_;
};

}  // namespace

std::string explain(Tape& tape, const Var& y, const ExplainOptions& options) {
  Explainer ex(tape, options);
  if (y.is_constant())
    return fmt::format("The output is a constant ({}): it depends on no variable.\n",
                       ex.num(y.value()));
  if (y.stamp() != tape.stamp())
    throw TapeMismatchError("nabla::explain: the output does not belong to this tape");
  const std::size_t n = std::size_t{y.index()} + 1;
  const std::vector<char> needed = dependencies(tape, y.index());

  std::string out =
      fmt::format("Forward: the recorded graph of {} ({} records)\n", record_name(tape, n - 1), n);
  out += ex.forward(n, needed);
  bool matrices = false;
  for (std::size_t i = 0; i < n && !matrices; ++i)
    matrices = needed[i] && detail::matrix_record(tape, i) != nullptr;
  out += fmt::format(
      "Reverse: adjoints from {} = 1 back to the inputs (adj(input) += adj(record) × local "
      "partial{})\n",
      record_name(tape, n - 1), matrices ? "; a matrix record applies its rule" : "");
  watched_reverse(
      tape, y.index(), 1.0, [&](const ReverseStep& s) { ex.step(s, out); },
      [&](std::uint32_t i) { return ex.before_extension(i); });
  out += ex.gradient(n, needed);
  return out;
}

}  // namespace nabla
