// Seeded weight initialisation (000_…txt): standard normal, zeros or a constant, optionally
// with the bias coordinate set to zero; and for a network's weight blocks, Xavier/Glorot and He
// (Kaiming) draws. The same seed gives the same values on every platform.
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

// A fan_in × fan_out weight block (the W of X·W + b), PyTorch's definitions:
//   XavierUniform  U(−a, a), a = gain·√(6 / (fan_in + fan_out))   (Glorot & Bengio 2010)
//   XavierNormal   N(0, σ²), σ = gain·√(2 / (fan_in + fan_out))
//   HeUniform      U(−a, a), a = gain·√(3 / fan_in)               (He et al. 2015; fan_in mode)
//   HeNormal       N(0, σ²), σ = gain / √fan_in
// gain defaults to 1 for Xavier (tanh layers: 5/3) and to √2 for He (ReLU layers). Biases
// start at zero: Eigen::RowVectorXd::Zero(fan_out).
enum class WeightInit { XavierUniform, XavierNormal, HeUniform, HeNormal };

struct WeightInitOptions {
  WeightInit kind = WeightInit::XavierUniform;
  std::optional<double> gain = {};  // empty: 1 for Xavier, √2 for He
  std::uint64_t seed = 0;
};

Eigen::MatrixXd initialize_weights(Eigen::Index fan_in, Eigen::Index fan_out,
                                   const WeightInitOptions& options = {});

}  // namespace nabla::optim
