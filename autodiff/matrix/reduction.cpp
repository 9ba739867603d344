#include <nabla/autodiff/matrix/reduction.hpp>

#include <cmath>
#include <limits>
#include <utility>

namespace nabla {

namespace {

using detail::MatNode;
using detail::MatOperand;
using detail::ScalarNode;

enum class Reduce { Sum, Mean, SquaredNorm, Norm, Trace, LogSumExp };

constexpr std::string_view reduce_name(Reduce k) {
  switch (k) {
    case Reduce::Sum: return "sum";
    case Reduce::Mean: return "mean";
    case Reduce::SquaredNorm: return "squared_norm";
    case Reduce::Norm: return "norm";
    case Reduce::Trace: return "trace";
    case Reduce::LogSumExp: return "log_sum_exp";
  }
  return "?";
}

double lse(const Eigen::MatrixXd& a) {
  if (a.size() == 0) return -std::numeric_limits<double>::infinity();
  const double m = a.maxCoeff();
  if (!std::isfinite(m)) return m;
  return m + std::log((a.array() - m).exp().sum());
}

class ReduceNode final : public ScalarNode {
 public:
  ReduceNode(Reduce kind, MatOperand a) : kind_(kind), a_(std::move(a)) {}
  [[nodiscard]] std::string_view name() const noexcept override { return reduce_name(kind_); }
  double evaluate(const Tape* /*tape*/) override {
    const Eigen::MatrixXd& a = a_.value();
    switch (kind_) {
      case Reduce::Sum: return a.sum();
      case Reduce::Mean: return a.size() == 0 ? 0.0 : a.mean();
      case Reduce::SquaredNorm: return a.squaredNorm();
      case Reduce::Norm: return a.norm();
      case Reduce::Trace: return a.trace();
      case Reduce::LogSumExp: return lse(a);
    }
    return 0.0;
  }
  void backward(double w, Tape& /*tape*/) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd& a = a_.value();
    const Eigen::Index r = a.rows();
    const Eigen::Index c = a.cols();
    switch (kind_) {
      case Reduce::Sum: a_.add_adjoint(Eigen::MatrixXd::Constant(r, c, w)); break;
      case Reduce::Mean:
        a_.add_adjoint(Eigen::MatrixXd::Constant(r, c, w / static_cast<double>(a.size())));
        break;
      case Reduce::SquaredNorm: a_.add_adjoint((2.0 * w) * a); break;
      case Reduce::Norm:
        // The minimum-norm subgradient at 0 is 0 (as for hypot).
        if (value_ != 0.0) a_.add_adjoint((w / value_) * a);
        break;
      case Reduce::Trace: a_.node->zeroed_adjoint().diagonal().array() += w; break;
      case Reduce::LogSumExp: a_.add_adjoint(w * (a.array() - value_).exp().matrix()); break;
    }
  }

 protected:
  double forward_tangent() override {
    const Eigen::MatrixXd ta = a_.tangent();
    const Eigen::MatrixXd& a = a_.value();
    switch (kind_) {
      case Reduce::Sum: return ta.sum();
      case Reduce::Mean: return a.size() == 0 ? 0.0 : ta.mean();
      case Reduce::SquaredNorm: return 2.0 * a.cwiseProduct(ta).sum();
      case Reduce::Trace: return ta.trace();
      case Reduce::Norm:
        // At 0 the minimum-norm subgradient 0, as backward() (and hypot) use.
        return value_ == 0.0 ? 0.0 : a.cwiseProduct(ta).sum() / value_;
      case Reduce::LogSumExp:
        return a.size() == 0 ? 0.0 : (a.array() - value_).exp().matrix().cwiseProduct(ta).sum();
    }
    return 0.0;
  }
  void backward_dual(Dual w) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd& a = a_.value();
    const Eigen::Index r = a.rows();
    const Eigen::Index c = a.cols();
    const auto n = static_cast<double>(a.size());
    switch (kind_) {
      case Reduce::Sum:
        a_.add_dual_adjoint(Eigen::MatrixXd::Constant(r, c, w.v),
                            Eigen::MatrixXd::Constant(r, c, w.t));
        break;
      case Reduce::Mean:
        a_.add_dual_adjoint(Eigen::MatrixXd::Constant(r, c, w.v / n),
                            Eigen::MatrixXd::Constant(r, c, w.t / n));
        break;
      case Reduce::SquaredNorm:
        a_.add_dual_adjoint((2.0 * w.v) * a, (2.0 * w.t) * a + (2.0 * w.v) * a_.tangent());
        break;
      case Reduce::Trace: {
        const Eigen::MatrixXd id = Eigen::MatrixXd::Identity(r, c);
        a_.add_dual_adjoint(w.v * id, w.t * id);
        break;
      }
      case Reduce::Norm: {
        // g = a/‖a‖, ġ = ȧ/‖a‖ − a·(d‖a‖/dt)/‖a‖²; 0 at a = 0, as in backward().
        if (value_ == 0.0) break;
        const Eigen::MatrixXd g = a / value_;
        a_.add_dual_adjoint(w.v * g, w.t * g + (w.v / value_) * (a_.tangent() - tangent_ * g));
        break;
      }
      case Reduce::LogSumExp: {
        // g = softmax(a), ġ = g ⊙ (ȧ − d lse/dt).
        const Eigen::MatrixXd g = (a.array() - value_).exp().matrix();
        const Eigen::MatrixXd gt = g.cwiseProduct((a_.tangent().array() - tangent_).matrix());
        a_.add_dual_adjoint(w.v * g, w.t * g + w.v * gt);
        break;
      }
    }
  }

