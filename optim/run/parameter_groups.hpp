// Per-block settings of a step-rule run, as torch's parameter groups: a learning-rate
// multiplier, a weight decay of its own (none on biases, say) and frozen blocks, for the named
// blocks of an objective that has them (opt::BatchObjective's opt::Parameters).
//
//   o.groups = {{.blocks = {"b1", "b2"}, .weight_decay = 0.0},   // no decay on the biases
//               {.blocks = {"W1"}, .frozen = true}};             // W1 is not trained
//
// Blocks in no group keep the rule's own lr and weight_decay. Each group's blocks get a state
// of their own (Adam's moments and step count), as torch keeps one per parameter; a frozen
// block takes no step and no state. ‖∇Q‖ (history, StopCriteria::gradient_norm) and gradient
// clipping by norm are over the blocks that are not frozen.
#pragma once

#include <Eigen/Core>

#include <optional>
#include <string>
#include <vector>

namespace nabla::optim {

class Parameters;

struct ParameterGroup {
  std::vector<std::string> blocks;          // names of opt::Parameters blocks
  double lr_scale = 1.0;                    // these blocks' step size: lr_scale × the rule's
  std::optional<double> weight_decay = {};  // replaces the rule's weight_decay here
  bool frozen = false;                      // not updated at all
};

namespace detail {

// A contiguous range of x with one group's settings (blocks in no group: the defaults).
struct GroupSegment {
  Eigen::Index offset = 0;
  Eigen::Index size = 0;
  double lr_scale = 1.0;
  std::optional<double> weight_decay;
  bool frozen = false;
};

// The groups as segments covering x (n entries) in order, adjacent blocks with the same settings
// in one segment. An unknown or twice-named block, a bad lr_scale or weight_decay, groups for an
// objective without blocks, or every block frozen: a nabla::Error naming the option.
std::vector<GroupSegment> resolve_groups(const std::vector<ParameterGroup>& groups,
                                         const Parameters* blocks, Eigen::Index n);

}  // namespace detail

}  // namespace nabla::optim
