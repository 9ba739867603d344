// Hyper-parameters as values: a ParamValue is None, an integer, a real or a string (scikit-learn's
// param_grid entries: `"penalty": ["l2", "l1", None]`, `"alpha": [0.01, 0.1]`), and Params maps a
// parameter's name to its value, ordered by name. ParameterGrid enumerates one or several grids in
// scikit-learn's ParameterGrid order: within a grid the names sorted and the last one varying
// fastest; a list of grids concatenated in the order given; an empty grid is one empty Params.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace nabla::optim {

struct None {
  friend bool operator==(None, None) noexcept { return true; }
};
inline constexpr None none{};

using ParamValue = std::variant<None, std::int64_t, double, std::string>;
using Params = std::map<std::string, ParamValue, std::less<>>;

// "None", "3", "0.01" (shortest round-trip), "l2".
[[nodiscard]] std::string to_string(const ParamValue& v);
// "{'alpha': 0.01, 'penalty': 'l2'}", as Python prints a dict.
[[nodiscard]] std::string to_string(const Params& p);
// The value as a double (an integer converts; None, a string: Error naming `name`).
[[nodiscard]] double as_real(const Params& p, const std::string& name);
[[nodiscard]] std::int64_t as_integer(const Params& p, const std::string& name);
// The string, or "None" for None (categorical choices such as the penalty).
[[nodiscard]] std::string as_text(const Params& p, const std::string& name);

// One grid: each name with its list of values.
using Grid = std::map<std::string, std::vector<ParamValue>, std::less<>>;

class ParameterGrid {
 public:
  ParameterGrid(Grid grid);  // NOLINT(google-explicit-constructor): reads as the Python
  ParameterGrid(std::vector<Grid> grids);
  ParameterGrid(std::initializer_list<Grid> grids);

  [[nodiscard]] std::size_t size() const noexcept;
  // The i-th candidate, in scikit-learn's order; Error past the end.
  [[nodiscard]] Params operator[](std::size_t i) const;
  [[nodiscard]] std::vector<Params> all() const;

 private:
  void validate() const;
  std::vector<Grid> grids_;
};

}  // namespace nabla::optim