 private:
  Reduce kind_;
  MatOperand a_;
};

class DotNode final : public ScalarNode {
 public:
  DotNode(MatOperand a, MatOperand b) : a_(std::move(a)), b_(std::move(b)) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "dot"; }
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

Var reduce(Reduce kind, const Mat& a) {
  const std::string_view op = reduce_name(kind);
  Tape* t = detail::tape_of(op, a);
  if (kind == Reduce::Trace && a.rows() != a.cols())
    detail::throw_shape(op, a.rows(), a.cols(), a.rows(), a.cols(),
                        "(the same operand twice): trace needs a square matrix");
  return detail::finish(t, std::make_unique<ReduceNode>(kind, a.operand(op, t)));
}

enum class Axis { RowSums, ColSums, RowMeans, ColMeans, RowLse, Softmax, LogSoftmax };

constexpr std::string_view axis_name(Axis k) {
  switch (k) {
    case Axis::RowSums: return "row_sums";
    case Axis::ColSums: return "col_sums";
    case Axis::RowMeans: return "row_means";
    case Axis::ColMeans: return "col_means";
    case Axis::RowLse: return "row_log_sum_exp";
    case Axis::Softmax: return "softmax";
    case Axis::LogSoftmax: return "log_softmax";
  }
  return "?";
}

// Row-wise log-sum-exp of a, as an m×1 column.
Eigen::VectorXd row_lse(const Eigen::MatrixXd& a) {
  Eigen::VectorXd m = a.rowwise().maxCoeff();
  for (Eigen::Index i = 0; i < m.size(); ++i)
    if (!std::isfinite(m[i])) m[i] = 0.0;
  return m.array() + (a.colwise() - m).array().exp().rowwise().sum().log();
}

