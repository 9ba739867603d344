#include <nabla/optim/objectives/capabilities.hpp>

#include <utility>

namespace nabla::optim {

std::string describe(Capabilities c) {
  constexpr std::pair<Capability, const char*> words[] = {
      {Capability::Value, "the value"},
      {Capability::Gradient, "the gradient"},
      {Capability::HessianVector, "the Hessian-vector product"},
      {Capability::Hessian, "the Hessian"},
      {Capability::FiniteSum, "batches of a finite sum"},
  };
  std::string out;
  int count = 0;
  for (const auto& [cap, word] : words) {
    if (!c.has(cap)) continue;
    if (count++ > 0) out += " and ";
    out += word;
  }
  return out.empty() ? std::string("nothing") : out;
}

}  // namespace nabla::optim
