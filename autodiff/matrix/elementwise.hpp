// Element-wise functions of matrix nodes. Values and derivatives come from the same rule
// table as the scalar Var functions (op_rules.hpp), so both paths agree to the last bit and
// share the kink rule of docs/subgradients.md (abs'(0) = 0, relu'(0) = 0). One record each;
// the backward is one pass dA += dC ⊙ f'(A).
#pragma once

#include <nabla/autodiff/core/op.hpp>
#include <nabla/autodiff/matrix/mat.hpp>

namespace nabla {

// One per row of the operation table (core/op.hpp) whose mat column is 1: f(A) for a unary
// op, f(A, c) with a constant c for pow (the exponent), max and min (max(A, 0) = relu(A); a
// tie takes 0).
#define NABLA_MAT_DECLARE_FN(f, ...) [[nodiscard]] Mat f(const Mat& a);
#define NABLA_MAT_DECLARE_FN_AC(f) [[nodiscard]] Mat f(const Mat& a, double c);
#define NABLA_MAT_DECLARE_FN_AC_CA(f) NABLA_MAT_DECLARE_FN_AC(f)
#define NABLA_MAT_DECLARE_0(form, ...)
#define NABLA_MAT_DECLARE_1(form, ...) NABLA_MAT_DECLARE_##form(__VA_ARGS__)
#define NABLA_X(P, Name, kind, text, kink, inf, mat, form, ...) \
  NABLA_MAT_DECLARE_##mat(form, __VA_ARGS__)
NABLA_OP_TABLE(NABLA_X, )
#undef NABLA_X
#undef NABLA_MAT_DECLARE_1
#undef NABLA_MAT_DECLARE_0
#undef NABLA_MAT_DECLARE_FN_AC_CA
#undef NABLA_MAT_DECLARE_FN_AC
#undef NABLA_MAT_DECLARE_FN

}  // namespace nabla
