// Row- and column-wise operations of matrix nodes (declared in reduction.hpp): sums, means,
// the row's log-sum-exp, and softmax and log_softmax, which are built on it.
#include <nabla/autodiff/matrix/reduction.hpp>

#include <cmath>
#include <string>
#include <utility>

namespace nabla {

namespace {

using detail::MatNode;
using detail::MatOperand;

// Row-wise log-sum-exp of a, as an m×1 column.
Eigen::VectorXd row_lse(const Eigen::MatrixXd& a) {
  Eigen::VectorXd m = a.rowwise().maxCoeff();
  for (Eigen::Index i = 0; i < m.size(); ++i)
    if (!std::isfinite(m[i])) m[i] = 0.0;
  return m.array() + (a.colwise() - m).array().exp().rowwise().sum().log();
}

// A matrix-valued operation along the rows or columns of one operand: the operand every such
// node holds. Each node below keeps its value, VJP, tangent and second-order hooks together.
class AxisNode : public MatNode {
 public:
  explicit AxisNode(MatOperand a) : a_(std::move(a)) {}
  bool describe(std::vector<detail::OperandView>& inputs) const final {
    inputs.push_back(detail::view("A", a_));
    return true;
  }

 protected:
  MatOperand a_;
};

// m×1: Σⱼ aᵢⱼ. The adjoint is spread along each row.
class RowSumsNode final : public AxisNode {
 public:
  static constexpr std::string_view kName = "row_sums";
  using AxisNode::AxisNode;
  [[nodiscard]] std::string_view name() const noexcept override { return kName; }
  [[nodiscard]] std::string adjoint_rule() const override { return "dA += dC·1ᵀ (row i gets dCᵢ)"; }
  void evaluate(const Tape* /*tape*/) override {
    const Eigen::MatrixXd& a = a_.value();
    shape(a.rows(), 1);
    value_ = a.rowwise().sum();
  }
  void backward(Tape& /*tape*/) override {
    if (!a_.active()) return;
    a_.add_adjoint(adjoint_.replicate(1, a_.value().cols()));
  }

 protected:
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    const Eigen::MatrixXd ta = a_.tangent();
    tangent_ = ta.rowwise().sum();
  }
  void backward_dual(Dual* /*adjoints*/) override {
    if (!a_.active()) return;
    const Eigen::Index c = a_.value().cols();
    a_.add_dual_adjoint(dual_adjoint_v_.replicate(1, c), dual_adjoint_t_.replicate(1, c));
  }
};

// 1×n: Σᵢ aᵢⱼ. The adjoint is spread down each column.
class ColSumsNode final : public AxisNode {
 public:
  static constexpr std::string_view kName = "col_sums";
  using AxisNode::AxisNode;
  [[nodiscard]] std::string_view name() const noexcept override { return kName; }
  [[nodiscard]] std::string adjoint_rule() const override {
    return "dA += 1·dC (column j gets dCⱼ)";
  }
  void evaluate(const Tape* /*tape*/) override {
    const Eigen::MatrixXd& a = a_.value();
    shape(1, a.cols());
    value_ = a.colwise().sum();
  }
  void backward(Tape& /*tape*/) override {
    if (!a_.active()) return;
    a_.add_adjoint(adjoint_.replicate(a_.value().rows(), 1));
  }

 protected:
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    const Eigen::MatrixXd ta = a_.tangent();
    tangent_ = ta.colwise().sum();
  }
  void backward_dual(Dual* /*adjoints*/) override {
    if (!a_.active()) return;
    const Eigen::Index r = a_.value().rows();
    a_.add_dual_adjoint(dual_adjoint_v_.replicate(r, 1), dual_adjoint_t_.replicate(r, 1));
  }
};

// m×1: the mean of each row.
class RowMeansNode final : public AxisNode {
 public:
  static constexpr std::string_view kName = "row_means";
  using AxisNode::AxisNode;
  [[nodiscard]] std::string_view name() const noexcept override { return kName; }
  [[nodiscard]] std::string adjoint_rule() const override { return "dA += dC·1ᵀ/n (n columns)"; }
  void evaluate(const Tape* /*tape*/) override {
    const Eigen::MatrixXd& a = a_.value();
    shape(a.rows(), 1);
    value_ = a.rowwise().mean();
  }
  void backward(Tape& /*tape*/) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd& a = a_.value();
    const auto c = static_cast<double>(a.cols());
    a_.add_adjoint((adjoint_ / c).replicate(1, a.cols()));
  }

 protected:
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    const Eigen::MatrixXd ta = a_.tangent();
    tangent_ = ta.rowwise().mean();
  }
  void backward_dual(Dual* /*adjoints*/) override {
    if (!a_.active()) return;
    const Eigen::Index c = a_.value().cols();
    const auto cd = static_cast<double>(c);
    a_.add_dual_adjoint((dual_adjoint_v_ / cd).replicate(1, c),
                        (dual_adjoint_t_ / cd).replicate(1, c));
  }
};

