#include <nabla/autodiff/matrix/slicing.hpp>

#include <fmt/format.h>
#include <string>

#include <utility>

#include <nabla/autodiff/core/error.hpp>

namespace nabla {

namespace {

using detail::MatNode;
using detail::MatOperand;

class BlockNode final : public MatNode {
 public:
  BlockNode(MatOperand a, Eigen::Index i, Eigen::Index j, Eigen::Index r, Eigen::Index c)
      : a_(std::move(a)), i_(i), j_(j), r_(r), c_(c) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "block"; }
  bool describe(std::vector<detail::OperandView>& inputs) const override {
    inputs.push_back(detail::view("A", a_));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override {
    return fmt::format("dA[{}:{}, {}:{}] += dC", i_, i_ + r_, j_, j_ + c_);
  }
  void evaluate(const Tape* /*tape*/) override {
    shape(r_, c_);
    value_ = a_.value().block(i_, j_, r_, c_);
  }
  void backward(Tape& /*tape*/) override {
    if (a_.active()) a_.node->zeroed_adjoint().block(i_, j_, r_, c_) += adjoint_;
  }

 protected:
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    tangent_ = a_.tangent().block(i_, j_, r_, c_);
  }
  void backward_dual(Dual* /*adjoints*/) override {
    if (a_.active()) a_.node->add_dual_adjoint_block(i_, j_, dual_adjoint_v_, dual_adjoint_t_);
  }

 private:
  MatOperand a_;
  Eigen::Index i_, j_, r_, c_;
};

class ReshapeNode final : public MatNode {
 public:
  ReshapeNode(MatOperand a, Eigen::Index r, Eigen::Index c) : a_(std::move(a)), r_(r), c_(c) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "reshape"; }
  bool describe(std::vector<detail::OperandView>& inputs) const override {
    inputs.push_back(detail::view("A", a_));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override {
    return "dA += dC reshaped back (column-major)";
  }
  void evaluate(const Tape* /*tape*/) override {
    shape(r_, c_);
    value_ = a_.value().reshaped(r_, c_);
  }
  void backward(Tape& /*tape*/) override {
    const Eigen::MatrixXd& a = a_.value();
    a_.add_adjoint(adjoint_.reshaped(a.rows(), a.cols()));
  }

 protected:
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    tangent_ = a_.tangent().reshaped(r_, c_);
  }
  void backward_dual(Dual* /*adjoints*/) override {
    const Eigen::MatrixXd& a = a_.value();
    a_.add_dual_adjoint(dual_adjoint_v_.reshaped(a.rows(), a.cols()),
                        dual_adjoint_t_.reshaped(a.rows(), a.cols()));
  }

 private:
  MatOperand a_;
  Eigen::Index r_, c_;
};

