// What an objective can evaluate and what a method needs from one. A method states its needs
// (Method::needs(), or a static `needs` member of a user's rule or solver); minimize compares
// them with the objective's before the first evaluation: at compile time when both types are
// known (static_assert naming the capability), else with a nabla::Error naming it.
#pragma once

#include <cstdint>
#include <string>

namespace nabla::optim {

enum class Capability : std::uint8_t {
  Value = 1,          // Q(w) without derivatives
  Gradient = 2,       // Q(w) and ∇Q(w)
  HessianVector = 4,  // ∇²Q(w)·v
  Hessian = 8,        // ∇²Q(w)
  FiniteSum = 16,     // (1/|B|) Σ_{i∈B} qᵢ(w) and its gradient over a batch B of terms
};

class Capabilities {
 public:
  constexpr Capabilities() = default;
  constexpr Capabilities(Capability c) : bits_(static_cast<std::uint8_t>(c)) {}  // NOLINT
  [[nodiscard]] constexpr bool has(Capability c) const {
    return (bits_ & static_cast<std::uint8_t>(c)) != 0;
  }
  // Every capability of `needed` is here.
  [[nodiscard]] constexpr bool covers(Capabilities needed) const {
    return (needed.bits_ & ~bits_) == 0;
  }
  [[nodiscard]] constexpr Capabilities missing(Capabilities needed) const {
    Capabilities m;
    m.bits_ = static_cast<std::uint8_t>(needed.bits_ & ~bits_);
    return m;
  }
  friend constexpr Capabilities operator|(Capabilities a, Capabilities b) {
    Capabilities c;
    c.bits_ = static_cast<std::uint8_t>(a.bits_ | b.bits_);
    return c;
  }
  friend constexpr bool operator==(Capabilities, Capabilities) = default;

 private:
  std::uint8_t bits_ = 0;
};

constexpr Capabilities operator|(Capability a, Capability b) {
  return Capabilities(a) | Capabilities(b);
}

// "the gradient and the Hessian–vector product": the capabilities in c, in words.
std::string describe(Capabilities c);

}  // namespace nabla::optim
