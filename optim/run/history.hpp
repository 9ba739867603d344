// The record of a run: one row per full-batch iteration or per epoch (stochastic), with the
// loss, gradient norm, step size and step length, optionally w; exportable as CSV.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <limits>
#include <nabla/autodiff/core/error.hpp>
#include <string>
#include <vector>

namespace nabla::optim {

struct HistoryRow {
  std::int64_t iteration = 0;  // updates so far
  std::int64_t epoch = 0;      // completed passes over the data
  double loss = 0.0;           // Q(w) (NaN when not evaluated)
  double gradient_norm = 0.0;  // ‖∇Q(w)‖ in StopCriteria::gradient_norm_type (NaN: not evaluated)
  double step_size = 0.0;      // η_t of the last update
  double step_norm = 0.0;      // ‖w_t − w_{t−1}‖ (over the epoch for stochastic rows)
  Eigen::VectorXd x;           // w, when HistoryOptions::record_x
  // StopCriteria::validation(w) and ::metric(w) when set (NaN when not set or not evaluated).
  double validation = std::numeric_limits<double>::quiet_NaN();
  double metric = std::numeric_limits<double>::quiet_NaN();
};

struct History {
  std::vector<HistoryRow> rows;

  // Header iteration,epoch,loss,gradient_norm,step_size,step_norm[,validation][,metric][,x0,x1,…]
  // (validation and metric when some row has them), 17 significant digits.
  [[nodiscard]] std::string to_csv() const;
  // Writes to_csv() to a file; throws nabla::Error naming the path on failure.
  void save_csv(const std::string& path) const;
};

}  // namespace nabla::optim
