// A formula recorded at a point on a tape of its own, its inputs labelled with the formula's
// variable names (so explain and DOT say x1, y, … rather than record numbers alone).
#pragma once

#include <Eigen/Core>

#include <vector>

#include <nabla/autodiff/core/tape.hpp>
#include <nabla/autodiff/formula/formula.hpp>
#include <nabla/autodiff/teaching/label.hpp>

namespace nabla::cli {

class Recording {
 public:
  Recording(const Formula& f, const Eigen::VectorXd& x) : scope_(tape_) {
    for (Eigen::Index i = 0; i < x.size(); ++i)
      inputs_.push_back(label(tape_.variable(x[i]), f.variables()[static_cast<std::size_t>(i)]));
    outputs_ = f.record(inputs_);
  }
  Recording(const Recording&) = delete;
  Recording& operator=(const Recording&) = delete;

  [[nodiscard]] Tape& tape() noexcept { return tape_; }
  [[nodiscard]] const std::vector<Var>& inputs() const noexcept { return inputs_; }
  [[nodiscard]] const std::vector<Var>& outputs() const noexcept { return outputs_; }

 private:
  Tape tape_;
  TapeScope scope_;
  std::vector<Var> inputs_;
  std::vector<Var> outputs_;
};

}  // namespace nabla::cli
