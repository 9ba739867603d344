// Everything a run needs to continue exactly where it stopped: the iterate, the step rule's
// buffers, counters, the random generator, the position in the shuffled epoch, the
// variance-reduction memory and the stopping criteria's memory. save_state/load_state write
// and read it as text with every double in hexadecimal, so a resumed run reproduces the
// uninterrupted one bit for bit.
#pragma once

#include <Eigen/Core>

#include <array>
#include <cstdint>
#include <limits>
#include <nabla/autodiff/core/error.hpp>
#include <string>
#include <string_view>
#include <vector>

#include <nabla/optim/first_order/step_state.hpp>
#include <nabla/optim/run/schedule.hpp>

namespace nabla::optim {

struct RunState {
  std::string method;     // method_name() of the method that produced the state ("adam")
  int method_index = -1;  // nabla 0.1's position of the rule in Method; read from old files only
  Eigen::VectorXd x;
  StepState step;
  std::vector<StepState> group_steps;  // one per parameter-group segment (Options::groups)
  std::int64_t iteration = 0;
  std::int64_t epoch = 0;
  std::int64_t samples = 0;
  std::array<std::uint64_t, 4> rng{};
  Schedule::PlateauState plateau;
  std::vector<std::int64_t> permutation;  // current epoch's sample order
  std::int64_t cursor = 0;                // next position in `permutation`
  Eigen::VectorXd epoch_start_x;          // w when the current epoch began
  double last_loss = std::numeric_limits<double>::quiet_NaN();
  double first_loss = std::numeric_limits<double>::quiet_NaN();
  Eigen::VectorXd best_x;
  double best_value = std::numeric_limits<double>::infinity();
  Eigen::VectorXd valid_best_x;
  double valid_best = std::numeric_limits<double>::infinity();
  std::int64_t valid_bad = 0;
  Eigen::VectorXd average;
  double average_weight = 0.0;
  // Variance reduction: per-sample gradient memory (rows), its sum, which rows are filled.
  Eigen::MatrixXd memory;
  Eigen::VectorXd memory_sum;
  std::vector<std::int64_t> seen;
  std::int64_t seen_count = 0;
  Eigen::VectorXd snapshot_x;     // SVRG w̃
  Eigen::VectorXd snapshot_grad;  // SVRG μ = ∇Q(w̃)
  // The objective's model state (Objective::model_state: batch-norm running statistics), as
  // the run left it; restored when the run resumes. Empty without one.
  Eigen::VectorXd model_state;
};

std::string save_state(const RunState& s);
RunState load_state(std::string_view text);
void save_state_file(const RunState& s, const std::string& path);
RunState load_state_file(const std::string& path);

}  // namespace nabla::optim