class ConcatNode final : public MatNode {
 public:
  ConcatNode(std::vector<MatOperand> parts, bool horizontal)
      : parts_(std::move(parts)), horizontal_(horizontal) {}
  [[nodiscard]] std::string_view name() const noexcept override {
    return horizontal_ ? "hcat" : "vcat";
  }
  bool describe(std::vector<detail::OperandView>& inputs) const override {
    for (std::size_t k = 0; k < parts_.size(); ++k)
      inputs.push_back(detail::view(fmt::format("A{}", k + 1), parts_[k]));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override {
    return horizontal_ ? "dAₖ += its columns of dC" : "dAₖ += its rows of dC";
  }
  void evaluate(const Tape* /*tape*/) override {
    Eigen::Index rows = 0;
    Eigen::Index cols = 0;
    for (const MatOperand& p : parts_) {
      if (horizontal_) {
        rows = p.value().rows();
        cols += p.value().cols();
      } else {
        rows += p.value().rows();
        cols = p.value().cols();
      }
    }
    shape(rows, cols);
    Eigen::Index at = 0;
    for (const MatOperand& p : parts_) {
      const Eigen::MatrixXd& v = p.value();
      if (horizontal_)
        value_.middleCols(at, v.cols()) = v;
      else
        value_.middleRows(at, v.rows()) = v;
      at += horizontal_ ? v.cols() : v.rows();
    }
  }
  void backward(Tape& /*tape*/) override {
    Eigen::Index at = 0;
    for (const MatOperand& p : parts_) {
      const Eigen::MatrixXd& v = p.value();
      if (horizontal_)
        p.add_adjoint(adjoint_.middleCols(at, v.cols()));
      else
        p.add_adjoint(adjoint_.middleRows(at, v.rows()));
      at += horizontal_ ? v.cols() : v.rows();
    }
  }

 protected:
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    tangent_.resize(value_.rows(), value_.cols());
    Eigen::Index at = 0;
    for (const MatOperand& p : parts_) {
      const Eigen::MatrixXd t = p.tangent();
      if (horizontal_)
        tangent_.middleCols(at, t.cols()) = t;
      else
        tangent_.middleRows(at, t.rows()) = t;
      at += horizontal_ ? t.cols() : t.rows();
    }
  }
  void backward_dual(Dual* /*adjoints*/) override {
    Eigen::Index at = 0;
    for (const MatOperand& p : parts_) {
      const Eigen::MatrixXd& v = p.value();
      if (horizontal_)
        p.add_dual_adjoint(dual_adjoint_v_.middleCols(at, v.cols()),
                           dual_adjoint_t_.middleCols(at, v.cols()));
      else
        p.add_dual_adjoint(dual_adjoint_v_.middleRows(at, v.rows()),
                           dual_adjoint_t_.middleRows(at, v.rows()));
      at += horizontal_ ? v.cols() : v.rows();
    }
  }

 private:
  std::vector<MatOperand> parts_;
  bool horizontal_;
};

Mat concat(const std::vector<Mat>& parts, bool horizontal) {
  const std::string_view op = horizontal ? "hcat" : "vcat";
  if (parts.empty()) return Mat();
  Tape* t = nullptr;
  for (const Mat& p : parts) {
    if (p.is_constant()) continue;
    Tape* pt = detail::tape_of(op, p);
    if (t != nullptr && pt != t)
      throw TapeMismatchError(fmt::format("nabla: {} mixes matrix nodes of two tapes", op));
    t = pt;
  }
  for (const Mat& p : parts) {
    const Mat& first = parts.front();
    if (horizontal ? p.rows() != first.rows() : p.cols() != first.cols())
      detail::throw_shape(
          op, first.rows(), first.cols(), p.rows(), p.cols(),
          horizontal ? "have different row counts" : "have different column counts");
  }
  std::vector<MatOperand> ops;
  ops.reserve(parts.size());
  for (const Mat& p : parts) ops.push_back(p.operand(op, t));
  return detail::finish(t, std::make_unique<ConcatNode>(std::move(ops), horizontal));
}

}  // namespace

Mat Mat::block(Eigen::Index i, Eigen::Index j, Eigen::Index r, Eigen::Index c) const {
  if (i < 0 || j < 0 || r < 0 || c < 0 || i + r > rows() || j + c > cols())
    throw ShapeError(
        fmt::format("nabla: block: a {}×{} block at ({}, {}) does not fit in a {}×{} matrix", r, c,
                    i, j, rows(), cols()));
  Tape* t = detail::tape_of("block", *this);
  return detail::finish(t, std::make_unique<BlockNode>(operand("block", t), i, j, r, c));
}

Mat Mat::segment(Eigen::Index k, Eigen::Index n) const {
  if (cols() == 1) return block(k, 0, n, 1);
  if (rows() == 1) return block(0, k, 1, n);
  throw ShapeError(
      fmt::format("nabla: segment needs a vector, not a {}×{} matrix", rows(), cols()));
}

Mat reshape(const Mat& a, Eigen::Index rows, Eigen::Index cols) {
  if (rows < 0 || cols < 0 || rows * cols != a.size())
    detail::throw_shape("reshape", a.rows(), a.cols(), rows, cols,
                        "hold different numbers of entries");
  Tape* t = detail::tape_of("reshape", a);
  return detail::finish(t, std::make_unique<ReshapeNode>(a.operand("reshape", t), rows, cols));
}

Mat hcat(const std::vector<Mat>& parts) { return concat(parts, true); }
Mat vcat(const std::vector<Mat>& parts) { return concat(parts, false); }

}  // namespace nabla
