// Large mixed products MatrixXd·MatrixXv and MatrixXv·MatrixXd. Eigen sends big dynamic
// products to its blocked GEMM kernel, whose generic path cannot multiply a double by a Var
// (it stores the product in a double register: a compile error deep inside Eigen). These two
// specialisations of Eigen's GEMM entry point take over for exactly those scalar pairs and
// record every result entry as one linear record (Σₖ cₖ·vₖ with the double side as the
// coefficients), which is also far cheaper on the tape than 2·depth scalar records.
#pragma once

#include <Eigen/Core>
#include <vector>

#include <nabla/autodiff/scalar/eigen_support.hpp>
#include <nabla/autodiff/scalar/linear.hpp>

namespace nabla::detail {

// res(i, j) += alpha · Σₖ a(i, k)·b(k, j) where exactly one of a, b holds Vars. The storage
// orders follow Eigen's GEMM conventions; res is column-major with inner stride res_incr.
template <class Index, class LhsScalar, int LhsOrder, class RhsScalar, int RhsOrder>
void mixed_gemm(Index rows, Index cols, Index depth, const LhsScalar* lhs, Index lhs_stride,
                const RhsScalar* rhs, Index rhs_stride, Var* res, Index res_incr, Index res_stride,
                const Var& alpha) {
  const auto lhs_at = [&](Index i, Index k) -> const LhsScalar& {
    return LhsOrder == Eigen::ColMajor ? lhs[i + k * lhs_stride] : lhs[i * lhs_stride + k];
  };
  const auto rhs_at = [&](Index k, Index j) -> const RhsScalar& {
    return RhsOrder == Eigen::ColMajor ? rhs[k + j * rhs_stride] : rhs[k * rhs_stride + j];
  };
  const auto n = static_cast<std::size_t>(depth);
  std::vector<Var> terms(n);
  std::vector<double> coefficients(n);
  const bool unit_alpha = alpha.is_constant() && alpha.value() == 1.0;
  for (Index j = 0; j < cols; ++j) {
    for (Index i = 0; i < rows; ++i) {
      for (Index k = 0; k < depth; ++k) {
        const auto s = static_cast<std::size_t>(k);
        if constexpr (std::is_same_v<LhsScalar, Var>) {
          terms[s] = lhs_at(i, k);
          coefficients[s] = rhs_at(k, j);
        } else {
          terms[s] = rhs_at(k, j);
          coefficients[s] = lhs_at(i, k);
        }
      }
      Var sum = linear_combination(terms, coefficients);
      if (!unit_alpha) sum = alpha * sum;
      Var& r = res[i * res_incr + j * res_stride];
      r = (r.is_constant() && r.value() == 0.0) ? sum : r + sum;
    }
  }
}

}  // namespace nabla::detail

namespace Eigen::internal {

// Eigen's matrix–vector kernel converts the product's scalar factor α to the vector's scalar
// type; for MatrixXv·VectorXd that is Var → double. α is a constant (1, or a double factor)
// in every expression nabla users write; an active α would lose its derivative, so it is
// rejected with an error instead of being silently cut off.
template <>
struct get_factor<nabla::Var, double> {
  static double run(const nabla::Var& x) {
    if (!x.is_constant())
      throw nabla::Error(
          "nabla: a Var scalar factor inside an Eigen product of Var and double matrices would "
          "lose its derivative; multiply the product by the scalar instead, e.g. s * (A * x)");
    return x.value();
  }
};

template <typename Index, int LhsStorageOrder, bool ConjugateLhs, int RhsStorageOrder,
          bool ConjugateRhs, int ResInnerStride>
struct general_matrix_matrix_product<Index, double, LhsStorageOrder, ConjugateLhs, nabla::Var,
                                     RhsStorageOrder, ConjugateRhs, ColMajor, ResInnerStride> {
  using Traits = gebp_traits<double, nabla::Var>;  // read by Eigen's gemm_functor
  template <class Blocking>
  static void run(Index rows, Index cols, Index depth, const double* lhs, Index lhs_stride,
                  const nabla::Var* rhs, Index rhs_stride, nabla::Var* res, Index res_incr,
                  Index res_stride, const nabla::Var& alpha, Blocking& /*blocking*/,
                  GemmParallelInfo<Index>* /*info*/ = nullptr) {
    nabla::detail::mixed_gemm<Index, double, LhsStorageOrder, nabla::Var, RhsStorageOrder>(
        rows, cols, depth, lhs, lhs_stride, rhs, rhs_stride, res, res_incr, res_stride, alpha);
  }
};

template <typename Index, int LhsStorageOrder, bool ConjugateLhs, int RhsStorageOrder,
          bool ConjugateRhs, int ResInnerStride>
struct general_matrix_matrix_product<Index, nabla::Var, LhsStorageOrder, ConjugateLhs, double,
                                     RhsStorageOrder, ConjugateRhs, ColMajor, ResInnerStride> {
  using Traits = gebp_traits<nabla::Var, double>;  // read by Eigen's gemm_functor
  template <class Blocking>
  static void run(Index rows, Index cols, Index depth, const nabla::Var* lhs, Index lhs_stride,
                  const double* rhs, Index rhs_stride, nabla::Var* res, Index res_incr,
                  Index res_stride, const nabla::Var& alpha, Blocking& /*blocking*/,
                  GemmParallelInfo<Index>* /*info*/ = nullptr) {
    nabla::detail::mixed_gemm<Index, nabla::Var, LhsStorageOrder, double, RhsStorageOrder>(
        rows, cols, depth, lhs, lhs_stride, rhs, rhs_stride, res, res_incr, res_stride, alpha);
  }
};

}  // namespace Eigen::internal
