#include <nabla/autodiff/matrix/solve.hpp>

#include <fmt/format.h>
#include <string>

#include <Eigen/LU>
#include <cmath>
#include <limits>
#include <string_view>
#include <utility>

#include <nabla/autodiff/core/error.hpp>

namespace nabla {

namespace {

using detail::MatNode;
using detail::MatOperand;
using detail::ScalarNode;

// Partial-pivoting LU gives ±inf or NaN for a singular A without a word: a zero pivot, or a
// reciprocal condition number below the unit roundoff (no digit of A⁻¹B is then known), is
// an error that names the operation, the size and the estimate.
void require_invertible(std::string_view op, std::string_view what,
                        const Eigen::PartialPivLU<Eigen::MatrixXd>& lu) {
  const Eigen::Index n = lu.matrixLU().rows();
  if (n == 0) return;
  const Eigen::VectorXd pivots = lu.matrixLU().diagonal();
  Eigen::Index zero = -1;
  for (Eigen::Index k = 0; k < n; ++k)
    if (pivots[k] == 0.0) {
      zero = k;
      break;
    }
  const double rcond = zero >= 0 ? 0.0 : lu.rcond();
  if (zero < 0 && rcond >= std::numeric_limits<double>::epsilon()) return;
  throw SingularMatrixError(
      zero >= 0
          ? fmt::format("nabla::{}: {} A ({}×{}) is singular: pivot {} of its LU is 0", op, what, n,
                        n, zero + 1)
          : fmt::format("nabla::{}: {} A ({}×{}) is singular to working precision: reciprocal "
                        "condition number {:.3g} < 2.2e-16",
                        op, what, n, n, rcond));
}

class SolveNode final : public MatNode {
 public:
  SolveNode(MatOperand a, MatOperand b) : a_(std::move(a)), b_(std::move(b)) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "solve"; }
  bool describe(std::vector<detail::OperandView>& inputs) const override {
    inputs.push_back(detail::view("A", a_));
    inputs.push_back(detail::view("B", b_));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override {
    return "C = A⁻¹·B: G = A⁻ᵀ·dC, dB += G, dA −= G·Cᵀ";
  }
  void evaluate(const Tape* /*tape*/) override {
    lu_.compute(a_.value());
    require_invertible("solve", "the matrix", lu_);
    value_ = lu_.solve(b_.value());
  }
  void backward(Tape& /*tape*/) override {
    const Eigen::MatrixXd db = lu_.transpose().solve(adjoint_);
    if (a_.active()) a_.add_adjoint(-db * value_.transpose());
    if (b_.active()) b_.add_adjoint(db);
  }

 protected:
  // X = A⁻¹B: Ẋ = A⁻¹(Ḃ − Ȧ·X), with the factorisation of evaluate().
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    Eigen::MatrixXd rhs = b_.tangent();
    if (a_.active()) rhs.noalias() -= a_.tangent() * value_;
    tangent_ = lu_.solve(rhs);
  }
  // G = A⁻ᵀD gives dB += G, dA += −G·Xᵀ; its tangent Ġ = A⁻ᵀ(Ḋ − Ȧᵀ·G) (from
  // d(A⁻ᵀ) = −A⁻ᵀȦᵀA⁻ᵀ), so dA's tangent is −Ġ·Xᵀ − G·Ẋᵀ.
  void backward_dual(Dual* /*adjoints*/) override {
    const Eigen::MatrixXd gv = lu_.transpose().solve(dual_adjoint_v_);
    Eigen::MatrixXd rhs = dual_adjoint_t_;
    if (a_.active()) rhs.noalias() -= a_.tangent().transpose() * gv;
    const Eigen::MatrixXd gt = lu_.transpose().solve(rhs);
    if (a_.active())
      a_.add_dual_adjoint(-gv * value_.transpose(),
                          -gt * value_.transpose() - gv * tangent_.transpose());
    if (b_.active()) b_.add_dual_adjoint(gv, gt);
  }

 private:
  MatOperand a_;
  MatOperand b_;
  Eigen::PartialPivLU<Eigen::MatrixXd> lu_;
};

class LogDetNode final : public ScalarNode {
 public:
  explicit LogDetNode(MatOperand a) : a_(std::move(a)) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "log_det"; }
  bool describe(std::vector<detail::OperandView>& inputs) const override {
    inputs.push_back(detail::view("A", a_));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override { return "s = log|det A|: dA += ds·A⁻ᵀ"; }
  double evaluate(const Tape* /*tape*/) override {
    lu_.compute(a_.value());
    return lu_.matrixLU().diagonal().array().abs().log().sum();
  }
  // log|det A| = −inf is the value at a singular A; its gradient A⁻ᵀ does not exist there.
  void backward(double w, Tape& /*tape*/) override {
    if (!a_.active()) return;
    require_invertible("log_det", "the gradient A⁻ᵀ needs an invertible matrix:", lu_);
    a_.add_adjoint(w * lu_.inverse().transpose());
  }

 protected:
  // d log|det A| = tr(A⁻¹Ȧ); the gradient A⁻ᵀ has tangent −(A⁻¹ȦA⁻¹)ᵀ.
  double forward_tangent() override {
    require_invertible("log_det", "the derivative tr(A⁻¹Ȧ) needs an invertible matrix:", lu_);
    return lu_.solve(a_.tangent()).trace();
  }
  void backward_dual(Dual w) override {
    if (!a_.active()) return;
    require_invertible("log_det", "the gradient A⁻ᵀ needs an invertible matrix:", lu_);
    const Eigen::MatrixXd inv = lu_.inverse();
    const Eigen::MatrixXd inv_a_dot_inv = lu_.solve(a_.tangent()) * inv;
    a_.add_dual_adjoint(w.v * inv.transpose(),
                        w.t * inv.transpose() - w.v * inv_a_dot_inv.transpose());
  }

 private:
  MatOperand a_;
  Eigen::PartialPivLU<Eigen::MatrixXd> lu_;
};

}  // namespace

Mat solve(const Mat& a, const Mat& b) {
  Tape* t = detail::tape_of("solve", a, b);
  if (a.rows() != a.cols() || a.rows() != b.rows())
    detail::throw_shape("solve", a.rows(), a.cols(), b.rows(), b.cols(),
                        "do not fit A⁻¹B (A must be square with as many rows as B)");
  return detail::finish(t,
                        std::make_unique<SolveNode>(a.operand("solve", t), b.operand("solve", t)));
}

Var log_det(const Mat& a) {
  Tape* t = detail::tape_of("log_det", a);
  if (a.rows() != a.cols())
    detail::throw_shape("log_det", a.rows(), a.cols(), a.rows(), a.cols(),
                        "(the same operand twice): log_det needs a square matrix");
  return detail::finish(t, std::make_unique<LogDetNode>(a.operand("log_det", t)));
}

}  // namespace nabla
