// Large mixed products MatrixXd·MatrixXv, MatrixXv·MatrixXd and MatrixXv·VectorXd (Eigen's GEMM
// and GEMV paths): values against the double product, gradients against their closed forms
// (d/dB Σ W⊙(A·B) = AᵀW, d/dA Σ W⊙(A·B) = W·Bᵀ), both storage orders, one record per entry.
#include <doctest/doctest.h>

#include <nabla/autodiff.hpp>

using Eigen::MatrixXd;
using Eigen::VectorXd;
using nabla::MatrixXv;
using nabla::Var;
using nabla::VectorXv;
using RowMatrixXd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMatrixXv = Eigen::Matrix<Var, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

namespace {

// The variables x as a rows×cols matrix of type M (column-major order of x).
template <class M>
M as_matrix(const VectorXv& x, Eigen::Index rows, Eigen::Index cols) {
  M m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = x[i + rows * j];
  return m;
}

VectorXd flatten(const MatrixXd& m) { return Eigen::Map<const VectorXd>(m.data(), m.size()); }

template <class M>
Var weighted_sum(const M& c, const MatrixXd& w) {
  Var s = 0.0;
  for (Eigen::Index j = 0; j < c.cols(); ++j)
    for (Eigen::Index i = 0; i < c.rows(); ++i) s += w(i, j) * c(i, j);
  return s;
}

// Sizes past Eigen's small-product threshold, so the GEMM path is taken.
constexpr Eigen::Index m = 37;
constexpr Eigen::Index k = 29;
constexpr Eigen::Index n = 23;

}  // namespace

TEST_CASE_TEMPLATE("MatrixXd · MatrixXv: values and gradient A^T W", DoubleMatrix, MatrixXd,
                   RowMatrixXd) {
  const DoubleMatrix a = MatrixXd::Random(m, k);
  const MatrixXd b = MatrixXd::Random(k, n);
  const MatrixXd w = MatrixXd::Random(m, n);
  const MatrixXd expected_value = a * b;
  auto f = [&](const VectorXv& x) {
    const MatrixXv bv = as_matrix<MatrixXv>(x, k, n);
    const MatrixXv c = a * bv;
    CHECK((nabla::values(c) - expected_value).cwiseAbs().maxCoeff() < 1e-13);
    return weighted_sum(c, w);
  };
  const VectorXd g = nabla::gradient(f, flatten(b));
  const MatrixXd expected = MatrixXd(a).transpose() * w;
  CHECK((g - flatten(expected)).cwiseAbs().maxCoeff() < 1e-12);
}

TEST_CASE_TEMPLATE("MatrixXv · MatrixXd: values and gradient W B^T", VarMatrix, MatrixXv,
                   RowMatrixXv) {
  const MatrixXd a = MatrixXd::Random(m, k);
  const RowMatrixXd b = MatrixXd::Random(k, n);
  const MatrixXd w = MatrixXd::Random(m, n);
  const MatrixXd expected_value = a * b;
  auto f = [&](const VectorXv& x) {
    const VarMatrix av = as_matrix<VarMatrix>(x, m, k);
    const MatrixXv c = av * b;
    CHECK((nabla::values(c) - expected_value).cwiseAbs().maxCoeff() < 1e-13);
    return weighted_sum(c, w);
  };
  const VectorXd g = nabla::gradient(f, flatten(a));
  const MatrixXd expected = w * MatrixXd(b).transpose();
  CHECK((g - flatten(expected)).cwiseAbs().maxCoeff() < 1e-12);
}

TEST_CASE("MatrixXv · VectorXd (Eigen's GEMV path): gradient w x^T") {
  const MatrixXd a = MatrixXd::Random(m, k);
  const VectorXd v = VectorXd::Random(k);
  const VectorXd w = VectorXd::Random(m);
  auto f = [&](const VectorXv& x) {
    const MatrixXv av = as_matrix<MatrixXv>(x, m, k);
    const VectorXv y = av * v;
    CHECK((nabla::values(y) - a * v).cwiseAbs().maxCoeff() < 1e-13);
    return weighted_sum(y, w);
  };
  const VectorXd g = nabla::gradient(f, flatten(a));
  const MatrixXd expected = w * v.transpose();
  CHECK((g - flatten(expected)).cwiseAbs().maxCoeff() < 1e-12);
}

TEST_CASE("a mixed GEMM records one linear record per result entry") {
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  const MatrixXd a = MatrixXd::Random(m, k);
  MatrixXv bv(k, n);
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i < k; ++i) bv(i, j) = tape.variable(0.1 * static_cast<double>(i + j));
  const std::size_t before = tape.size();
  const MatrixXv c = a * bv;
  CHECK(tape.size() - before == static_cast<std::size_t>(m * n));
  CHECK(tape.op(tape.size() - 1) == nabla::Op::Linear);
}

TEST_CASE(
    "an active scalar factor folded into a Var·double product is an error, not a lost "
    "derivative") {
  nabla::Tape tape;
  const nabla::TapeScope scope(tape);
  MatrixXv av(m, k);
  for (Eigen::Index j = 0; j < k; ++j)
    for (Eigen::Index i = 0; i < m; ++i) av(i, j) = tape.variable(1.0);
  const Var s = tape.variable(2.0);
  const VectorXd v = VectorXd::Ones(k);
  CHECK_THROWS_AS(VectorXv((s * av) * v), nabla::Error);
  // The documented workaround keeps the derivative with respect to s.
  const VectorXv y = s * VectorXv(av * v);
  tape.reverse(y[0]);
  CHECK(tape.adjoint(s) == doctest::Approx(static_cast<double>(k)));
}
