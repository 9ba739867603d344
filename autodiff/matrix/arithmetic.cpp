#include <nabla/autodiff/matrix/arithmetic.hpp>

#include <fmt/format.h>

#include <string>
#include <tuple>
#include <utility>

#include <nabla/autodiff/core/dual.hpp>
#include <nabla/autodiff/core/op_rules.hpp>

#include <nabla/autodiff/core/error.hpp>

namespace nabla {

namespace {

using detail::MatNode;
using detail::MatOperand;
using detail::OperandView;
using detail::view;

// How a broadcast operand's adjoint is reduced back to its shape, for adjoint_rule().
std::string broadcast_note(std::string_view role, const MatOperand& op, Eigen::Index rows,
                           Eigen::Index cols) {
  const Eigen::Index r = op.value().rows(), c = op.value().cols();
  if (r == rows && c == cols) return {};
  if (r == 1 && c == 1) return fmt::format("; d{} summed over all entries", role);
  if (r == 1) return fmt::format("; d{} summed over the rows", role);
  return fmt::format("; d{} summed over the columns", role);
}

// The backward products below take forward mode's zero rule (0·inf = 0), as the scalar sweep
// does (sweeps/reverse.cpp), so that the matrix and scalar paths agree. A plain product that
// met 0·inf has a NaN in its result (NaN absorbs every sum), and one that did not equals the
// zero-rule product: so the plain product is kept unless its result has a NaN, and only then
// recomputed with the rule. One pass over the result, never over an operand (least squares
// with a 1e5×d constant A would pay a pass over A per sweep: 1.9× its time).
template <class Product, class ZeroRule>
Eigen::MatrixXd with_zero_rule(Product&& plain, ZeroRule&& zero_rule) {
  Eigen::MatrixXd c = plain();
  if (c.hasNaN()) [[unlikely]]
    c = zero_rule();
  return c;
}

// A·B with the zero rule: Σₖ aᵢₖ·bₖⱼ where a zero factor contributes 0, even against inf.
Eigen::MatrixXd zero_rule_product(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(a.rows(), b.cols());
  for (Eigen::Index j = 0; j < b.cols(); ++j)
    for (Eigen::Index k = 0; k < a.cols(); ++k)
      for (Eigen::Index i = 0; i < a.rows(); ++i)
        c(i, j) += detail::tangent_product(a(i, k), b(k, j));
  return c;
}

// C = A·B: dA += dC·Bᵀ, dB += Aᵀ·dC.
class MatmulNode final : public MatNode {
 public:
  MatmulNode(MatOperand a, MatOperand b) : a_(std::move(a)), b_(std::move(b)) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "matmul"; }
  bool describe(std::vector<OperandView>& inputs) const override {
    inputs.push_back(view("A", a_));
    inputs.push_back(view("B", b_));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override { return "dA += dC·Bᵀ, dB += Aᵀ·dC"; }
  void evaluate(const Tape* /*tape*/) override {
    shape(a_.value().rows(), b_.value().cols());
    value_.noalias() = a_.value() * b_.value();
  }
  void backward(Tape& /*tape*/) override {
    const Eigen::MatrixXd& a = a_.value();
    const Eigen::MatrixXd& b = b_.value();
    // Two ways to know that no product below meets 0·inf, whichever reads less: C and dC
    // finite (C = A·B finite implies A and B finite: an inf or NaN entry of A makes a whole row
    // of C inf or NaN), or each result free of NaN (with_zero_rule). An MLP layer's C is
    // smaller than its weight gradient; least squares' dx is smaller than its C = A·x.
    const Eigen::Index by_results = (a_.active() ? a.size() : 0) + (b_.active() ? b.size() : 0);
    if (2 * value_.size() < by_results) {
      if (value_.allFinite() && adjoint_.allFinite()) [[likely]] {
        if (a_.active()) a_.add_adjoint(adjoint_ * b.transpose());
        if (b_.active()) b_.add_adjoint(a.transpose() * adjoint_);
      } else {
        if (a_.active()) a_.add_adjoint(zero_rule_product(adjoint_, b.transpose()));
        if (b_.active()) b_.add_adjoint(zero_rule_product(a.transpose(), adjoint_));
      }
      return;
    }
    if (a_.active())
      a_.add_adjoint_zero_rule(adjoint_ * b.transpose(),
                               [&] { return zero_rule_product(adjoint_, b.transpose()); });
    if (b_.active())
      b_.add_adjoint_zero_rule(a.transpose() * adjoint_,
                               [&] { return zero_rule_product(a.transpose(), adjoint_); });
  }

 protected:
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    tangent_.setZero(value_.rows(), value_.cols());
    if (a_.active()) tangent_.noalias() += a_.tangent() * b_.value();
    if (b_.active()) tangent_.noalias() += a_.value() * b_.tangent();
  }
  void backward_dual(Dual* /*adjoints*/) override {
    const Eigen::MatrixXd& v = dual_adjoint_v_;
    const Eigen::MatrixXd& t = dual_adjoint_t_;
    if (a_.active())
      a_.add_dual_adjoint(v * b_.value().transpose(),
                          t * b_.value().transpose() + v * b_.tangent().transpose());
    if (b_.active())
      b_.add_dual_adjoint(a_.value().transpose() * v,
                          a_.value().transpose() * t + a_.tangent().transpose() * v);
  }

