#include <nabla/autodiff/matrix/normalization.hpp>

#include <cmath>

#include <memory>
#include <string>
#include <utility>

#include <fmt/format.h>

#include <nabla/autodiff/core/error.hpp>
#include <nabla/autodiff/core/mode.hpp>
#include <nabla/autodiff/matrix/node.hpp>

namespace nabla {

namespace {

using detail::MatNode;
using detail::MatOperand;

[[noreturn]] void throw_non_finite(const Eigen::MatrixXd& x) {
  throw Error(
      fmt::format("nabla::batch_norm: X has a non-finite {}", detail::describe_non_finite(x)));
}

// y = x̂·diag(γ) + β with x̂ = (X − μ)·diag(1/s). Training: μ, s from the batch (they depend
// on X); evaluation: from the running statistics (constants).
//
// Per channel in training, with mean over the batch and P(v) = v − mean(v) − x̂·mean(x̂ ⊙ v)
// (the projection that removes the directions normalisation cancels; P is symmetric):
//   x̂̇ = P(Ẋ)/s,  ṡ = mean(x̂ ⊙ Ẋ),  gX = (γ/s)·P(dY).
// In evaluation x̂̇ = Ẋ/s and gX = (γ/s)·dY. The second-order sweep differentiates gX, gγ, gβ
// along the tangent: (γ/s)˙ = γ̇/s − γ·ṡ/s², Ṗ(v) = −x̂̇·mean(x̂ ⊙ v) − x̂·mean(x̂̇ ⊙ v).
class BatchNormNode final : public MatNode {
 public:
  BatchNormNode(MatOperand x, std::optional<MatOperand> gamma, std::optional<MatOperand> beta,
                bool training, Eigen::RowVectorXd mean, Eigen::RowVectorXd var, double eps)
      : x_(std::move(x)),
        gamma_(std::move(gamma)),
        beta_(std::move(beta)),
        training_(training),
        fixed_mean_(std::move(mean)),
        fixed_var_(std::move(var)),
        eps_(eps) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "batch_norm"; }
  bool describe(std::vector<detail::OperandView>& inputs) const override {
    inputs.push_back(detail::view("X", x_));
    if (gamma_) inputs.push_back(detail::view("γ", *gamma_));
    if (beta_) inputs.push_back(detail::view("β", *beta_));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override {
    std::string r = training_
                        ? "dX += P(dY)·diag(γ/s) with P(v) = v − mean(v) − X̂·diag(mean(X̂ ⊙ v))"
                        : "dX += dY·diag(γ/s) (running statistics: constants)";
    if (gamma_) r += ", dγ += colsum(dY ⊙ X̂)";
    if (beta_) r += ", dβ += colsum(dY)";
    return r;
  }
  [[nodiscard]] std::string settings() const override {
    return fmt::format("{}, eps={}", training_ ? "training" : "evaluation", eps_);
  }
  ~BatchNormNode() override {
    detail::recycle(xhat_);
    detail::recycle(xhat_dot_);
  }
  // Both sweeps go channel by channel: a column (N doubles) stays in L1 across the passes it
  // needs, so X, dY and x̂ are each read from memory once (whole-matrix expressions re-read the
  // 2 MB operands of a 256×1024 batch per pass: 1.8× a hand-written Eigen version instead of
  // about 1.3×; bench/batch_norm).
  void evaluate(const Tape* /*tape*/) override {
    const Eigen::MatrixXd& X = x_.value();
    const Eigen::Index rows = X.rows(), cols = X.cols();
    const auto n = static_cast<double>(rows);
    // x̂ lives in a pooled buffer: a fresh multi-megabyte one per recording costs page faults.
    detail::pooled_resize(xhat_, rows, cols);
    shape(rows, cols);
    mean_.resize(cols);
    inv_s_.resize(cols);
    for (Eigen::Index j = 0; j < cols; ++j) {
      auto xh = xhat_.col(j);
      if (training_) {
        mean_[j] = X.col(j).mean();
        xh.array() = X.col(j).array() - mean_[j];
        inv_s_[j] = 1.0 / std::sqrt(xh.squaredNorm() / n + eps_);
      } else {
        mean_[j] = fixed_mean_[j];
        xh.array() = X.col(j).array() - mean_[j];
        inv_s_[j] = 1.0 / std::sqrt(fixed_var_[j] + eps_);
      }
      xh *= inv_s_[j];
      auto y = value_.col(j);
      if (gamma_ && beta_)
        y.array() = xh.array() * gamma_->value()(0, j) + beta_->value()(0, j);
      else if (gamma_)
        y = xh * gamma_->value()(0, j);
      else if (beta_)
        y.array() = xh.array() + beta_->value()(0, j);
      else
        y = xh;
    }
    // Any NaN or ±inf in a column makes its mean non-finite: checked once, at recording (a
    // replay recomputes like every record, without throwing).
    if (training_ && check_input_) {
      check_input_ = false;
      if (!mean_.allFinite()) throw_non_finite(X);
    }
  }
  void backward(Tape& /*tape*/) override {
    const Eigen::MatrixXd& dy = adjoint_;
    const Eigen::Index cols = dy.cols();
    const auto n = static_cast<double>(dy.rows());
    // Σₙ dY and Σₙ dY ⊙ x̂ serve β, γ and X alike: computed once per channel, and dX's column
    // right after, while dY's and x̂'s columns are in cache.
    Eigen::RowVectorXd sum_dy(cols);
    Eigen::RowVectorXd sum_dyx(cols);
    const bool need_dyx = gamma_.has_value() || (x_.active() && training_);
    const auto channel_sums = [&](Eigen::Index j) {
      sum_dy[j] = dy.col(j).sum();
      if (need_dyx) sum_dyx[j] = dy.col(j).dot(xhat_.col(j));
    };
    if (x_.active()) {
      x_.node->update_adjoint_by_column([&](Eigen::Index j, auto column, bool assign) {
        channel_sums(j);
        const double scale = gamma_ ? inv_s_[j] * gamma_->value()(0, j) : inv_s_[j];
        const auto d = dy.col(j).array();
        if (training_) {
          const auto g = ((d - sum_dy[j] / n) - xhat_.col(j).array() * (sum_dyx[j] / n)) * scale;
          if (assign)
            column.array() = g;
          else
            column.array() += g;
        } else if (assign) {
          column.array() = d * scale;
        } else {
          column.array() += d * scale;
        }
      });
    } else {
      for (Eigen::Index j = 0; j < cols; ++j) channel_sums(j);
    }
    if (beta_) beta_->add_adjoint(sum_dy);
    if (gamma_) gamma_->add_adjoint(sum_dyx);
  }

 protected:
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    const Eigen::MatrixXd dx = x_.tangent();
    if (training_) {
      s_dot_ = xhat_.cwiseProduct(dx).colwise().mean();
      xhat_dot_ = project(dx, xhat_) * inv_s_.asDiagonal();
    } else {
      s_dot_.setZero(xhat_.cols());
      xhat_dot_ = dx * inv_s_.asDiagonal();
    }
    if (gamma_) {
      tangent_ = xhat_dot_ * gamma_->value().row(0).asDiagonal() +
                 xhat_ * gamma_->tangent().row(0).asDiagonal();
    } else {
      tangent_ = xhat_dot_;
    }
    if (beta_) tangent_.rowwise() += beta_->tangent().row(0);
  }
  void backward_dual(Dual* /*adjoints*/) override {
    const Eigen::MatrixXd& av = dual_adjoint_v_;
    const Eigen::MatrixXd& at = dual_adjoint_t_;
    if (beta_) beta_->add_dual_adjoint(av.colwise().sum(), at.colwise().sum());
    if (gamma_)
      gamma_->add_dual_adjoint(
          av.cwiseProduct(xhat_).colwise().sum(),
          (at.cwiseProduct(xhat_) + av.cwiseProduct(xhat_dot_)).colwise().sum());
    if (!x_.active()) return;
    // scale = γ/s and its tangent γ̇/s − γ·ṡ/s² (γ = 1, γ̇ = 0 without affine).
    Eigen::RowVectorXd scale = inv_s_;
    Eigen::RowVectorXd scale_dot = -s_dot_.cwiseProduct(inv_s_).cwiseProduct(inv_s_);
    if (gamma_) {
      const Eigen::RowVectorXd g = gamma_->value().row(0);
      const Eigen::RowVectorXd g_dot = gamma_->tangent().row(0);
      scale_dot = g_dot.cwiseProduct(inv_s_) + scale_dot.cwiseProduct(g);
      scale = scale.cwiseProduct(g);
    }
    if (training_) {
      const Eigen::MatrixXd pv = project(av, xhat_);
      const Eigen::RowVectorXd m_hat_v = xhat_.cwiseProduct(av).colwise().mean();
      const Eigen::RowVectorXd m_hat_dot_v = xhat_dot_.cwiseProduct(av).colwise().mean();
      const Eigen::MatrixXd p_dot_v =
          -(xhat_dot_ * m_hat_v.asDiagonal()) - xhat_ * m_hat_dot_v.asDiagonal();
      x_.add_dual_adjoint(
          pv * scale.asDiagonal(),
          pv * scale_dot.asDiagonal() + (project(at, xhat_) + p_dot_v) * scale.asDiagonal());
    } else {
      x_.add_dual_adjoint(av * scale.asDiagonal(),
                          av * scale_dot.asDiagonal() + at * scale.asDiagonal());
    }
  }

