#include <nabla/optim/run/parameter_groups.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstddef>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/objectives/parameters.hpp>

namespace nabla::optim::detail {

std::vector<GroupSegment> resolve_groups(const std::vector<ParameterGroup>& groups,
                                         const Parameters* blocks, Eigen::Index n) {
  if (groups.empty()) return {};
  if (blocks == nullptr)
    throw Error(
        "nabla::optim::minimize: Options.groups names parameter blocks, but this objective has "
        "none (opt::BatchObjective over opt::Parameters has them)");
  if (blocks->size() != n)
    throw ShapeError(
        fmt::format("nabla::optim::minimize: the parameter blocks hold {} entries but x has {}",
                    blocks->size(), n));
  // The group of every block; -1: none.
  std::vector<int> group_of(blocks->count(), -1);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const ParameterGroup& group = groups[g];
    auto fail = [&](const std::string& what) {
      throw Error(fmt::format("nabla::optim::minimize: Options.groups[{}]: {}", g, what));
    };
    if (group.blocks.empty()) fail("names no block");
    if (!(group.lr_scale >= 0.0 && std::isfinite(group.lr_scale)))
      fail(fmt::format("lr_scale = {} must be >= 0 and finite", group.lr_scale));
    if (group.weight_decay && !(*group.weight_decay >= 0.0 && std::isfinite(*group.weight_decay)))
      fail(fmt::format("weight_decay = {} must be >= 0 and finite", *group.weight_decay));
    for (const std::string& name : group.blocks) {
      std::size_t k = 0;
      try {
        k = blocks->index(name);
      } catch (const Error& e) {
        fail(e.what());
      }
      if (group_of[k] >= 0)
        fail(fmt::format("block '{}' is already in Options.groups[{}]", name, group_of[k]));
      group_of[k] = static_cast<int>(g);
    }
  }
  std::vector<GroupSegment> segments;
  bool any_free = false;
  for (std::size_t k = 0; k < blocks->count(); ++k) {
    GroupSegment s{blocks->offset(k), (*blocks)[k].size(), 1.0, std::nullopt, false};
    if (group_of[k] >= 0) {
      const ParameterGroup& group = groups[static_cast<std::size_t>(group_of[k])];
      s.lr_scale = group.lr_scale;
      s.weight_decay = group.weight_decay;
      s.frozen = group.frozen;
    }
    any_free = any_free || !s.frozen;
    if (!segments.empty()) {
      GroupSegment& last = segments.back();
      if (last.lr_scale == s.lr_scale && last.weight_decay == s.weight_decay &&
          last.frozen == s.frozen) {
        last.size += s.size;
        continue;
      }
    }
    segments.push_back(s);
  }
  if (!any_free)
    throw Error("nabla::optim::minimize: Options.groups freezes every block: nothing to train");
  return segments;
}

}  // namespace nabla::optim::detail