 private:
  MatOperand a_;
  MatOperand b_;
};

class TransposeNode final : public MatNode {
 public:
  explicit TransposeNode(MatOperand a) : a_(std::move(a)) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "transpose"; }
  bool describe(std::vector<OperandView>& inputs) const override {
    inputs.push_back(view("A", a_));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override { return "dA += dCᵀ"; }
  void evaluate(const Tape* /*tape*/) override {
    shape(a_.value().cols(), a_.value().rows());
    value_ = a_.value().transpose();
  }
  void backward(Tape& /*tape*/) override { a_.add_adjoint(adjoint_.transpose()); }

 protected:
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    tangent_ = a_.tangent().transpose();
  }
  void backward_dual(Dual* /*adjoints*/) override {
    a_.add_dual_adjoint(dual_adjoint_v_.transpose(), dual_adjoint_t_.transpose());
  }

 private:
  MatOperand a_;
};

// Adds d (of the output's shape) to an operand of shape rows×cols that was broadcast: sums d
// over the broadcast dimensions.
template <class D>
Eigen::MatrixXd reduced(const D& d, Eigen::Index r, Eigen::Index c) {
  if (r == d.rows() && c == d.cols()) return d;
  if (r == 1 && c == 1) return Eigen::MatrixXd::Constant(1, 1, d.sum());
  if (r == 1) return d.colwise().sum();
  return d.rowwise().sum();
}

template <class D>
void add_reduced(const MatOperand& op, const D& d) {
  if (!op.active()) return;
  const Eigen::Index r = op.value().rows();
  const Eigen::Index c = op.value().cols();
  if (r == d.rows() && c == d.cols())
    op.add_adjoint(d);
  else if (r == 1 && c == 1)
    op.add_adjoint(Eigen::MatrixXd::Constant(1, 1, d.sum()));
  else if (r == 1)
    op.add_adjoint(d.colwise().sum());
  else
    op.add_adjoint(d.rowwise().sum());
}

