// Names for recorded values, for people reading a graph: explain(), to_dot() and the
// non-finite checks print "#12 (loss)" instead of "#12". Labels live in a side table keyed by
// the tape's stamp and the record index, so recording pays nothing for them, and a label
// never outlives its recording's meaning (a cleared tape gets a new stamp).
#pragma once

#include <cstdint>
#include <string>

#include <nabla/autodiff/core/var.hpp>

namespace nabla {

// Names the record behind v; a constant v has no record and is ignored. Returns v.
const Var& label(const Var& v, std::string name);

// The label of record `index` of the recording with `stamp`, or "" when it has none.
[[nodiscard]] std::string label_of(std::uint32_t stamp, std::uint32_t index);

// Forgets every label (of every tape).
void clear_labels();

}  // namespace nabla
