// The per-run state of a step rule: the step counter and the rule's moment buffers. One plain
// struct for every rule so that a run can be saved, loaded and resumed bit-for-bit
// (optim/run_state.hpp) without each rule writing its own serialisation.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace nabla::optim {

struct StepState {
  std::int64_t t = 0;                    // updates taken so far
  std::vector<Eigen::VectorXd> buffers;  // moment buffers, meaning fixed by the rule
  std::vector<double> scalars;           // scalar state (Nadam's running μ product)

  friend bool operator==(const StepState& a, const StepState& b) {
    if (a.t != b.t || a.scalars != b.scalars || a.buffers.size() != b.buffers.size()) return false;
    for (std::size_t k = 0; k < a.buffers.size(); ++k)
      if (a.buffers[k].size() != b.buffers[k].size() || a.buffers[k] != b.buffers[k]) return false;
    return true;
  }
};

namespace detail {
inline void zero_buffers(StepState& s, std::size_t count, Eigen::Index n) {
  s.t = 0;
  s.buffers.assign(count, Eigen::VectorXd::Zero(n));
  s.scalars.clear();
}
}  // namespace detail

}  // namespace nabla::optim