// The plumbing of a ∘ b element-wise with broadcasting, shared by the four nodes below. An
// operand of another shape is expanded into a buffer of the output's shape (kept for the
// backward). Node (CRTP, so the per-op code is inlined: no virtual call per element) supplies
//   kName                 the record's name,
//   compute(a, b)         value_ from the expanded operands,
//   vjp(a, b, d)          the adjoints (through add_reduced),
//   kOp                   the scalar rule whose Dual partials give forward mode and the
//                         second-order sweep, entry by entry.
template <class Node>
class BroadcastNode : public MatNode {
 public:
  BroadcastNode(MatOperand a, MatOperand b, Eigen::Index rows, Eigen::Index cols)
      : a_(std::move(a)), b_(std::move(b)), rows_(rows), cols_(cols) {}
  [[nodiscard]] std::string_view name() const noexcept final { return Node::kName; }
  bool describe(std::vector<OperandView>& inputs) const final {
    inputs.push_back(view("A", a_));
    inputs.push_back(view("B", b_));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const final {
    return std::string(Node::kRule) + broadcast_note("A", a_, rows_, cols_) +
           broadcast_note("B", b_, rows_, cols_);
  }

  void evaluate(const Tape* /*tape*/) final {
    const Eigen::MatrixXd& a = expanded(a_, ea_);
    const Eigen::MatrixXd& b = expanded(b_, eb_);
    shape(rows_, cols_);
    static_cast<Node&>(*this).compute(a, b);
  }

  void backward(Tape& /*tape*/) final {
    const Eigen::MatrixXd& a = same(a_) ? a_.value() : ea_;
    const Eigen::MatrixXd& b = same(b_) ? b_.value() : eb_;
    static_cast<Node&>(*this).vjp(a, b, adjoint_);
  }

 private:
  template <class F>
  void each_partial(F f) const {
    // f(k, da, db) with the Dual partials of entry k (value and tangent of both operands).
    const Eigen::MatrixXd a = expand(a_.value()), b = expand(b_.value());
    const Eigen::MatrixXd ta = expand(a_.tangent()), tb = expand(b_.tangent());
    for (Eigen::Index k = 0; k < value_.size(); ++k) {
      Dual da, db;
      const Dual x(a(k), ta(k)), y(b(k), tb(k)), r(value_(k), tangent_(k));
      Rule<Node::kOp>::template partials<Dual>(x, y, 0.0, r, da, db);
      f(k, da, db, ta(k), tb(k));
    }
  }
  [[nodiscard]] Eigen::MatrixXd expand(const Eigen::MatrixXd& m) const {
    if (m.rows() == rows_ && m.cols() == cols_) return m;
    return m.replicate(rows_ / m.rows(), cols_ / m.cols());
  }

 protected:
  void forward_tangent(const detail::ScalarTangents& /*st*/) final {
    tangent_.setZero(rows_, cols_);
    each_partial([&](Eigen::Index k, const Dual& da, const Dual& db, double ta, double tb) {
      tangent_(k) = detail::tangent_product(da.v, ta) + detail::tangent_product(db.v, tb);
    });
  }
  void backward_dual(Dual* /*adjoints*/) final {
    Eigen::MatrixXd av(rows_, cols_), at(rows_, cols_), bv(rows_, cols_), bt(rows_, cols_);
    const Eigen::MatrixXd& v = dual_adjoint_v_;
    const Eigen::MatrixXd& t = dual_adjoint_t_;
    each_partial([&](Eigen::Index k, const Dual& da, const Dual& db, double, double) {
      // As the scalar second-order sweep: the value part is a first-order adjoint, the tangent
      // part takes forward mode's zero rule (detail::tangent_product).
      av(k) = v(k) == 0.0 ? 0.0 : v(k) * da.v;
      at(k) = detail::tangent_product(t(k), da.v) + detail::tangent_product(v(k), da.t);
      bv(k) = v(k) == 0.0 ? 0.0 : v(k) * db.v;
      bt(k) = detail::tangent_product(t(k), db.v) + detail::tangent_product(v(k), db.t);
    });
    for (const auto& [op, gv, gt] : {std::tie(a_, av, at), std::tie(b_, bv, bt)}) {
      if (!op.active()) continue;
      const Eigen::Index r = op.value().rows(), c = op.value().cols();
      op.add_dual_adjoint(reduced(gv, r, c), reduced(gt, r, c));
    }
  }

  MatOperand a_;
  MatOperand b_;

 private:
  [[nodiscard]] bool same(const MatOperand& op) const noexcept {
    return op.value().rows() == rows_ && op.value().cols() == cols_;
  }
  const Eigen::MatrixXd& expanded(const MatOperand& op, Eigen::MatrixXd& buffer) const {
    if (same(op)) return op.value();
    const Eigen::MatrixXd& v = op.value();
    buffer = v.replicate(rows_ / v.rows(), cols_ / v.cols());
    return buffer;
  }

  Eigen::Index rows_;
  Eigen::Index cols_;
  Eigen::MatrixXd ea_;
  Eigen::MatrixXd eb_;
};

// C = A + B: dA += dC, dB += dC.
class AddNode final : public BroadcastNode<AddNode> {
 public:
  static constexpr std::string_view kName = "add";
  static constexpr std::string_view kRule = "dA += dC, dB += dC";
  static constexpr Op kOp = Op::Add;
  using BroadcastNode::BroadcastNode;
  void compute(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) { value_ = a + b; }
  void vjp(const Eigen::MatrixXd& /*a*/, const Eigen::MatrixXd& /*b*/, const Eigen::MatrixXd& d) {
    add_reduced(a_, d);
    add_reduced(b_, d);
  }
};

// C = A − B: dA += dC, dB −= dC.
class SubNode final : public BroadcastNode<SubNode> {
 public:
  static constexpr std::string_view kName = "sub";
  static constexpr std::string_view kRule = "dA += dC, dB −= dC";
  static constexpr Op kOp = Op::Sub;
  using BroadcastNode::BroadcastNode;
  void compute(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) { value_ = a - b; }
  void vjp(const Eigen::MatrixXd& /*a*/, const Eigen::MatrixXd& /*b*/, const Eigen::MatrixXd& d) {
    add_reduced(a_, d);
    add_reduced(b_, -d);
  }
};

// C = A ⊙ B: dA += dC ⊙ B, dB += dC ⊙ A.
class MulNode final : public BroadcastNode<MulNode> {
 public:
  static constexpr std::string_view kName = "cwise_product";
  static constexpr std::string_view kRule = "dA += dC ⊙ B, dB += dC ⊙ A";
  static constexpr Op kOp = Op::Mul;
  using BroadcastNode::BroadcastNode;
  void compute(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) { value_ = a.cwiseProduct(b); }
  void vjp(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, const Eigen::MatrixXd& d) {
    const auto times = [](double w, double p) { return detail::tangent_product(w, p); };
    if (a_.active())
      add_reduced(a_, with_zero_rule([&] { return Eigen::MatrixXd(d.cwiseProduct(b)); },
                                     [&] { return Eigen::MatrixXd(d.binaryExpr(b, times)); }));
    if (b_.active())
      add_reduced(b_, with_zero_rule([&] { return Eigen::MatrixXd(d.cwiseProduct(a)); },
                                     [&] { return Eigen::MatrixXd(d.binaryExpr(a, times)); }));
  }
};

// C = A ÷ B: dA += dC ÷ B, dB −= (dC ⊙ C) ÷ B.
class DivNode final : public BroadcastNode<DivNode> {
 public:
  static constexpr std::string_view kName = "cwise_quotient";
  static constexpr std::string_view kRule = "dA += dC ⊘ B, dB −= dC ⊙ C ⊘ B";
  static constexpr Op kOp = Op::Div;
  using BroadcastNode::BroadcastNode;
  void compute(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) { value_ = a.cwiseQuotient(b); }
  void vjp(const Eigen::MatrixXd& /*a*/, const Eigen::MatrixXd& b, const Eigen::MatrixXd& d) {
    // A zero adjoint against B = 0 (0/0) or C = inf: 0, as in the scalar sweep.
    if (a_.active())
      add_reduced(a_,
                  with_zero_rule([&] { return Eigen::MatrixXd(d.cwiseQuotient(b)); },
                                 [&] {
                                   return Eigen::MatrixXd(d.binaryExpr(b, [](double w, double y) {
                                     return detail::tangent_product(w, 1.0 / y);
                                   }));
                                 }));
    if (b_.active())
      add_reduced(b_,
                  with_zero_rule(
                      [&] { return Eigen::MatrixXd(-(d.cwiseProduct(value_)).cwiseQuotient(b)); },
                      [&] {
                        const Eigen::MatrixXd r = value_.cwiseQuotient(b);
                        return Eigen::MatrixXd(-d.binaryExpr(
                            r, [](double w, double p) { return detail::tangent_product(w, p); }));
                      }));
  }
};

// C = alpha·A + beta with constants alpha, beta.
class AffineNode final : public MatNode {
 public:
  AffineNode(MatOperand a, double alpha, double beta)
      : a_(std::move(a)), alpha_(alpha), beta_(beta) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "scale_shift"; }
  bool describe(std::vector<OperandView>& inputs) const override {
    inputs.push_back(view("A", a_));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override { return "C = α·A + β: dA += α·dC"; }
  [[nodiscard]] std::string settings() const override {
    return fmt::format("α={}, β={}", alpha_, beta_);
  }
  void evaluate(const Tape* /*tape*/) override {
    shape(a_.value().rows(), a_.value().cols());
    value_ = (alpha_ * a_.value().array() + beta_).matrix();
  }
  void backward(Tape& /*tape*/) override {
    if (alpha_ == 1.0)
      a_.add_adjoint(adjoint_);
    else if (alpha_ != 0.0)  // 0·A passes nothing back, not 0·inf = NaN
      a_.add_adjoint(alpha_ * adjoint_);
  }

 protected:
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    tangent_ = alpha_ * a_.tangent();
  }
  void backward_dual(Dual* /*adjoints*/) override {
    a_.add_dual_adjoint(alpha_ * dual_adjoint_v_, alpha_ * dual_adjoint_t_);
  }

