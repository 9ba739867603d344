// Element-wise functions of matrix nodes. Values and derivatives come from the same rule
// table as the scalar Var functions (op_rules.hpp), so both paths agree to the last bit and
// share the kink rule of docs/subgradients.md (abs'(0) = 0, relu'(0) = 0). One record each;
// the backward is one pass dA += dC ⊙ f'(A).
#pragma once

#include <nabla/autodiff/matrix/mat.hpp>

namespace nabla {

[[nodiscard]] Mat exp(const Mat& a);
[[nodiscard]] Mat log(const Mat& a);
[[nodiscard]] Mat log1p(const Mat& a);
[[nodiscard]] Mat expm1(const Mat& a);
[[nodiscard]] Mat sqrt(const Mat& a);
[[nodiscard]] Mat square(const Mat& a);
[[nodiscard]] Mat sin(const Mat& a);
[[nodiscard]] Mat cos(const Mat& a);
[[nodiscard]] Mat tanh(const Mat& a);
[[nodiscard]] Mat sigmoid(const Mat& a);
[[nodiscard]] Mat softplus(const Mat& a);
[[nodiscard]] Mat relu(const Mat& a);
[[nodiscard]] Mat abs(const Mat& a);
// Element-wise power with a constant exponent.
[[nodiscard]] Mat pow(const Mat& a, double exponent);
// Element-wise maximum / minimum with a constant (max(A, 0) = relu(A)); a tie takes 0.
[[nodiscard]] Mat max(const Mat& a, double c);
[[nodiscard]] Mat min(const Mat& a, double c);

}  // namespace nabla
