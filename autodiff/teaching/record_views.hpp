// What explain() and to_dot() need to know about matrix records: the record behind a tape
// index, and its operands as text ("A = #0 (W1) 3×2, B = constant 2×1"). Internal.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nabla/autodiff/core/tape.hpp>
#include <nabla/autodiff/matrix/node.hpp>
#include <nabla/autodiff/teaching/format.hpp>

namespace nabla::detail {

// The matrix record (MatNode or ScalarNode) at tape record i; null for a scalar record, an
// extension output or another kind of extension.
[[nodiscard]] const MatrixRecord* matrix_record(const Tape& tape, std::size_t i);
// The same when it is a matrix-valued record (MatNode); null otherwise.
[[nodiscard]] const MatNode* matrix_node(const Tape& tape, std::size_t i);

// One operand: "#0 (W1) 3×2" for a matrix record, "constant 2×1" for a constant matrix,
// "#4 (t)" for a scalar record, "constant 2.5" for a scalar constant.
[[nodiscard]] std::string operand_name(const Tape& tape, const OperandView& v,
                                       const ExplainOptions& options);
// The operands, named by role: "A = #0 (W1) 3×2, B = constant 2×1"; at most six are listed,
// then "… (n in all)".
[[nodiscard]] std::string operands_text(const Tape& tape, const std::vector<OperandView>& inputs,
                                        const ExplainOptions& options);
// "entry (i, j) of #3 (h)" for extension-output record i (an element read of a matrix).
[[nodiscard]] std::string element_text(const Tape& tape, std::size_t i);

}  // namespace nabla::detail