 private:
  MatOperand a_;
  double alpha_;
  double beta_;
};

// C = c ÷ A with a constant c.
class ReciprocalNode final : public MatNode {
 public:
  ReciprocalNode(MatOperand a, double c) : a_(std::move(a)), c_(c) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "const_div"; }
  bool describe(std::vector<OperandView>& inputs) const override {
    inputs.push_back(view("A", a_));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override { return "C = c ⊘ A: dA −= dC ⊙ C ⊘ A"; }
  [[nodiscard]] std::string settings() const override { return fmt::format("c={}", c_); }
  void evaluate(const Tape* /*tape*/) override {
    shape(a_.value().rows(), a_.value().cols());
    value_ = (c_ / a_.value().array()).matrix();
  }
  void backward(Tape& /*tape*/) override {
    const double* d = adjoint_.data();
    const double* r = value_.data();
    const double* a = a_.value().data();
    a_.add_adjoint_each([=](Eigen::Index k) { return d[k] == 0.0 ? 0.0 : -d[k] * r[k] / a[k]; });
  }

 protected:
  // dC/dA = −c/A² = −C/A, d²C/dA² = 2c/A³ = 2C/A². Zero tangents or adjoints contribute
  // nothing (no 0·inf at A = 0), as in backward().
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    const Eigen::MatrixXd ta = a_.tangent();
    tangent_.resize(value_.rows(), value_.cols());
    for (Eigen::Index k = 0; k < value_.size(); ++k)
      tangent_(k) = ta(k) == 0.0 ? 0.0 : -ta(k) * value_(k) / a_.value()(k);
  }
  void backward_dual(Dual* /*adjoints*/) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd ta = a_.tangent();
    const Eigen::MatrixXd& a = a_.value();
    Eigen::MatrixXd gv(value_.rows(), value_.cols()), gt(value_.rows(), value_.cols());
    for (Eigen::Index k = 0; k < value_.size(); ++k) {
      const double v = dual_adjoint_v_(k);
      const double t = dual_adjoint_t_(k);
      gv(k) = v == 0.0 ? 0.0 : -v * value_(k) / a(k);
      gt(k) = (t == 0.0 ? 0.0 : -t * value_(k) / a(k)) +
              (v == 0.0 || ta(k) == 0.0 ? 0.0 : 2.0 * v * ta(k) * value_(k) / (a(k) * a(k)));
    }
    a_.add_dual_adjoint(gv, gt);
  }

 private:
  MatOperand a_;
  double c_;
};

