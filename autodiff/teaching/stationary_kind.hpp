// What the second-order check says about a point (stationary_point.hpp computes it): the
// Hessian's eigenvalues at a point where the gradient vanishes. Its own small header so that
// optim's Result can name it without pulling in <Eigen/Eigenvalues>.
#pragma once

#include <string_view>

namespace nabla {

enum class StationaryKind { NotStationary, LocalMinimum, LocalMaximum, Saddle, Undecided };

constexpr std::string_view to_string(StationaryKind k) noexcept {
  switch (k) {
    case StationaryKind::NotStationary: return "not a stationary point";
    case StationaryKind::LocalMinimum: return "local minimum";
    case StationaryKind::LocalMaximum: return "local maximum";
    case StationaryKind::Saddle: return "saddle point";
    case StationaryKind::Undecided: return "undecided (a zero eigenvalue)";
  }
  return "?";
}

}  // namespace nabla