// 1×n: the mean of each column.
class ColMeansNode final : public AxisNode {
 public:
  static constexpr std::string_view kName = "col_means";
  using AxisNode::AxisNode;
  [[nodiscard]] std::string_view name() const noexcept override { return kName; }
  [[nodiscard]] std::string adjoint_rule() const override { return "dA += 1·dC/m (m rows)"; }
  void evaluate(const Tape* /*tape*/) override {
    const Eigen::MatrixXd& a = a_.value();
    shape(1, a.cols());
    value_ = a.colwise().mean();
  }
  void backward(Tape& /*tape*/) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd& a = a_.value();
    const auto r = static_cast<double>(a.rows());
    a_.add_adjoint((adjoint_ / r).replicate(a.rows(), 1));
  }

 protected:
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    const Eigen::MatrixXd ta = a_.tangent();
    tangent_ = ta.colwise().mean();
  }
  void backward_dual(Dual* /*adjoints*/) override {
    if (!a_.active()) return;
    const Eigen::Index r = a_.value().rows();
    const auto rd = static_cast<double>(r);
    a_.add_dual_adjoint((dual_adjoint_v_ / rd).replicate(r, 1),
                        (dual_adjoint_t_ / rd).replicate(r, 1));
  }
};

// m×1: log Σⱼ exp aᵢⱼ. d lse_i / d a_ij = softmax_ij.
class RowLseNode final : public AxisNode {
 public:
  static constexpr std::string_view kName = "row_log_sum_exp";
  using AxisNode::AxisNode;
  [[nodiscard]] std::string_view name() const noexcept override { return kName; }
  [[nodiscard]] std::string adjoint_rule() const override { return "dA += (dC·1ᵀ) ⊙ softmax(A)"; }
  void evaluate(const Tape* /*tape*/) override {
    const Eigen::MatrixXd& a = a_.value();
    shape(a.rows(), 1);
    value_ = row_lse(a);
  }
  void backward(Tape& /*tape*/) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd& a = a_.value();
    const Eigen::MatrixXd& d = adjoint_;
    a_.add_adjoint(
        ((a.colwise() - value_.col(0)).array().exp().colwise() * d.col(0).array()).matrix());
  }

 protected:
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    const Eigen::MatrixXd ta = a_.tangent();
    // d lse_i = Σ_j softmax_ij ȧ_ij
    tangent_ = softmax_of_lse(a_.value()).cwiseProduct(ta).rowwise().sum();
  }
  void backward_dual(Dual* /*adjoints*/) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd& dv = dual_adjoint_v_;
    const Eigen::MatrixXd& dt = dual_adjoint_t_;
    // g_ij = d_i S_ij; ġ_ij = ḋ_i S_ij + d_i Ṡ_ij with Ṡ_ij = S_ij (ȧ_ij − lsė_i).
    const Eigen::MatrixXd s = softmax_of_lse(a_.value());
    const Eigen::MatrixXd sdot = s.cwiseProduct(a_.tangent().colwise() - tangent_.col(0));
    a_.add_dual_adjoint(
        (s.array().colwise() * dv.col(0).array()).matrix(),
        (s.array().colwise() * dt.col(0).array() + sdot.array().colwise() * dv.col(0).array())
            .matrix());
  }

 private:
  // exp(a_ij − lse_i): the row-wise softmax of a, from this record's value.
  [[nodiscard]] Eigen::MatrixXd softmax_of_lse(const Eigen::MatrixXd& a) const {
    return (a.colwise() - value_.col(0)).array().exp().matrix();
  }
};