class AxisNode final : public MatNode {
 public:
  AxisNode(Axis kind, MatOperand a) : kind_(kind), a_(std::move(a)) {}
  [[nodiscard]] std::string_view name() const noexcept override { return axis_name(kind_); }
  void evaluate(const Tape* /*tape*/) override {
    const Eigen::MatrixXd& a = a_.value();
    const bool rows_out =
        kind_ == Axis::RowSums || kind_ == Axis::RowMeans || kind_ == Axis::RowLse;
    const bool cols_out = kind_ == Axis::ColSums || kind_ == Axis::ColMeans;
    shape(cols_out ? 1 : a.rows(), rows_out ? 1 : a.cols());
    switch (kind_) {
      case Axis::RowSums: value_ = a.rowwise().sum(); break;
      case Axis::ColSums: value_ = a.colwise().sum(); break;
      case Axis::RowMeans: value_ = a.rowwise().mean(); break;
      case Axis::ColMeans: value_ = a.colwise().mean(); break;
      case Axis::RowLse: value_ = row_lse(a); break;
      case Axis::Softmax: value_ = (a.colwise() - row_lse(a)).array().exp().matrix(); break;
      case Axis::LogSoftmax: value_ = a.colwise() - row_lse(a); break;
    }
  }
  void backward(Tape& /*tape*/) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd& a = a_.value();
    const auto r = static_cast<double>(a.rows());
    const auto c = static_cast<double>(a.cols());
    const Eigen::MatrixXd& d = adjoint_;
    switch (kind_) {
      case Axis::RowSums: a_.add_adjoint(d.replicate(1, a.cols())); break;
      case Axis::ColSums: a_.add_adjoint(d.replicate(a.rows(), 1)); break;
      case Axis::RowMeans: a_.add_adjoint((d / c).replicate(1, a.cols())); break;
      case Axis::ColMeans: a_.add_adjoint((d / r).replicate(a.rows(), 1)); break;
      case Axis::RowLse:
        // d lse_i / d a_ij = softmax_ij.
        a_.add_adjoint(
            ((a.colwise() - value_.col(0)).array().exp().colwise() * d.col(0).array()).matrix());
        break;
      case Axis::Softmax: {
        // dA = S ⊙ (dS − rowsum(dS ⊙ S))
        const Eigen::VectorXd inner = d.cwiseProduct(value_).rowwise().sum();
        a_.add_adjoint(value_.cwiseProduct(d.colwise() - inner));
        break;
      }
      case Axis::LogSoftmax: {
        // dA = dL − softmax ⊙ rowsum(dL)
        const Eigen::VectorXd total = d.rowwise().sum();
        a_.add_adjoint(d - (value_.array().exp().colwise() * total.array()).matrix());
        break;
      }
    }
  }

 protected:
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    const Eigen::MatrixXd ta = a_.tangent();
    const Eigen::MatrixXd& a = a_.value();
    switch (kind_) {
      case Axis::RowSums: tangent_ = ta.rowwise().sum(); break;
      case Axis::ColSums: tangent_ = ta.colwise().sum(); break;
      case Axis::RowMeans: tangent_ = ta.rowwise().mean(); break;
      case Axis::ColMeans: tangent_ = ta.colwise().mean(); break;
      case Axis::RowLse:
        // d lse_i = Σ_j softmax_ij ȧ_ij
        tangent_ = softmax_of_lse(a).cwiseProduct(ta).rowwise().sum();
        break;
      case Axis::Softmax: {
        // Ṡ = S ⊙ (Ȧ − rowsum(S ⊙ Ȧ))
        const Eigen::VectorXd inner = value_.cwiseProduct(ta).rowwise().sum();
        tangent_ = value_.cwiseProduct(ta.colwise() - inner);
        break;
      }
      case Axis::LogSoftmax: {
        // L̇ = Ȧ − rowsum(S ⊙ Ȧ), S = exp(L)
        const Eigen::VectorXd inner =
            value_.array().exp().matrix().cwiseProduct(ta).rowwise().sum();
        tangent_ = ta.colwise() - inner;
        break;
      }
    }
  }
  void backward_dual(Dual* /*adjoints*/) override {
    if (!a_.active()) return;
    const Eigen::MatrixXd& a = a_.value();
    const Eigen::Index r = a.rows();
    const Eigen::Index c = a.cols();
    const Eigen::MatrixXd& dv = dual_adjoint_v_;
    const Eigen::MatrixXd& dt = dual_adjoint_t_;
    const auto rd = static_cast<double>(r);
    const auto cd = static_cast<double>(c);
    switch (kind_) {
      case Axis::RowSums: a_.add_dual_adjoint(dv.replicate(1, c), dt.replicate(1, c)); break;
      case Axis::ColSums: a_.add_dual_adjoint(dv.replicate(r, 1), dt.replicate(r, 1)); break;
      case Axis::RowMeans:
        a_.add_dual_adjoint((dv / cd).replicate(1, c), (dt / cd).replicate(1, c));
        break;
      case Axis::ColMeans:
        a_.add_dual_adjoint((dv / rd).replicate(r, 1), (dt / rd).replicate(r, 1));
        break;
      case Axis::RowLse: {
        // g_ij = d_i S_ij; ġ_ij = ḋ_i S_ij + d_i Ṡ_ij with Ṡ_ij = S_ij (ȧ_ij − lsė_i).
        const Eigen::MatrixXd s = softmax_of_lse(a);
        const Eigen::MatrixXd sdot = s.cwiseProduct(a_.tangent().colwise() - tangent_.col(0));
        a_.add_dual_adjoint(
            (s.array().colwise() * dv.col(0).array()).matrix(),
            (s.array().colwise() * dt.col(0).array() + sdot.array().colwise() * dv.col(0).array())
                .matrix());
        break;
      }
      case Axis::Softmax: {
        // g = S ⊙ (d − rowsum(d ⊙ S)); ġ = Ṡ ⊙ (d − rowsum(d ⊙ S))
        //                                   + S ⊙ (ḋ − rowsum(ḋ ⊙ S + d ⊙ Ṡ)).
        const Eigen::MatrixXd& s = value_;
        const Eigen::MatrixXd& sdot = tangent_;
        const Eigen::VectorXd inner_v = dv.cwiseProduct(s).rowwise().sum();
        const Eigen::VectorXd inner_t =
            (dt.cwiseProduct(s) + dv.cwiseProduct(sdot)).rowwise().sum();
        a_.add_dual_adjoint(
            s.cwiseProduct(dv.colwise() - inner_v),
            sdot.cwiseProduct(dv.colwise() - inner_v) + s.cwiseProduct(dt.colwise() - inner_t));
        break;
      }
      case Axis::LogSoftmax: {
        // g = d − S ⊙ rowsum(d); ġ = ḋ − S ⊙ rowsum(ḋ) − Ṡ ⊙ rowsum(d), Ṡ = S ⊙ L̇.
        const Eigen::MatrixXd s = value_.array().exp().matrix();
        const Eigen::MatrixXd sdot = s.cwiseProduct(tangent_);
        const Eigen::VectorXd total_v = dv.rowwise().sum();
        const Eigen::VectorXd total_t = dt.rowwise().sum();
        a_.add_dual_adjoint(dv - (s.array().colwise() * total_v.array()).matrix(),
                            dt - (s.array().colwise() * total_t.array()).matrix() -
                                (sdot.array().colwise() * total_v.array()).matrix());
        break;
      }
    }
  }

 private:
  // exp(a_ij − lse_i): the row-wise softmax of a, from this record's value (RowLse only).
  [[nodiscard]] Eigen::MatrixXd softmax_of_lse(const Eigen::MatrixXd& a) const {
    return (a.colwise() - value_.col(0)).array().exp().matrix();
  }

  Axis kind_;
  MatOperand a_;
};

