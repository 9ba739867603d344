// Inverted dropout for training: each entry is kept with probability 1 − p and scaled by
// 1/(1 − p), so the expected output equals the input. The mask is a pure function of (seed,
// StepScope step, batch, element index): repeated evaluations within one step agree, and the
// result is bit-identical across compilers. Identity in evaluation mode and for p = 0.
#pragma once

#include <cstdint>

#include <nabla/autodiff/matrix/mat.hpp>

namespace nabla {

// p in [0, 1), else nabla::Error.
[[nodiscard]] Mat dropout(const Mat& X, double p, std::uint64_t seed);

// The mask entry dropout uses for element k (column-major): true = kept.
[[nodiscard]] bool dropout_keeps(double p, std::uint64_t seed, std::uint64_t step,
                                 std::uint64_t batch, std::uint64_t k) noexcept;

}  // namespace nabla
