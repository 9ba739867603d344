// nabla::Var — the active scalar. It carries its value and, when it depends on independent
// variables, the index of its record on a tape and that tape's stamp. A Var built from a double
// is a constant: it records nothing and has no tape.
#pragma once

#include <cstdint>

namespace nabla {

class Tape;

class Var {
 public:
  constexpr Var() noexcept = default;
  // Implicit on purpose: a double is a constant wherever a Var is expected (Eigen needs this).
  constexpr Var(double value) noexcept : value_(value) {}  // NOLINT(google-explicit-constructor)

  // No conversion to double: it would silently drop derivatives. Use value(v).
  explicit operator double() const = delete;

  [[nodiscard]] constexpr double value() const noexcept { return value_; }
  // True when the Var depends on no independent variable.
  [[nodiscard]] constexpr bool is_constant() const noexcept { return stamp_ == 0; }
  // Record index on its tape (meaningful only for non-constants).
  [[nodiscard]] constexpr std::uint32_t index() const noexcept { return index_; }
  // Identifies the tape and its recording generation; 0 for constants.
  [[nodiscard]] constexpr std::uint32_t stamp() const noexcept { return stamp_; }

 private:
  friend class Tape;
  constexpr Var(double value, std::uint32_t index, std::uint32_t stamp) noexcept
      : value_(value), index_(index), stamp_(stamp) {}

  double value_ = 0.0;
  std::uint32_t index_ = 0;
  std::uint32_t stamp_ = 0;
};

static_assert(sizeof(Var) == 16, "Var must stay two words: Eigen matrices of Var depend on it");

[[nodiscard]] constexpr double value(const Var& v) noexcept { return v.value(); }
// So that generic code can call value() on doubles and Vars alike.
[[nodiscard]] constexpr double value(double v) noexcept { return v; }

}  // namespace nabla
