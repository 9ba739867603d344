#include <nabla/optim/tools/init.hpp>

#include <fmt/format.h>

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

}  // namespace nabla::optim
