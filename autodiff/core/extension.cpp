#include <nabla/autodiff/core/extension.hpp>

#include <fmt/format.h>

#include <nabla/autodiff/core/error.hpp>

namespace nabla {

void Extension::unsupported(std::string_view what) const {
  throw Error(fmt::format("nabla: the operation '{}' does not support {}", name(), what));
}

double Extension::tangent(const Tape& /*tape*/, const double* /*tangents*/) {
  unsupported("forward mode (jvp)");
}
double Extension::output_tangent(std::uint32_t /*output*/) const {
  unsupported("forward mode (jvp)");
}
Dual Extension::forward_dual(const Dual* /*values*/) { unsupported("second derivatives"); }
Dual Extension::output_dual(std::uint32_t /*output*/) const { unsupported("second derivatives"); }
void Extension::reverse_dual(Dual /*own_adjoint*/, const Dual* /*values*/, Dual* /*adjoints*/) {
  unsupported("second derivatives");
}
void Extension::add_output_adjoint_dual(std::uint32_t /*output*/, Dual /*adjoint*/) {
  unsupported("second derivatives");
}

}  // namespace nabla
