// A mini-batch objective over data and parameter blocks: X (one sample per row), targets (real
// values, one row per sample, or integer labels) and a loss written on matrix nodes that
// returns the MEAN over the batch it is given,
//
//   auto model = [](const opt::Blocks& p, const nabla::Mat& X) {
//     return nabla::tanh(X * p["W1"] + p["b1"]) * p["W2"] + p["b2"];
//   };
//   auto loss = [&](const opt::Blocks& p, const nabla::Mat& X, const Eigen::VectorXi& labels) {
//     return nabla::cross_entropy(model(p, X), labels);
//   };
//   opt::BatchObjective Q(params, X, labels, loss);   // params: opt::Parameters (W1, b1, …)
//
// The library gathers each (shuffled) batch's rows and targets and records the loss once per
// batch, the blocks as Mat variables; the full objective is evaluated in chunks of rows. Q.x0()
// is the blocks packed, Q.parameters(r.x) the fitted blocks by name, Q.forward(x, X, model) the
// model's output on other data (no gradient, evaluation mode). Batch-norm layers
// (Parameters::add_batch_norm) are applied with p.batch_norm("bn1", Z).
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix.hpp>

#include <nabla/optim/objectives/finite_sum.hpp>
#include <nabla/optim/objectives/objective.hpp>
#include <nabla/optim/objectives/parameters.hpp>

namespace nabla::optim {

template <class Targets, class Loss>
class BatchObjective final : public Objective {
 public:
  static_assert(
      std::is_same_v<std::invoke_result_t<Loss&, const Blocks&, const Mat&, const Targets&>, Var>,
      "nabla::optim::BatchObjective: the loss must be callable as "
      "loss(const opt::Blocks& p, const nabla::Mat& X, const Targets& y) and return "
      "nabla::Var (the batch mean)");
  static constexpr Capabilities static_capabilities =
      Capability::Value | Capability::Gradient | Capability::FiniteSum;

  BatchObjective(Parameters shapes, RowMatrixXd X, Targets y, Loss loss)
      : shapes_(std::move(shapes)), X_(std::move(X)), y_(std::move(y)), loss_(std::move(loss)) {
    if (X_.rows() != y_.rows())
      throw ShapeError(
          fmt::format("nabla::optim::BatchObjective: X has {} rows but the targets have {}",
                      X_.rows(), y_.rows()));
    if (X_.rows() == 0) throw ShapeError("nabla::optim::BatchObjective: no samples");
    if (shapes_.count() == 0) throw Error("nabla::optim::BatchObjective: no parameter blocks");
    all_.resize(static_cast<std::size_t>(X_.rows()));
    std::iota(all_.begin(), all_.end(), std::int64_t{0});
  }

  [[nodiscard]] std::int64_t samples() const override { return X_.rows(); }
  // A copy for another thread: its own tape, and a copy of the data.
  [[nodiscard]] std::unique_ptr<Objective> clone() const override {
    if constexpr (std::is_copy_constructible_v<Loss>)
      return std::make_unique<BatchObjective>(shapes_, X_, y_, loss_);
    else
      return nullptr;
  }
  [[nodiscard]] Capabilities capabilities() const override { return static_capabilities; }
  [[nodiscard]] std::optional<Eigen::Index> dimension() const override { return shapes_.size(); }
  [[nodiscard]] const Parameters* parameter_blocks() const override { return &shapes_; }
  [[nodiscard]] Eigen::VectorXd model_state() const override { return shapes_.statistics(); }
  void set_model_state(const Eigen::VectorXd& state) override { shapes_.set_statistics(state); }

  // The start point: every block's initial value, packed.
  [[nodiscard]] Eigen::VectorXd x0() const { return shapes_.pack(); }
  // The blocks holding the values of x (a Result's x, best_x, …).
  [[nodiscard]] Parameters parameters(const Eigen::VectorXd& x) const { return shapes_.with(x); }
  [[nodiscard]] const Parameters& shapes() const noexcept { return shapes_; }

