// Reductions of matrix nodes to a scalar (declared in reduction.hpp); the row- and
// column-wise ones, softmax and log_softmax are in axis_reduction.cpp.
#include <nabla/autodiff/matrix/reduction.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <utility>

namespace nabla {

namespace {

using detail::MatOperand;
using detail::ScalarNode;

double lse(const Eigen::MatrixXd& a) {
  if (a.size() == 0) return -std::numeric_limits<double>::infinity();
  const double m = a.maxCoeff();
  if (!std::isfinite(m)) return m;
  return m + std::log((a.array() - m).exp().sum());
}

// A reduction of one matrix operand to a scalar: the operand every such node holds. Each node
// below keeps its value, VJP (backward), tangent and second-order (backward_dual) together.
class ReductionNode : public ScalarNode {
 public:
  explicit ReductionNode(MatOperand a) : a_(std::move(a)) {}
  bool describe(std::vector<detail::OperandView>& inputs) const final {
    inputs.push_back(detail::view("A", a_));
    return true;
  }

 protected:
  MatOperand a_;
};

// Σ aᵢⱼ: the gradient is all ones.
class SumNode final : public ReductionNode {
 public:
  static constexpr std::string_view kName = "sum";
  using ReductionNode::ReductionNode;
  [[nodiscard]] std::string_view name() const noexcept override { return kName; }
  [[nodiscard]] std::string adjoint_rule() const override { return "dA += ds·1 (every entry)"; }
  double evaluate(const Tape* /*tape*/) override { return a_.value().sum(); }
  void backward(double w, Tape& /*tape*/) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd& a = a_.value();
    a_.add_adjoint(Eigen::MatrixXd::Constant(a.rows(), a.cols(), w));
  }

 protected:
  double forward_tangent() override { return a_.tangent().sum(); }
  void backward_dual(Dual w) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd& a = a_.value();
    const Eigen::Index r = a.rows();
    const Eigen::Index c = a.cols();
    a_.add_dual_adjoint(Eigen::MatrixXd::Constant(r, c, w.v), Eigen::MatrixXd::Constant(r, c, w.t));
  }
};

// Σ aᵢⱼ / n (0 for an empty matrix).
class MeanNode final : public ReductionNode {
 public:
  static constexpr std::string_view kName = "mean";
  using ReductionNode::ReductionNode;
  [[nodiscard]] std::string_view name() const noexcept override { return kName; }
  [[nodiscard]] std::string adjoint_rule() const override { return "dA += ds/(m·n)"; }
  double evaluate(const Tape* /*tape*/) override {
    const Eigen::MatrixXd& a = a_.value();
    return a.size() == 0 ? 0.0 : a.mean();
  }
  void backward(double w, Tape& /*tape*/) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd& a = a_.value();
    a_.add_adjoint(
        Eigen::MatrixXd::Constant(a.rows(), a.cols(), w / static_cast<double>(a.size())));
  }

 protected:
  double forward_tangent() override {
    const Eigen::MatrixXd ta = a_.tangent();
    return a_.value().size() == 0 ? 0.0 : ta.mean();
  }
  void backward_dual(Dual w) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd& a = a_.value();
    const Eigen::Index r = a.rows();
    const Eigen::Index c = a.cols();
    const auto n = static_cast<double>(a.size());
    a_.add_dual_adjoint(Eigen::MatrixXd::Constant(r, c, w.v / n),
                        Eigen::MatrixXd::Constant(r, c, w.t / n));
  }
};

// Σ aᵢⱼ²: the gradient is 2a, the Hessian 2I.
class SquaredNormNode final : public ReductionNode {
 public:
  static constexpr std::string_view kName = "squared_norm";
  using ReductionNode::ReductionNode;
  [[nodiscard]] std::string_view name() const noexcept override { return kName; }
  [[nodiscard]] std::string adjoint_rule() const override { return "dA += 2·ds·A"; }
  double evaluate(const Tape* /*tape*/) override { return a_.value().squaredNorm(); }
  void backward(double w, Tape& /*tape*/) override {
    if (!a_.active()) return;
    a_.add_adjoint((2.0 * w) * a_.value());
  }

 protected:
  double forward_tangent() override {
    const Eigen::MatrixXd ta = a_.tangent();
    return 2.0 * a_.value().cwiseProduct(ta).sum();
  }
  void backward_dual(Dual w) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd& a = a_.value();
    a_.add_dual_adjoint((2.0 * w.v) * a, (2.0 * w.t) * a + (2.0 * w.v) * a_.tangent());
  }
};

// √Σ aᵢⱼ²: the gradient a/‖a‖, and at 0 the minimum-norm subgradient 0 (as for hypot), in
// every hook.
class NormNode final : public ReductionNode {
 public:
  static constexpr std::string_view kName = "norm";
  using ReductionNode::ReductionNode;
  [[nodiscard]] std::string_view name() const noexcept override { return kName; }
  [[nodiscard]] std::string adjoint_rule() const override { return "dA += ds·A/s"; }
  double evaluate(const Tape* /*tape*/) override { return a_.value().norm(); }
  void backward(double w, Tape& /*tape*/) override {
    if (!a_.active()) return;
    if (value_ != 0.0) a_.add_adjoint((w / value_) * a_.value());
  }

 protected:
  double forward_tangent() override {
    const Eigen::MatrixXd ta = a_.tangent();
    return value_ == 0.0 ? 0.0 : a_.value().cwiseProduct(ta).sum() / value_;
  }
  void backward_dual(Dual w) override {
    if (!a_.active()) return;
    // g = a/‖a‖, ġ = ȧ/‖a‖ − a·(d‖a‖/dt)/‖a‖².
    if (value_ == 0.0) return;
    const Eigen::MatrixXd g = a_.value() / value_;
    a_.add_dual_adjoint(w.v * g, w.t * g + (w.v / value_) * (a_.tangent() - tangent_ * g));
  }
};

