// Compile-time probe: one loss, one derivative call, through the scalar header (no Eigen).
#include <nabla/autodiff/scalar.hpp>

int main() {
  const double d = nabla::derivative([](nabla::Var x) { return exp(x) * sin(x) + x * x; }, 0.5);
  return d > 0.0 ? 0 : 1;
}