template <class Node>
Mat arith(const Mat& a, const Mat& b) {
  constexpr std::string_view op = Node::kName;
  Tape* t = detail::tape_of(op, a, b);
  const Eigen::Index ar = a.rows(), ac = a.cols(), br = b.rows(), bc = b.cols();
  const bool rows_fit = ar == br || ar == 1 || br == 1;
  const bool cols_fit = ac == bc || ac == 1 || bc == 1;
  if (!rows_fit || !cols_fit)
    detail::throw_shape(op, ar, ac, br, bc, "do not broadcast (each dimension must be equal or 1)");
  const Eigen::Index r = ar == 1 ? br : ar;
  const Eigen::Index c = ac == 1 ? bc : ac;
  if ((ar * ac == 0) != (br * bc == 0))
    detail::throw_shape(op, ar, ac, br, bc, "do not broadcast (one of them is empty)");
  return detail::finish(t, std::make_unique<Node>(a.operand(op, t), b.operand(op, t), r, c));
}

Mat affine(const Mat& a, double alpha, double beta) {
  Tape* t = detail::tape_of("scale_shift", a);
  return detail::finish(t, std::make_unique<AffineNode>(a.operand("scale_shift", t), alpha, beta));
}

Mat scalar_mat(const Var& s) {
  VectorXv v(1);
  v[0] = s;
  return Mat(v);
}

}  // namespace

