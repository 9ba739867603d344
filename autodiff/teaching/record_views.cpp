#include <nabla/autodiff/teaching/record_views.hpp>

#include <fmt/format.h>

#include <nabla/autodiff/teaching/explain.hpp>

namespace nabla::detail {

const MatrixRecord* matrix_record(const Tape& tape, std::size_t i) {
  if (op_kind(tape.op(i)) != Kind::Extension) return nullptr;
  return dynamic_cast<const MatrixRecord*>(&tape.extension(tape.arg0(i)));
}

const MatNode* matrix_node(const Tape& tape, std::size_t i) {
  return dynamic_cast<const MatNode*>(matrix_record(tape, i));
}

std::string operand_name(const Tape& tape, const OperandView& v, const ExplainOptions& options) {
  if (v.node != nullptr)
    return fmt::format("{} {}×{}", record_name(tape, v.node->record()), v.node->value().rows(),
                       v.node->value().cols());
  if (v.constant != nullptr)
    return fmt::format("constant {}×{}", v.constant->rows(), v.constant->cols());
  if (v.scalar != nullptr && v.scalar->active) return record_name(tape, v.scalar->index);
  if (v.scalar != nullptr)
    return fmt::format("constant {}", format_number(v.scalar->constant, options.precision));
  return "?";
}

std::string operands_text(const Tape& tape, const std::vector<OperandView>& inputs,
                          const ExplainOptions& options) {
  constexpr std::size_t kListed = 6;
  std::string s;
  for (std::size_t k = 0; k < inputs.size() && k < kListed; ++k) {
    if (k > 0) s += ", ";
    s += fmt::format("{} = {}", inputs[k].role, operand_name(tape, inputs[k], options));
  }
  if (inputs.size() > kListed) s += fmt::format(", … ({} in all)", inputs.size());
  return s;
}

std::string element_text(const Tape& tape, std::size_t i) {
  const Extension& ext = tape.extension(tape.arg0(i));
  const std::uint32_t k = tape.arg1(i);
  if (const auto* node = dynamic_cast<const MatNode*>(&ext); node != nullptr) {
    const Eigen::Index rows = node->value().rows();
    return fmt::format("entry ({}, {}) of {}", k % rows, k / rows, record_name(tape, ext.record()));
  }
  return fmt::format("output {} of {} '{}'", k, record_name(tape, ext.record()), ext.name());
}

}  // namespace nabla::detail
