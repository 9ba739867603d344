#include <nabla/autodiff/matrix/loss.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include <nabla/autodiff/core/error.hpp>
#include <nabla/autodiff/core/op_rules.hpp>

namespace nabla {

namespace {

using detail::MatOperand;
using detail::ScalarNode;

class MseNode final : public ScalarNode {
 public:
  MseNode(MatOperand p, MatOperand y) : p_(std::move(p)), y_(std::move(y)) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "mse"; }
  bool describe(std::vector<detail::OperandView>& inputs) const override {
    inputs.push_back(detail::view("P", p_));
    inputs.push_back(detail::view("Y", y_));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override {
    return "dP += 2·ds·(P − Y)/N, dY −= 2·ds·(P − Y)/N";
  }
  double evaluate(const Tape* /*tape*/) override {
    const auto n = static_cast<double>(p_.value().size());
    return n == 0.0 ? 0.0 : (p_.value() - y_.value()).squaredNorm() / n;
  }
  void backward(double w, Tape& /*tape*/) override {
    // The residual is recomputed rather than stored: one pass instead of N doubles kept.
    const double s = 2.0 * w / static_cast<double>(p_.value().size());
    if (p_.active()) p_.add_adjoint(s * (p_.value() - y_.value()));
    if (y_.active()) y_.add_adjoint(-s * (p_.value() - y_.value()));
  }

 protected:
  double forward_tangent() override {
    const auto n = static_cast<double>(p_.value().size());
    return 2.0 / n * (p_.value() - y_.value()).cwiseProduct(p_.tangent() - y_.tangent()).sum();
  }
  void backward_dual(Dual w) override {
    const auto n = static_cast<double>(p_.value().size());
    const Eigen::MatrixXd r = p_.value() - y_.value();
    const Eigen::MatrixXd rt = p_.tangent() - y_.tangent();
    const double sv = 2.0 * w.v / n;
    const double st = 2.0 * w.t / n;
    if (p_.active()) p_.add_dual_adjoint(sv * r, st * r + sv * rt);
    if (y_.active()) y_.add_dual_adjoint(-sv * r, -(st * r + sv * rt));
  }

 private:
  MatOperand p_;
  MatOperand y_;
};

class BceNode final : public ScalarNode {
 public:
  BceNode(MatOperand z, MatOperand y) : z_(std::move(z)), y_(std::move(y)) {}
  ~BceNode() override { detail::recycle(decay_); }
  [[nodiscard]] std::string_view name() const noexcept override {
    return "binary_cross_entropy_with_logits";
  }
  bool describe(std::vector<detail::OperandView>& inputs) const override {
    inputs.push_back(detail::view("Z", z_));
    inputs.push_back(detail::view("Y", y_));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override {
    return "dZ += ds·(σ(Z) − Y)/N, dY −= ds·Z/N";
  }
  // exp(−|z|), kept for backward() (when z is a variable).
  [[nodiscard]] std::size_t bytes() const noexcept override {
    return static_cast<std::size_t>(decay_.size()) * sizeof(double);
  }
  // One exp and one log1p per element: with e = exp(−|z|), softplus(z) = max(z, 0) + log1p(e)
  // (math::softplus, bit for bit). When z is a variable e is kept, so that backward() finds
  // σ(z) = 1/(1 + e) for z ≥ 0, e/(1 + e) below (math::sigmoid, bit for bit) with a division
  // instead of a second exp; neither overflows for any z.
  double evaluate(const Tape* /*tape*/) override {
    const Eigen::MatrixXd& zm = z_.value();
    const Eigen::Index n = zm.size();
    const double* z = zm.data();
    const double* y = y_.value().data();
    double s = 0.0;
    if (z_.active()) {
      detail::pooled_resize(decay_, zm.rows(), zm.cols());
      double* d = decay_.data();
      for (Eigen::Index k = 0; k < n; ++k) {
        const double e = std::exp(-std::abs(z[k]));
        d[k] = e;
        s += ((z[k] > 0.0 ? z[k] : 0.0) + std::log1p(e)) - y[k] * z[k];
      }
    } else {
      for (Eigen::Index k = 0; k < n; ++k) s += math::softplus(z[k]) - y[k] * z[k];
    }
    return n == 0 ? 0.0 : s / static_cast<double>(n);
  }
  void backward(double w, Tape& /*tape*/) override {
    const double s = w / static_cast<double>(z_.value().size());
    const double* z = z_.value().data();
    const double* y = y_.value().data();
    const double* d = decay_.data();
    z_.add_adjoint_each(
        [=](Eigen::Index k) { return s * ((z[k] >= 0.0 ? 1.0 : d[k]) / (1.0 + d[k]) - y[k]); });
    y_.add_adjoint_each([=](Eigen::Index k) { return -s * z[k]; });
  }

 protected:
  // L = mean(softplus(z) − y·z): ∂L/∂z = (σ(z) − y)/n, ∂L/∂y = −z/n, ∂²L/∂z² = σ(1 − σ)/n,
  // ∂²L/∂z∂y = −1/n, ∂²L/∂y² = 0.
  double forward_tangent() override {
    const Eigen::MatrixXd& z = z_.value();
    const Eigen::MatrixXd& y = y_.value();
    const Eigen::MatrixXd tz = z_.tangent();
    const Eigen::MatrixXd ty = y_.tangent();
    double s = 0.0;
    for (Eigen::Index k = 0; k < z.size(); ++k)
      s += (math::sigmoid(z(k)) - y(k)) * tz(k) - z(k) * ty(k);
    return z.size() == 0 ? 0.0 : s / static_cast<double>(z.size());
  }
  void backward_dual(Dual w) override {
    const Eigen::MatrixXd& z = z_.value();
    const Eigen::MatrixXd& y = y_.value();
    const Eigen::MatrixXd tz = z_.tangent();
    const Eigen::MatrixXd ty = y_.tangent();
    const auto n = static_cast<double>(z.size());
    const double sv = w.v / n;
    const double st = w.t / n;
    if (z_.active()) {
      Eigen::MatrixXd gv(z.rows(), z.cols()), gt(z.rows(), z.cols());
      for (Eigen::Index k = 0; k < z.size(); ++k) {
        const double p = math::sigmoid(z(k));
        gv(k) = sv * (p - y(k));
        gt(k) = st * (p - y(k)) + sv * (p * (1.0 - p) * tz(k) - ty(k));
      }
      z_.add_dual_adjoint(gv, gt);
    }
    if (y_.active()) y_.add_dual_adjoint(-sv * z, -st * z - sv * tz);
  }

 private:
  MatOperand z_;
  MatOperand y_;
  Eigen::MatrixXd decay_;  // exp(−|z|) of the last evaluation (empty when z is a constant)
};

class CrossEntropyNode final : public ScalarNode {
 public:
  CrossEntropyNode(MatOperand z, std::vector<int> labels)
      : z_(std::move(z)), labels_(std::move(labels)) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "cross_entropy"; }
  bool describe(std::vector<detail::OperandView>& inputs) const override {
    inputs.push_back(detail::view("Z", z_));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override {
    return "dZ += ds·(softmax(Z) − onehot(labels))/m";
  }
  double evaluate(const Tape* /*tape*/) override {
    const Eigen::MatrixXd& z = z_.value();
    const Eigen::VectorXd m = z.rowwise().maxCoeff();
    lse_ = m.array() + (z.colwise() - m).array().exp().rowwise().sum().log();
    double s = 0.0;
    for (Eigen::Index i = 0; i < z.rows(); ++i)
      s += lse_[i] - z(i, labels_[static_cast<std::size_t>(i)]);
    return z.rows() == 0 ? 0.0 : s / static_cast<double>(z.rows());
  }
  void backward(double w, Tape& /*tape*/) override {
    if (!z_.active()) return;
    const Eigen::MatrixXd& z = z_.value();
    const double s = w / static_cast<double>(z.rows());
    // d/dZ = (softmax(Z) − onehot(labels)) / m
    Eigen::MatrixXd g = ((z.colwise() - lse_).array().exp() * s).matrix();
    for (Eigen::Index i = 0; i < z.rows(); ++i) g(i, labels_[static_cast<std::size_t>(i)]) -= s;
    z_.add_adjoint(g);
  }

 protected:
  // (softmax(Z) − onehot(labels)) / m, the gradient of the mean loss.
  [[nodiscard]] Eigen::MatrixXd gradient() const {
    const Eigen::MatrixXd& z = z_.value();
    const double s = 1.0 / static_cast<double>(z.rows());
    Eigen::MatrixXd g = ((z.colwise() - lse_).array().exp() * s).matrix();
    for (Eigen::Index i = 0; i < z.rows(); ++i) g(i, labels_[static_cast<std::size_t>(i)]) -= s;
    return g;
  }
  double forward_tangent() override { return gradient().cwiseProduct(z_.tangent()).sum(); }
  void backward_dual(Dual w) override {
    if (!z_.active()) return;
    const Eigen::MatrixXd& z = z_.value();
    const Eigen::MatrixXd g = gradient();
    const Eigen::MatrixXd sm = (z.colwise() - lse_).array().exp().matrix();
    const Eigen::MatrixXd zt = z_.tangent();
    // d/dt softmax = S ⊙ (Ż − rowsum(S ⊙ Ż))
    const Eigen::VectorXd inner = sm.cwiseProduct(zt).rowwise().sum();
    const Eigen::MatrixXd dsm = sm.cwiseProduct(zt.colwise() - inner);
    z_.add_dual_adjoint(w.v * g, w.t * g + (w.v / static_cast<double>(z.rows())) * dsm);
  }

 private:
  MatOperand z_;
  std::vector<int> labels_;
  Eigen::VectorXd lse_;
};

class HingeNode final : public ScalarNode {
 public:
  HingeNode(MatOperand s, MatOperand y) : s_(std::move(s)), y_(std::move(y)) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "hinge"; }
  bool describe(std::vector<detail::OperandView>& inputs) const override {
    inputs.push_back(detail::view("S", s_));
    inputs.push_back(detail::view("Y", y_));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override {
    return "dS += −ds·Y/N where 1 − Y ⊙ S > 0 (0 elsewhere)";
  }
  double evaluate(const Tape* /*tape*/) override {
    const Eigen::MatrixXd& s = s_.value();
    const Eigen::MatrixXd& y = y_.value();
    double total = 0.0;
    for (Eigen::Index k = 0; k < s.size(); ++k) total += math::relu(1.0 - y(k) * s(k));
    return s.size() == 0 ? 0.0 : total / static_cast<double>(s.size());
  }
  void backward(double w, Tape& /*tape*/) override {
    const double c = w / static_cast<double>(s_.value().size());
    const double* s = s_.value().data();
    const double* y = y_.value().data();
    s_.add_adjoint_each([=](Eigen::Index k) { return 1.0 - y[k] * s[k] > 0.0 ? -c * y[k] : 0.0; });
  }
  void remember_branches() override { branches_ = sides(); }

 protected:
  // Piecewise linear: slope −y/n where the margin 1 − y·s is positive, 0 elsewhere (at the
  // kink the minimum-norm subgradient 0, as backward()); the second derivative is 0 away
  // from kinks and taken as 0 at them.
  double forward_tangent() override {
    const Eigen::MatrixXd& s = s_.value();
    const Eigen::MatrixXd& y = y_.value();
    const Eigen::MatrixXd ts = s_.tangent();
    double total = 0.0;
    for (Eigen::Index k = 0; k < s.size(); ++k)
      if (1.0 - y(k) * s(k) > 0.0) total -= y(k) * ts(k);
    return s.size() == 0 ? 0.0 : total / static_cast<double>(s.size());
  }
  void backward_dual(Dual w) override {
    if (!s_.active()) return;
    const Eigen::MatrixXd& s = s_.value();
    const Eigen::MatrixXd& y = y_.value();
    const auto n = static_cast<double>(s.size());
    Eigen::MatrixXd slope(s.rows(), s.cols());
    for (Eigen::Index k = 0; k < s.size(); ++k)
      slope(k) = 1.0 - y(k) * s(k) > 0.0 ? -y(k) / n : 0.0;
    s_.add_dual_adjoint(w.v * slope, w.t * slope);
  }

 public:
  [[nodiscard]] std::size_t changed_branches() const override {
    return detail::count_changed(branches_, sides());
  }

 private:
  [[nodiscard]] std::vector<std::int8_t> sides() const {
    const Eigen::MatrixXd& s = s_.value();
    const Eigen::MatrixXd& y = y_.value();
    std::vector<std::int8_t> out(static_cast<std::size_t>(s.size()));
    for (Eigen::Index k = 0; k < s.size(); ++k) {
      const double m = 1.0 - y(k) * s(k);
      out[static_cast<std::size_t>(k)] = static_cast<std::int8_t>(m > 0 ? 1 : (m < 0 ? -1 : 0));
    }
    return out;
  }
  MatOperand s_;
  MatOperand y_;
  std::vector<std::int8_t> branches_;
};

void same_shape(std::string_view op, const Mat& a, const Mat& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    detail::throw_shape(op, a.rows(), a.cols(), b.rows(), b.cols(), "differ");
}

}  // namespace

Var mse(const Mat& p, const Mat& y) {
  Tape* t = detail::tape_of("mse", p, y);
  same_shape("mse", p, y);
  return detail::finish(t, std::make_unique<MseNode>(p.operand("mse", t), y.operand("mse", t)));
}
Var mse(const Mat& p, const Eigen::MatrixXd& y) { return mse(p, Mat(y)); }

Var binary_cross_entropy_with_logits(const Mat& z, const Mat& y) {
  constexpr std::string_view op = "binary_cross_entropy_with_logits";
  Tape* t = detail::tape_of(op, z, y);
  same_shape(op, z, y);
  return detail::finish(t, std::make_unique<BceNode>(z.operand(op, t), y.operand(op, t)));
}
Var binary_cross_entropy_with_logits(const Mat& z, const Eigen::MatrixXd& y) {
  return binary_cross_entropy_with_logits(z, Mat(y));
}

Var cross_entropy(const Mat& z, const std::vector<int>& labels) {
  Tape* t = detail::tape_of("cross_entropy", z);
  if (static_cast<Eigen::Index>(labels.size()) != z.rows())
    detail::throw_shape("cross_entropy", z.rows(), z.cols(),
                        static_cast<Eigen::Index>(labels.size()), 1,
                        "(logits, labels) differ in rows: one label per row");
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] < 0 || labels[i] >= z.cols())
      throw ShapeError(fmt::format(
          "nabla: cross_entropy: label {} of row {} is outside [0, {}) for {}×{} logits", labels[i],
          i, z.cols(), z.rows(), z.cols()));
  return detail::finish(t,
                        std::make_unique<CrossEntropyNode>(z.operand("cross_entropy", t), labels));
}
Var cross_entropy(const Mat& z, const Eigen::VectorXi& labels) {
  return cross_entropy(z, std::vector<int>(labels.data(), labels.data() + labels.size()));
}

Var hinge(const Mat& s, const Eigen::MatrixXd& y) {
  const Mat ym(y);
  Tape* t = detail::tape_of("hinge", s);
  same_shape("hinge", s, ym);
  return detail::finish(t,
                        std::make_unique<HingeNode>(s.operand("hinge", t), ym.operand("hinge", t)));
}

}  // namespace nabla
