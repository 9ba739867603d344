// Var as the Scalar of Eigen matrices: NumTraits (with epsilon, dummy_precision, highest and
// lowest defined, since Eigen's generic defaults are silently 0 for a class type), mixed
// double/Var expressions, and the VectorXv / MatrixXv names.
#pragma once

// Eigen would run large products on OpenMP threads, which have no active tape.
#if defined(_OPENMP) && !defined(EIGEN_DONT_PARALLELIZE)
#if defined(EIGEN_CORE_H) || defined(EIGEN_CORE_MODULE_H)
#error \
    "nabla: include nabla before <Eigen/Core> or define EIGEN_DONT_PARALLELIZE: Eigen must not run Var products on OpenMP threads without a tape"
#endif
#define EIGEN_DONT_PARALLELIZE
#endif

#include <Eigen/Core>
#include <limits>

#include <nabla/autodiff/core/var.hpp>
#include <nabla/autodiff/scalar/var_compare.hpp>
#include <nabla/autodiff/scalar/var_math.hpp>

namespace Eigen {

template <>
struct NumTraits<nabla::Var> : GenericNumTraits<nabla::Var> {
  using Real = nabla::Var;
  using NonInteger = nabla::Var;
  using Nested = nabla::Var;
  using Literal = nabla::Var;
  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = 1,
    RequireInitialization = 1,
    ReadCost = 1,
    AddCost = 3,
    MulCost = 3
  };
  static nabla::Var epsilon() { return std::numeric_limits<double>::epsilon(); }
  static nabla::Var dummy_precision() { return 1e-12; }
  static nabla::Var highest() { return std::numeric_limits<double>::max(); }
  static nabla::Var lowest() { return std::numeric_limits<double>::lowest(); }
  static nabla::Var infinity() { return std::numeric_limits<double>::infinity(); }
  static nabla::Var quiet_NaN() { return std::numeric_limits<double>::quiet_NaN(); }
  static int digits10() { return std::numeric_limits<double>::digits10; }
  static int digits() { return std::numeric_limits<double>::digits; }
};

template <typename BinaryOp>
struct ScalarBinaryOpTraits<nabla::Var, double, BinaryOp> {
  using ReturnType = nabla::Var;
};
template <typename BinaryOp>
struct ScalarBinaryOpTraits<double, nabla::Var, BinaryOp> {
  using ReturnType = nabla::Var;
};

}  // namespace Eigen

namespace nabla {

using VectorXv = Eigen::Matrix<Var, Eigen::Dynamic, 1>;
using RowVectorXv = Eigen::Matrix<Var, 1, Eigen::Dynamic>;
using MatrixXv = Eigen::Matrix<Var, Eigen::Dynamic, Eigen::Dynamic>;

// Fresh independent variables on the active tape, one per entry of x.
VectorXv variables(const Eigen::VectorXd& x);
// The values of v (no derivatives).
Eigen::VectorXd values(const VectorXv& v);
Eigen::MatrixXd values(const MatrixXv& m);

}  // namespace nabla
