// Batch normalization over (N, C) batches (PyTorch's batch_norm / BatchNorm1d conventions):
// in training mode each column is normalised with its batch mean and BIASED batch variance;
// in evaluation mode with the running mean and running UNBIASED variance. One matrix record
// with a closed-form backward (no per-element taping).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <optional>

#include <nabla/autodiff/core/mode.hpp>
#include <nabla/autodiff/matrix/mat.hpp>

namespace nabla {

// The running statistics of one batch_norm layer. In evaluation mode batch_norm normalises with
// them; in training mode inside a StatisticsCapture it writes the batch's mean and unbiased
// variance to pending_*, and commit() applies them (once per optimizer step).
struct BatchNormStats final : public StepStatistics {
  Eigen::VectorXd running_mean;          // starts at 0
  Eigen::VectorXd running_var;           // starts at 1
  std::optional<double> momentum = 0.1;  // nullopt: cumulative average (PyTorch's None)
  double eps = 1e-5;
  std::int64_t batches_tracked = 0;
  // Written by batch_norm in training mode inside a StatisticsCapture scope.
  Eigen::VectorXd pending_mean;
  Eigen::VectorXd pending_var;  // unbiased
  bool pending = false;

  explicit BatchNormStats(Eigen::Index channels);
  BatchNormStats(const BatchNormStats&) = default;
  BatchNormStats& operator=(const BatchNormStats&) = default;
  BatchNormStats(BatchNormStats&&) noexcept = default;
  BatchNormStats& operator=(BatchNormStats&&) noexcept = default;
  ~BatchNormStats() override = default;
  [[nodiscard]] Eigen::Index channels() const noexcept { return running_mean.size(); }
  [[nodiscard]] bool has_pending() const noexcept override { return pending; }
  // Applies the pending statistics: r = (1 − m)·r + m·batch, m = momentum or 1/batches_tracked.
  void commit() override;
  void discard() noexcept override { pending = false; }
  // Marks the pending values written (batch_norm calls it).
  void mark_captured() { captured(); }
};

// gamma, beta: 1×C rows.
[[nodiscard]] Mat batch_norm(const Mat& X, const Mat& gamma, const Mat& beta,
                             BatchNormStats& stats);
[[nodiscard]] Mat batch_norm(const Mat& X, BatchNormStats& stats);

}  // namespace nabla