  double batch_value_gradient(const Eigen::VectorXd& w, std::span<const std::int64_t> batch,
                              Eigen::VectorXd& g) override {
    gather(batch);
    return record(w, &g);
  }
  double value_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& g) override {
    g.setZero(w.size());
    double q = 0.0;
    for (std::size_t start = 0; start < all_.size(); start += chunk) {
      const std::size_t n = std::min(chunk, all_.size() - start);
      gather(std::span(all_).subspan(start, n));
      const double weight = static_cast<double>(n) / static_cast<double>(all_.size());
      q += weight * record(w, &chunk_g_);
      g += weight * chunk_g_;
    }
    return q;
  }
  double value(const Eigen::VectorXd& w) override {
    double q = 0.0;
    for (std::size_t start = 0; start < all_.size(); start += chunk) {
      const std::size_t n = std::min(chunk, all_.size() - start);
      gather(std::span(all_).subspan(start, n));
      q += static_cast<double>(n) / static_cast<double>(all_.size()) * record(w, nullptr);
    }
    return q;
  }

  // The model's output at x on other data, the blocks as constants, in evaluation mode
  // (batch norm with its running statistics, no dropout): e.g. test-set logits.
  template <class Model>
  [[nodiscard]] Eigen::MatrixXd forward(const Eigen::VectorXd& x, const Eigen::MatrixXd& X,
                                        Model&& model) {
    check_size(x);
    tape_.clear();
    TapeScope scope(tape_);
    TrainModeScope evaluation(TrainMode::Evaluation);
    const Blocks p(shapes_, blocks(x, false));
    return Mat(model(p, nabla::constant(X))).value();
  }

 private:
  static constexpr std::size_t chunk = 2048;

  void check_size(const Eigen::VectorXd& w) const {
    if (w.size() != shapes_.size())
      throw ShapeError(fmt::format(
          "nabla::optim::BatchObjective: x has size {} but the parameter blocks hold {} entries",
          w.size(), shapes_.size()));
  }
  // Each block of w as a Mat: variables to differentiate, constants to evaluate only.
  std::vector<Mat> blocks(const Eigen::VectorXd& w, bool variables) const {
    std::vector<Mat> mats;
    mats.reserve(shapes_.count());
    for (std::size_t k = 0; k < shapes_.count(); ++k) {
      const Eigen::Map<const Eigen::MatrixXd> b(w.data() + shapes_.offset(k), shapes_[k].rows(),
                                                shapes_[k].cols());
      mats.push_back(variables ? nabla::variable(b) : nabla::constant(Eigen::MatrixXd(b)));
    }
    return mats;
  }
  void gather(std::span<const std::int64_t> batch) {
    const auto b = static_cast<Eigen::Index>(batch.size());
    Xb_.resize(b, X_.cols());
    yb_.resize(b, y_.cols());
    for (Eigen::Index i = 0; i < b; ++i) {
      Xb_.row(i) = X_.row(batch[static_cast<std::size_t>(i)]);
      yb_.row(i) = y_.row(batch[static_cast<std::size_t>(i)]);
    }
  }
  // The loss on the gathered batch (Xb_, yb_); its gradient into *g when g is given.
  double record(const Eigen::VectorXd& w, Eigen::VectorXd* g) {
    check_size(w);
    tape_.clear();
    TapeScope scope(tape_);
    const Blocks p(shapes_, blocks(w, g != nullptr));
    const Var y = loss_(p, nabla::constant(Eigen::MatrixXd(Xb_)), std::as_const(yb_));
    if (g == nullptr) return y.value();
    g->resize(w.size());
    if (y.is_constant()) {
      g->setZero();
      return y.value();
    }
    tape_.reverse(y);
    for (std::size_t k = 0; k < shapes_.count(); ++k)
      g->segment(shapes_.offset(k), shapes_[k].size()) = nabla::gradient_of(p[k]).reshaped();
    return y.value();
  }

  Parameters shapes_;
  RowMatrixXd X_;
  Targets y_;
  Loss loss_;
  Tape tape_;
  Eigen::MatrixXd Xb_;
  Targets yb_;
  Eigen::VectorXd chunk_g_;
  std::vector<std::int64_t> all_;
};

}  // namespace nabla::optim