// Σ aᵢᵢ of a square matrix: the gradient is the identity.
class TraceNode final : public ReductionNode {
 public:
  static constexpr std::string_view kName = "trace";
  using ReductionNode::ReductionNode;
  [[nodiscard]] std::string_view name() const noexcept override { return kName; }
  [[nodiscard]] std::string adjoint_rule() const override { return "dA += ds·I"; }
  double evaluate(const Tape* /*tape*/) override { return a_.value().trace(); }
  void backward(double w, Tape& /*tape*/) override {
    if (!a_.active()) return;
    a_.node->zeroed_adjoint().diagonal().array() += w;
  }

 protected:
  double forward_tangent() override { return a_.tangent().trace(); }
  void backward_dual(Dual w) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd& a = a_.value();
    const Eigen::MatrixXd id = Eigen::MatrixXd::Identity(a.rows(), a.cols());
    a_.add_dual_adjoint(w.v * id, w.t * id);
  }
};

// log Σ exp aᵢⱼ without overflow: the gradient is softmax(a) = exp(a − lse).
class LogSumExpNode final : public ReductionNode {
 public:
  static constexpr std::string_view kName = "log_sum_exp";
  using ReductionNode::ReductionNode;
  [[nodiscard]] std::string_view name() const noexcept override { return kName; }
  [[nodiscard]] std::string adjoint_rule() const override {
    return "dA += ds·softmax(A) (over all entries)";
  }
  double evaluate(const Tape* /*tape*/) override { return lse(a_.value()); }
  void backward(double w, Tape& /*tape*/) override {
    if (!a_.active()) return;
    a_.add_adjoint(w * (a_.value().array() - value_).exp().matrix());
  }

 protected:
  double forward_tangent() override {
    const Eigen::MatrixXd ta = a_.tangent();
    const Eigen::MatrixXd& a = a_.value();
    return a.size() == 0 ? 0.0 : (a.array() - value_).exp().matrix().cwiseProduct(ta).sum();
  }
  void backward_dual(Dual w) override {
    if (!a_.active()) return;
    // g = softmax(a), ġ = g ⊙ (ȧ − d lse/dt).
    const Eigen::MatrixXd g = (a_.value().array() - value_).exp().matrix();
    const Eigen::MatrixXd gt = g.cwiseProduct((a_.tangent().array() - tangent_).matrix());
    a_.add_dual_adjoint(w.v * g, w.t * g + w.v * gt);
  }
};

class DotNode final : public ScalarNode {
 public:
  DotNode(MatOperand a, MatOperand b) : a_(std::move(a)), b_(std::move(b)) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "dot"; }
  bool describe(std::vector<detail::OperandView>& inputs) const override {
    inputs.push_back(detail::view("A", a_));
    inputs.push_back(detail::view("B", b_));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override { return "dA += ds·B, dB += ds·A"; }
  double evaluate(const Tape* /*tape*/) override {
    return a_.value().cwiseProduct(b_.value()).sum();
  }
  void backward(double w, Tape& /*tape*/) override {
    if (a_.active()) a_.add_adjoint(w * b_.value());
    if (b_.active()) b_.add_adjoint(w * a_.value());
  }

 protected:
  double forward_tangent() override {
    return a_.tangent().cwiseProduct(b_.value()).sum() +
           a_.value().cwiseProduct(b_.tangent()).sum();
  }
  void backward_dual(Dual w) override {
    if (a_.active()) a_.add_dual_adjoint(w.v * b_.value(), w.t * b_.value() + w.v * b_.tangent());
    if (b_.active()) b_.add_dual_adjoint(w.v * a_.value(), w.t * a_.value() + w.v * a_.tangent());
  }

 private:
  MatOperand a_;
  MatOperand b_;
};

template <class Node>
Var reduce(const Mat& a) {
  Tape* t = detail::tape_of(Node::kName, a);
  return detail::finish(t, std::make_unique<Node>(a.operand(Node::kName, t)));
}

}  // namespace

Var sum(const Mat& a) { return reduce<SumNode>(a); }
Var mean(const Mat& a) { return reduce<MeanNode>(a); }
Var squared_norm(const Mat& a) { return reduce<SquaredNormNode>(a); }
Var norm(const Mat& a) { return reduce<NormNode>(a); }
Var trace(const Mat& a) {
  Tape* t = detail::tape_of(TraceNode::kName, a);
  if (a.rows() != a.cols())
    detail::throw_shape(TraceNode::kName, a.rows(), a.cols(), a.rows(), a.cols(),
                        "(the same operand twice): trace needs a square matrix");
  return detail::finish(t, std::make_unique<TraceNode>(a.operand(TraceNode::kName, t)));
}
Var log_sum_exp(const Mat& a) { return reduce<LogSumExpNode>(a); }
Var dot(const Mat& a, const Mat& b) {
  Tape* t = detail::tape_of("dot", a, b);
  if (a.rows() != b.rows() || a.cols() != b.cols())
    detail::throw_shape("dot", a.rows(), a.cols(), b.rows(), b.cols(), "differ");
  return detail::finish(t, std::make_unique<DotNode>(a.operand("dot", t), b.operand("dot", t)));
}
Var dot(const Mat& a, const Eigen::MatrixXd& b) { return dot(a, Mat(b)); }

}  // namespace nabla