Mat axis(Axis kind, const Mat& a) {
  const std::string_view op = axis_name(kind);
  Tape* t = detail::tape_of(op, a);
  return detail::finish(t, std::make_unique<AxisNode>(kind, a.operand(op, t)));
}

}  // namespace

Var sum(const Mat& a) { return reduce(Reduce::Sum, a); }
Var mean(const Mat& a) { return reduce(Reduce::Mean, a); }
Var squared_norm(const Mat& a) { return reduce(Reduce::SquaredNorm, a); }
Var norm(const Mat& a) { return reduce(Reduce::Norm, a); }
Var trace(const Mat& a) { return reduce(Reduce::Trace, a); }
Var log_sum_exp(const Mat& a) { return reduce(Reduce::LogSumExp, a); }

Var dot(const Mat& a, const Mat& b) {
  Tape* t = detail::tape_of("dot", a, b);
  if (a.rows() != b.rows() || a.cols() != b.cols())
    detail::throw_shape("dot", a.rows(), a.cols(), b.rows(), b.cols(), "differ");
  return detail::finish(t, std::make_unique<DotNode>(a.operand("dot", t), b.operand("dot", t)));
}
Var dot(const Mat& a, const Eigen::MatrixXd& b) { return dot(a, Mat(b)); }

Mat row_sums(const Mat& a) { return axis(Axis::RowSums, a); }
Mat col_sums(const Mat& a) { return axis(Axis::ColSums, a); }
Mat row_means(const Mat& a) { return axis(Axis::RowMeans, a); }
Mat col_means(const Mat& a) { return axis(Axis::ColMeans, a); }
Mat row_log_sum_exp(const Mat& a) { return axis(Axis::RowLse, a); }
Mat softmax(const Mat& a) { return axis(Axis::Softmax, a); }
Mat log_softmax(const Mat& a) { return axis(Axis::LogSoftmax, a); }

}  // namespace nabla
