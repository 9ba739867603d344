// A named search space for hyper-parameter searches: real dimensions (optionally log-scale),
// integer ones (optionally log) and categorical ones (a list of ParamValues). Every point maps to
// and from the unit box [0, 1]^d, where the searchers work (the GP of Bayesian optimisation sees
// unit-box inputs):
//   Real{a, b}            u ↦ a + u(b − a)              (log: exp(ln a + u(ln b − ln a)))
//   Integer{a, b}         u ↦ round(a + u(b − a))       (log: round of the log-uniform map)
//   Categorical{v₀…v_{m−1}} u ↦ v_⌊u·m⌋ (clamped), vᵢ ↦ (i + ½)/m: an index, not one-hot.
// Dimensions are kept in the order added; Params are ordered by name, so names must be unique.
#pragma once

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nabla/optim/run/random.hpp>
#include <nabla/optim/tuning/params.hpp>

namespace nabla::optim {

struct Real {
  double low = 0.0;
  double high = 1.0;
  bool log = false;
};
struct Integer {
  std::int64_t low = 0;
  std::int64_t high = 1;
  bool log = false;
};
struct Categorical {
  std::vector<ParamValue> values;
};
using Dimension = std::variant<Real, Integer, Categorical>;

class Space {
 public:
  Space() = default;
  Space(std::initializer_list<std::pair<std::string, Dimension>> dims);

  // Error: a repeated name, low ≥ high, a log dimension with a bound ≤ 0, no categories.
  Space& add(std::string name, Dimension dim);

  [[nodiscard]] std::size_t size() const noexcept { return dims_.size(); }
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
  [[nodiscard]] const Dimension& dimension(std::size_t i) const { return dims_.at(i); }
  // Error naming the unknown name.
  [[nodiscard]] const Dimension& dimension(std::string_view name) const;
  [[nodiscard]] std::size_t index(std::string_view name) const;

  // u ∈ [0, 1]^d (clamped into it; Error on the wrong size or a NaN) → Params.
  [[nodiscard]] Params from_unit(const Eigen::VectorXd& u) const;
  // Params → the unit box. Error: a missing name, a value outside its dimension, a category not
  // in the list, a name the space does not have.
  [[nodiscard]] Eigen::VectorXd to_unit(const Params& p) const;
  // u moved to the point it stands for (integers and categories snapped): to_unit(from_unit(u)).
  [[nodiscard]] Eigen::VectorXd snap(const Eigen::VectorXd& u) const;
  // One independent draw: uniform, log-uniform for log dimensions, a uniform category.
  [[nodiscard]] Params sample(Rng& rng) const;

  // Every dimension categorical: the space is a finite grid.
  [[nodiscard]] bool all_categorical() const noexcept;
  [[nodiscard]] Grid grid() const;  // its grid (Error unless all_categorical())

 private:
  std::vector<std::string> names_;
  std::vector<Dimension> dims_;
};

}  // namespace nabla::optim