// Row-wise softmax S = exp(a − lse(a)).
class SoftmaxNode final : public AxisNode {
 public:
  static constexpr std::string_view kName = "softmax";
  using AxisNode::AxisNode;
  [[nodiscard]] std::string_view name() const noexcept override { return kName; }
  [[nodiscard]] std::string adjoint_rule() const override {
    return "dA += C ⊙ (dC − rowsum(dC ⊙ C)·1ᵀ)";
  }
  void evaluate(const Tape* /*tape*/) override {
    const Eigen::MatrixXd& a = a_.value();
    shape(a.rows(), a.cols());
    value_ = (a.colwise() - row_lse(a)).array().exp().matrix();
  }
  void backward(Tape& /*tape*/) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd& d = adjoint_;
    // dA = S ⊙ (dS − rowsum(dS ⊙ S))
    const Eigen::VectorXd inner = d.cwiseProduct(value_).rowwise().sum();
    a_.add_adjoint(value_.cwiseProduct(d.colwise() - inner));
  }

 protected:
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    const Eigen::MatrixXd ta = a_.tangent();
    // Ṡ = S ⊙ (Ȧ − rowsum(S ⊙ Ȧ))
    const Eigen::VectorXd inner = value_.cwiseProduct(ta).rowwise().sum();
    tangent_ = value_.cwiseProduct(ta.colwise() - inner);
  }
  void backward_dual(Dual* /*adjoints*/) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd& dv = dual_adjoint_v_;
    const Eigen::MatrixXd& dt = dual_adjoint_t_;
    // g = S ⊙ (d − rowsum(d ⊙ S)); ġ = Ṡ ⊙ (d − rowsum(d ⊙ S))
    //                                   + S ⊙ (ḋ − rowsum(ḋ ⊙ S + d ⊙ Ṡ)).
    const Eigen::MatrixXd& s = value_;
    const Eigen::MatrixXd& sdot = tangent_;
    const Eigen::VectorXd inner_v = dv.cwiseProduct(s).rowwise().sum();
    const Eigen::VectorXd inner_t = (dt.cwiseProduct(s) + dv.cwiseProduct(sdot)).rowwise().sum();
    a_.add_dual_adjoint(
        s.cwiseProduct(dv.colwise() - inner_v),
        sdot.cwiseProduct(dv.colwise() - inner_v) + s.cwiseProduct(dt.colwise() - inner_t));
  }
};

// Row-wise log_softmax L = a − lse(a).
class LogSoftmaxNode final : public AxisNode {
 public:
  static constexpr std::string_view kName = "log_softmax";
  using AxisNode::AxisNode;
  [[nodiscard]] std::string_view name() const noexcept override { return kName; }
  [[nodiscard]] std::string adjoint_rule() const override {
    return "dA += dC − softmax(A) ⊙ (rowsum(dC)·1ᵀ)";
  }
  void evaluate(const Tape* /*tape*/) override {
    const Eigen::MatrixXd& a = a_.value();
    shape(a.rows(), a.cols());
    value_ = a.colwise() - row_lse(a);
  }
  void backward(Tape& /*tape*/) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd& d = adjoint_;
    // dA = dL − softmax ⊙ rowsum(dL)
    const Eigen::VectorXd total = d.rowwise().sum();
    a_.add_adjoint(d - (value_.array().exp().colwise() * total.array()).matrix());
  }

 protected:
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    const Eigen::MatrixXd ta = a_.tangent();
    // L̇ = Ȧ − rowsum(S ⊙ Ȧ), S = exp(L)
    const Eigen::VectorXd inner = value_.array().exp().matrix().cwiseProduct(ta).rowwise().sum();
    tangent_ = ta.colwise() - inner;
  }
  void backward_dual(Dual* /*adjoints*/) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd& dv = dual_adjoint_v_;
    const Eigen::MatrixXd& dt = dual_adjoint_t_;
    // g = d − S ⊙ rowsum(d); ġ = ḋ − S ⊙ rowsum(ḋ) − Ṡ ⊙ rowsum(d), Ṡ = S ⊙ L̇.
    const Eigen::MatrixXd s = value_.array().exp().matrix();
    const Eigen::MatrixXd sdot = s.cwiseProduct(tangent_);
    const Eigen::VectorXd total_v = dv.rowwise().sum();
    const Eigen::VectorXd total_t = dt.rowwise().sum();
    a_.add_dual_adjoint(dv - (s.array().colwise() * total_v.array()).matrix(),
                        dt - (s.array().colwise() * total_t.array()).matrix() -
                            (sdot.array().colwise() * total_v.array()).matrix());
  }
};

template <class Node>
Mat axis(const Mat& a) {
  Tape* t = detail::tape_of(Node::kName, a);
  return detail::finish(t, std::make_unique<Node>(a.operand(Node::kName, t)));
}

}  // namespace

Mat row_sums(const Mat& a) { return axis<RowSumsNode>(a); }
Mat col_sums(const Mat& a) { return axis<ColSumsNode>(a); }
Mat row_means(const Mat& a) { return axis<RowMeansNode>(a); }
Mat col_means(const Mat& a) { return axis<ColMeansNode>(a); }
Mat row_log_sum_exp(const Mat& a) { return axis<RowLseNode>(a); }
Mat softmax(const Mat& a) { return axis<SoftmaxNode>(a); }
Mat log_softmax(const Mat& a) { return axis<LogSoftmaxNode>(a); }

}  // namespace nabla