Mat matmul(const Mat& a, const Mat& b) {
  Tape* t = detail::tape_of("matmul", a, b);
  if (a.cols() != b.rows())
    detail::throw_shape("matmul", a.rows(), a.cols(), b.rows(), b.cols(),
                        "do not multiply (columns of the left ≠ rows of the right)");
  return detail::finish(
      t, std::make_unique<MatmulNode>(a.operand("matmul", t), b.operand("matmul", t)));
}
Mat operator*(const Mat& a, const Mat& b) { return matmul(a, b); }
Mat operator*(const Eigen::MatrixXd& a, const Mat& b) { return matmul(Mat(a), b); }
Mat operator*(const Mat& a, const Eigen::MatrixXd& b) { return matmul(a, Mat(b)); }

Mat operator+(const Mat& a, const Mat& b) { return arith<AddNode>(a, b); }
Mat operator-(const Mat& a, const Mat& b) { return arith<SubNode>(a, b); }
Mat cwise_product(const Mat& a, const Mat& b) { return arith<MulNode>(a, b); }
Mat cwise_quotient(const Mat& a, const Mat& b) { return arith<DivNode>(a, b); }
Mat operator/(const Mat& a, const Mat& b) { return arith<DivNode>(a, b); }
Mat operator+(const Mat& a, const Eigen::MatrixXd& b) { return a + Mat(b); }
Mat operator+(const Eigen::MatrixXd& a, const Mat& b) { return Mat(a) + b; }
Mat operator-(const Mat& a, const Eigen::MatrixXd& b) { return a - Mat(b); }
Mat operator-(const Eigen::MatrixXd& a, const Mat& b) { return Mat(a) - b; }
Mat cwise_product(const Mat& a, const Eigen::MatrixXd& b) { return cwise_product(a, Mat(b)); }
Mat cwise_product(const Eigen::MatrixXd& a, const Mat& b) { return cwise_product(Mat(a), b); }

Mat operator-(const Mat& a) { return affine(a, -1.0, 0.0); }
Mat operator+(const Mat& a, double c) { return affine(a, 1.0, c); }
Mat operator+(double c, const Mat& a) { return affine(a, 1.0, c); }
Mat operator-(const Mat& a, double c) { return affine(a, 1.0, -c); }
Mat operator-(double c, const Mat& a) { return affine(a, -1.0, c); }
Mat operator*(const Mat& a, double c) { return affine(a, c, 0.0); }
Mat operator*(double c, const Mat& a) { return affine(a, c, 0.0); }
Mat operator/(const Mat& a, double c) { return affine(a, 1.0 / c, 0.0); }
Mat operator/(double c, const Mat& a) {
  Tape* t = detail::tape_of("const_div", a);
  return detail::finish(t, std::make_unique<ReciprocalNode>(a.operand("const_div", t), c));
}
Mat operator+(const Mat& a, const Var& s) { return a + scalar_mat(s); }
Mat operator+(const Var& s, const Mat& a) { return scalar_mat(s) + a; }
Mat operator-(const Mat& a, const Var& s) { return a - scalar_mat(s); }
Mat operator-(const Var& s, const Mat& a) { return scalar_mat(s) - a; }
Mat operator*(const Mat& a, const Var& s) { return cwise_product(a, scalar_mat(s)); }
Mat operator*(const Var& s, const Mat& a) { return cwise_product(scalar_mat(s), a); }
Mat operator/(const Mat& a, const Var& s) { return cwise_quotient(a, scalar_mat(s)); }
Mat operator/(const Var& s, const Mat& a) { return cwise_quotient(scalar_mat(s), a); }

Mat transpose(const Mat& a) { return a.transpose(); }

Mat Mat::transpose() const {
  Tape* t = detail::tape_of("transpose", *this);
  return detail::finish(t, std::make_unique<TransposeNode>(operand("transpose", t)));
}

}  // namespace nabla
