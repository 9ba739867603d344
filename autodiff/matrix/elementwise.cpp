#include <nabla/autodiff/matrix/elementwise.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

#include <nabla/autodiff/core/dual.hpp>
#include <nabla/autodiff/core/op_rules.hpp>

namespace nabla {

namespace {

using detail::MatNode;
using detail::MatOperand;

// has_kink and may_be_infinite (core/op.hpp) come from the operation table: kinked operations
// remember the side of the kink each entry was on, for replay checks; operations whose
// derivative can be infinite (sqrt at 0, log at 0, …) must not turn a zero adjoint into NaN
// through 0·inf.

template <Op op>
class UnaryNode final : public MatNode {
 public:
  explicit UnaryNode(MatOperand a, double c = 0.0) : a_(std::move(a)), c_(c) {}
  [[nodiscard]] std::string_view name() const noexcept override { return op_name(op); }
  bool describe(std::vector<detail::OperandView>& inputs) const override {
    inputs.push_back(detail::view("A", a_));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override {
    return fmt::format("dA += dC ⊙ {}′(A)", op_name(op));
  }
  [[nodiscard]] std::string settings() const override {
    if constexpr (op_kind(op) == Kind::BinaryConst) return fmt::format("c={}", c_);
    return {};
  }

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
      return detail::tangent_product(d[k], da);  // the scalar sweep's zero rule, both ways
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
      tangent_(k) = detail::tangent_product(da, ta(k));
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
      gv(k) = v == 0.0 ? 0.0 : v * da.v;
      gt(k) = detail::tangent_product(t, da.v) + detail::tangent_product(v, da.t);
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
    const double kink = op_kind(op) == Kind::BinaryConst ? c_ : 0.0;  // max(A, c), min(A, c)
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

#define NABLA_MAT_DEFINE_FN(Name, f, ...) \
  Mat f(const Mat& a) { return unary<Op::Name>(a); }
#define NABLA_MAT_DEFINE_FN_AC(Name, f) \
  Mat f(const Mat& a, double c) { return unary<Op::Name>(a, c); }
#define NABLA_MAT_DEFINE_FN_AC_CA(Name, f) NABLA_MAT_DEFINE_FN_AC(Name, f)
#define NABLA_MAT_DEFINE_0(Name, form, ...)
#define NABLA_MAT_DEFINE_1(Name, form, ...) NABLA_MAT_DEFINE_##form(Name, __VA_ARGS__)
#define NABLA_X(P, Name, kind, text, kink, inf, mat, form, ...) \
  NABLA_MAT_DEFINE_##mat(Name, form, __VA_ARGS__)
NABLA_OP_TABLE(NABLA_X, )
#undef NABLA_X
#undef NABLA_MAT_DEFINE_1
#undef NABLA_MAT_DEFINE_0
#undef NABLA_MAT_DEFINE_FN_AC_CA
#undef NABLA_MAT_DEFINE_FN_AC
#undef NABLA_MAT_DEFINE_FN

}  // namespace nabla
