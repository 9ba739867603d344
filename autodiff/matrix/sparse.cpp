#include <nabla/autodiff/matrix/sparse.hpp>

#include <string>
#include <utility>

namespace nabla {

namespace {

class SparseProductNode final : public detail::MatNode {
 public:
  SparseProductNode(std::shared_ptr<const SparseMatrixD> s, detail::MatOperand b)
      : s_(std::move(s)), b_(std::move(b)) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "sparse_matmul"; }
  bool describe(std::vector<detail::OperandView>& inputs) const override {
    inputs.push_back(detail::view("B", b_));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override {
    return "C = S·B with a constant sparse S: dB += Sᵀ·dC";
  }
  void evaluate(const Tape* /*tape*/) override { value_ = *s_ * b_.value(); }
  void backward(Tape& /*tape*/) override { b_.add_adjoint(s_->transpose() * adjoint_); }

 protected:
  // Linear in B: the tangent is S·Ḃ and the dual adjoint maps through Sᵀ part by part.
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    tangent_ = *s_ * b_.tangent();
  }
  void backward_dual(Dual* /*adjoints*/) override {
    b_.add_dual_adjoint(s_->transpose() * dual_adjoint_v_, s_->transpose() * dual_adjoint_t_);
  }

 private:
  std::shared_ptr<const SparseMatrixD> s_;
  detail::MatOperand b_;
};

}  // namespace

Mat operator*(const std::shared_ptr<const SparseMatrixD>& s, const Mat& b) {
  Tape* t = detail::tape_of("sparse_matmul", b);
  if (s == nullptr || s->cols() != b.rows())
    detail::throw_shape("sparse_matmul", s ? s->rows() : 0, s ? s->cols() : 0, b.rows(), b.cols(),
                        "do not multiply (columns of the left ≠ rows of the right)");
  return detail::finish(t, std::make_unique<SparseProductNode>(s, b.operand("sparse_matmul", t)));
}

Mat operator*(const SparseMatrixD& s, const Mat& b) {
  return std::make_shared<const SparseMatrixD>(s) * b;
}

}  // namespace nabla
