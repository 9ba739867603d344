// Seeded weight initialisation (000_…txt): standard normal, zeros or a constant, optionally
// with the bias coordinate set to zero. The same seed gives the same vector on every platform.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <nabla/autodiff/core/error.hpp>
#include <optional>

namespace nabla::optim {

enum class Init { StandardNormal, Zeros, Constant };

struct InitOptions {
  Init kind = Init::StandardNormal;
  double value = 0.0;  // for Init::Constant
  double scale = 1.0;  // multiplies the normal draws
  std::optional<Eigen::Index> zero_bias =
      {};  // this coordinate starts at 0 ("bias is best set to 0")
  std::uint64_t seed = 0;
};

Eigen::VectorXd initialize(Eigen::Index n, const InitOptions& options = {});

}  // namespace nabla::optim
