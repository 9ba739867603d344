#include <nabla/autodiff/matrix/elementwise.hpp>

#include <cstdint>
#include <vector>

#include <nabla/autodiff/core/op_rules.hpp>

namespace nabla {

namespace {

using detail::MatNode;
using detail::MatOperand;

// Derivatives that can be infinite (sqrt at 0, log at 0, …) must not turn a zero adjoint
// into NaN through 0·inf.
constexpr bool may_be_infinite(Op op) {
  return op == Op::Sqrt || op == Op::Log || op == Op::Log1p || op == Op::PowC;
}

// Kinked operations remember the side of the kink each entry was on, for replay checks.
constexpr bool has_kink(Op op) {
  return op == Op::Abs || op == Op::Relu || op == Op::MaxC || op == Op::MinC;
}

template <Op op>
class UnaryNode final : public MatNode {
 public:
  explicit UnaryNode(MatOperand a, double c = 0.0) : a_(std::move(a)), c_(c) {}
  [[nodiscard]] std::string_view name() const noexcept override { return op_name(op); }

  void evaluate(const Tape* /*tape*/) override {
    const Eigen::MatrixXd& a = a_.value();
    shape(a.rows(), a.cols());
    const double* x = a.data();
    double* r = value_.data();
    const double c = c_;
    for (Eigen::Index k = 0; k < a.size(); ++k) r[k] = Rule<op>::value(x[k], 0.0, c);
  }

  void backward(Tape& /*tape*/) override {
    const double* x = a_.value().data();
    const double* r = value_.data();
    const double* d = adjoint_.data();
    const double c = c_;
    a_.add_adjoint_each([=](Eigen::Index k) {
      if constexpr (may_be_infinite(op))
        if (d[k] == 0.0) return 0.0;
      double da = 0.0;
      double db = 0.0;
      Rule<op>::template partials<double>(x[k], 0.0, c, r[k], da, db);
      return d[k] * da;
    });
  }

  void remember_branches() override {
    if constexpr (has_kink(op)) branches_ = sides();
  }

 protected:
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    const Eigen::MatrixXd ta = a_.tangent();
    tangent_.resize(value_.rows(), value_.cols());
    for (Eigen::Index k = 0; k < value_.size(); ++k) {
      if (ta(k) == 0.0) {
        tangent_(k) = 0.0;
        continue;
      }
      double da = 0.0;
      double db = 0.0;
      Rule<op>::template partials<double>(a_.value()(k), 0.0, c_, value_(k), da, db);
      tangent_(k) = da * ta(k);
    }
  }
  void backward_dual(Dual* /*adjoints*/) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd ta = a_.tangent();
    Eigen::MatrixXd gv(value_.rows(), value_.cols()), gt(value_.rows(), value_.cols());
    for (Eigen::Index k = 0; k < value_.size(); ++k) {
      const double v = dual_adjoint_v_(k);
      const double t = dual_adjoint_t_(k);
      if (v == 0.0 && t == 0.0) {
        gv(k) = gt(k) = 0.0;
        continue;
      }
      Dual da, db;
      Rule<op>::template partials<Dual>(Dual(a_.value()(k), ta(k)), Dual(), c_,
                                        Dual(value_(k), tangent_(k)), da, db);
      gv(k) = v * da.v;
      gt(k) = t * da.v + v * da.t;
    }
    a_.add_dual_adjoint(gv, gt);
  }

 public:
  [[nodiscard]] std::size_t changed_branches() const override {
    if constexpr (!has_kink(op)) return 0;
    return detail::count_changed(branches_, sides());
  }

 private:
  [[nodiscard]] std::vector<std::int8_t> sides() const {
    const Eigen::MatrixXd& a = a_.value();
    const double kink = (op == Op::MaxC || op == Op::MinC) ? c_ : 0.0;
    std::vector<std::int8_t> s(static_cast<std::size_t>(a.size()));
    for (Eigen::Index k = 0; k < a.size(); ++k)
      s[static_cast<std::size_t>(k)] =
          static_cast<std::int8_t>(a(k) > kink ? 1 : (a(k) < kink ? -1 : 0));
    return s;
  }

  MatOperand a_;
  double c_;
  std::vector<std::int8_t> branches_;
};

template <Op op>
Mat unary(const Mat& a, double c = 0.0) {
  Tape* t = detail::tape_of(op_name(op), a);
  return detail::finish(t, std::make_unique<UnaryNode<op>>(a.operand(op_name(op), t), c));
}

}  // namespace

Mat exp(const Mat& a) { return unary<Op::Exp>(a); }
Mat log(const Mat& a) { return unary<Op::Log>(a); }
Mat log1p(const Mat& a) { return unary<Op::Log1p>(a); }
Mat expm1(const Mat& a) { return unary<Op::Expm1>(a); }
Mat sqrt(const Mat& a) { return unary<Op::Sqrt>(a); }
Mat square(const Mat& a) { return unary<Op::Square>(a); }
Mat sin(const Mat& a) { return unary<Op::Sin>(a); }
Mat cos(const Mat& a) { return unary<Op::Cos>(a); }
Mat tanh(const Mat& a) { return unary<Op::Tanh>(a); }
Mat sigmoid(const Mat& a) { return unary<Op::Sigmoid>(a); }
Mat softplus(const Mat& a) { return unary<Op::Softplus>(a); }
Mat relu(const Mat& a) { return unary<Op::Relu>(a); }
Mat abs(const Mat& a) { return unary<Op::Abs>(a); }
Mat pow(const Mat& a, double exponent) { return unary<Op::PowC>(a, exponent); }
Mat max(const Mat& a, double c) { return unary<Op::MaxC>(a, c); }
Mat min(const Mat& a, double c) { return unary<Op::MinC>(a, c); }

}  // namespace nabla
