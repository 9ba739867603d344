// Pieces and concatenations of matrix nodes. Slicing is a member of Mat (block, row, col,
// segment, head, tail); this header adds concatenation. The backward of a slice adds its
// adjoint into the matching block of the source; of a concatenation, hands each input its block.
#pragma once

#include <vector>

#include <nabla/autodiff/matrix/mat.hpp>

namespace nabla {

// [a b …] side by side (equal row counts) and [a; b; …] stacked (equal column counts).
[[nodiscard]] Mat hcat(const std::vector<Mat>& parts);
[[nodiscard]] Mat vcat(const std::vector<Mat>& parts);
[[nodiscard]] inline Mat hcat(const Mat& a, const Mat& b) { return hcat(std::vector<Mat>{a, b}); }
[[nodiscard]] inline Mat vcat(const Mat& a, const Mat& b) { return vcat(std::vector<Mat>{a, b}); }

// The same entries in column-major order with another shape (rows·cols must equal a.size()).
[[nodiscard]] Mat reshape(const Mat& a, Eigen::Index rows, Eigen::Index cols);

}  // namespace nabla