 private:
  // P(v) = v − mean(v) − x̂·mean(x̂ ⊙ v), column by column.
  static Eigen::MatrixXd project(const Eigen::MatrixXd& v, const Eigen::MatrixXd& xhat) {
    const Eigen::RowVectorXd mean_v = v.colwise().mean();
    const Eigen::RowVectorXd mean_xv = xhat.cwiseProduct(v).colwise().mean();
    return (v.rowwise() - mean_v) - xhat * mean_xv.asDiagonal();
  }

  MatOperand x_;
  std::optional<MatOperand> gamma_, beta_;
  bool training_;
  Eigen::RowVectorXd fixed_mean_, fixed_var_;
  double eps_;
  Eigen::RowVectorXd mean_, inv_s_;
  Eigen::MatrixXd xhat_;
  bool check_input_ = true;
  Eigen::RowVectorXd s_dot_;  // forward_tangent's ṡ, read by backward_dual
  Eigen::MatrixXd xhat_dot_;
};

Mat batch_norm_impl(const Mat& X, const Mat* gamma, const Mat* beta, BatchNormStats& stats) {
  constexpr std::string_view op = "batch_norm";
  const Eigen::Index n = X.rows(), c = X.cols();
  if (stats.running_mean.size() != c || stats.running_var.size() != c)
    throw ShapeError(fmt::format("nabla::batch_norm: X is {}×{} but stats has {} channels", n, c,
                                 stats.running_mean.size()));
  for (const Mat* p : {gamma, beta})
    if (p != nullptr && (p->rows() != 1 || p->cols() != c))
      throw ShapeError(fmt::format("nabla::batch_norm: {} is {}×{}, expected 1×{} (X is {}×{})",
                                   p == gamma ? "gamma" : "beta", p->rows(), p->cols(), c, n, c));
  const bool training = current_train_mode() == TrainMode::Training;
  // A non-finite X is an error (its NaN would reach every entry of its channel). In training the
  // node's first evaluation sees it for free in the batch means; in evaluation it costs a pass.
  if (!training && !X.value().allFinite()) throw_non_finite(X.value());
  if (training && n <= 1)
    throw Error(fmt::format(
        "nabla::batch_norm: expected more than 1 value per channel in training, got X {}×{}", n,
        c));
  if (training && statistics_capture_active()) {
    Eigen::VectorXd mean = X.value().colwise().mean().transpose();
    if (!mean.allFinite()) throw_non_finite(X.value());  // before the statistics change
    stats.pending_mean = std::move(mean);
    stats.pending_var = (X.value().rowwise() - stats.pending_mean.transpose())
                            .array()
                            .square()
                            .colwise()
                            .sum()
                            .transpose() /
                        static_cast<double>(n - 1);
    stats.pending = true;
    stats.mark_captured();
  }
  Tape* t = detail::tape_of(op, X);
  if (gamma != nullptr && t == nullptr) t = detail::tape_of(op, *gamma);
  if (beta != nullptr && t == nullptr) t = detail::tape_of(op, *beta);
  std::optional<MatOperand> g, b;
  if (gamma != nullptr) g = gamma->operand(op, t);
  if (beta != nullptr) b = beta->operand(op, t);
  return detail::finish(
      t, std::make_unique<BatchNormNode>(X.operand(op, t), std::move(g), std::move(b), training,
                                         stats.running_mean.transpose(),
                                         stats.running_var.transpose(), stats.eps));
}

}  // namespace

BatchNormStats::BatchNormStats(Eigen::Index channels)
    : running_mean(Eigen::VectorXd::Zero(channels)), running_var(Eigen::VectorXd::Ones(channels)) {}

void BatchNormStats::commit() {
  if (!pending) return;
  ++batches_tracked;
  const double m = momentum ? *momentum : 1.0 / static_cast<double>(batches_tracked);
  running_mean = (1.0 - m) * running_mean + m * pending_mean;
  running_var = (1.0 - m) * running_var + m * pending_var;
  pending = false;
}

Mat batch_norm(const Mat& X, const Mat& gamma, const Mat& beta, BatchNormStats& stats) {
  return batch_norm_impl(X, &gamma, &beta, stats);
}
Mat batch_norm(const Mat& X, BatchNormStats& stats) {
  return batch_norm_impl(X, nullptr, nullptr, stats);
}

}  // namespace nabla
