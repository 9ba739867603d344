#include <nabla/optim/tools/init.hpp>

#include <fmt/format.h>

#include <cmath>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/run/random.hpp>

namespace nabla::optim {

Eigen::VectorXd initialize(Eigen::Index n, const InitOptions& o) {
  if (n < 0) throw ShapeError(fmt::format("nabla::optim::initialize: negative size {}", n));
  Eigen::VectorXd w(n);
  Rng rng(o.seed);
  for (Eigen::Index i = 0; i < n; ++i) {
    switch (o.kind) {
      case Init::StandardNormal: w[i] = o.scale * rng.normal(); break;
      case Init::Zeros: w[i] = 0.0; break;
      case Init::Constant: w[i] = o.value; break;
    }
  }
  if (o.zero_bias) {
    if (*o.zero_bias < 0 || *o.zero_bias >= n)
      throw ShapeError(fmt::format("nabla::optim::initialize: zero_bias index {} outside 0..{}",
                                   *o.zero_bias, n - 1));
    w[*o.zero_bias] = 0.0;
  }
  return w;
}

Eigen::MatrixXd initialize_weights(Eigen::Index fan_in, Eigen::Index fan_out,
                                   const WeightInitOptions& o) {
  if (fan_in <= 0 || fan_out <= 0)
    throw ShapeError(fmt::format(
        "nabla::optim::initialize_weights: fan_in and fan_out must be positive, got {}×{}", fan_in,
        fan_out));
  const bool he = o.kind == WeightInit::HeUniform || o.kind == WeightInit::HeNormal;
  const double gain = o.gain.value_or(he ? std::sqrt(2.0) : 1.0);
  if (!(gain > 0.0) || !std::isfinite(gain))
    throw Error(fmt::format("nabla::optim::initialize_weights: gain {} must be positive", gain));
  const auto in = static_cast<double>(fan_in), out = static_cast<double>(fan_out);
  double bound = 0.0, sigma = 0.0;
  switch (o.kind) {
    case WeightInit::XavierUniform: bound = gain * std::sqrt(6.0 / (in + out)); break;
    case WeightInit::XavierNormal: sigma = gain * std::sqrt(2.0 / (in + out)); break;
    case WeightInit::HeUniform: bound = gain * std::sqrt(3.0 / in); break;
    case WeightInit::HeNormal: sigma = gain / std::sqrt(in); break;
  }
  Eigen::MatrixXd w(fan_in, fan_out);
  Rng rng(o.seed);
  for (Eigen::Index k = 0; k < w.size(); ++k)
    w(k) = bound > 0.0 ? bound * (2.0 * rng.uniform() - 1.0) : sigma * rng.normal();
  return w;
}

}  // namespace nabla::optim
