#include <nabla/optim/tuning/params.hpp>

#include <fmt/format.h>

#include <cmath>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

std::string to_string(const ParamValue& v) {
  struct Print {
    std::string operator()(None) const { return "None"; }
    std::string operator()(std::int64_t i) const { return fmt::format("{}", i); }
    std::string operator()(double d) const {
      if (std::isfinite(d) && d == std::floor(d) && std::abs(d) < 1e16)
        return fmt::format("{:.1f}", d);  // Python prints 1.0, not 1
      return fmt::format("{}", d);
    }
    std::string operator()(const std::string& s) const { return s; }
  };
  return std::visit(Print{}, v);
}

std::string to_string(const Params& p) {
  std::string out = "{";
  for (const auto& [name, value] : p) {
    if (out.size() > 1) out += ", ";
    const bool text = std::holds_alternative<std::string>(value);
    out += fmt::format("'{}': {}{}{}", name, text ? "'" : "", to_string(value), text ? "'" : "");
  }
  return out + "}";
}

namespace {
const ParamValue& lookup(const Params& p, const std::string& name) {
  const auto it = p.find(name);
  if (it == p.end())
    throw Error(fmt::format("nabla::optim: no parameter '{}' in {}", name, to_string(p)));
  return it->second;
}
}  // namespace

double as_real(const Params& p, const std::string& name) {
  const ParamValue& v = lookup(p, name);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  throw Error(fmt::format("nabla::optim: parameter '{}' is {}, not a number", name, to_string(v)));
}

std::int64_t as_integer(const Params& p, const std::string& name) {
  const ParamValue& v = lookup(p, name);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v); d && *d == std::floor(*d) && std::abs(*d) < 9e15)
    return static_cast<std::int64_t>(*d);
  throw Error(
      fmt::format("nabla::optim: parameter '{}' is {}, not an integer", name, to_string(v)));
}

std::string as_text(const Params& p, const std::string& name) {
  const ParamValue& v = lookup(p, name);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (std::holds_alternative<None>(v)) return "None";
  throw Error(fmt::format("nabla::optim: parameter '{}' is {}, not a choice", name, to_string(v)));
}

ParameterGrid::ParameterGrid(Grid grid) : grids_{std::move(grid)} { validate(); }
ParameterGrid::ParameterGrid(std::vector<Grid> grids) : grids_(std::move(grids)) { validate(); }
ParameterGrid::ParameterGrid(std::initializer_list<Grid> grids) : grids_(grids) { validate(); }

void ParameterGrid::validate() const {
  for (const Grid& g : grids_)
    for (const auto& [name, values] : g)
      if (values.empty())
        throw Error(fmt::format(
            "nabla::optim::ParameterGrid: parameter '{}' has no values (scikit-learn raises "
            "the same: a grid entry must be a non-empty list)",
            name));
}

std::size_t ParameterGrid::size() const noexcept {
  std::size_t total = 0;
  for (const Grid& g : grids_) {
    std::size_t n = 1;
    for (const auto& entry : g) n *= entry.second.size();
    total += n;
  }
  return total;
}

Params ParameterGrid::operator[](std::size_t i) const {
  std::size_t index = i;
  for (const Grid& g : grids_) {
    std::size_t n = 1;
    for (const auto& entry : g) n *= entry.second.size();
    if (index >= n) {
      index -= n;
      continue;
    }
    // Mixed radix with the last (largest) name varying fastest: itertools.product's order.
    Params out;
    for (auto it = g.rbegin(); it != g.rend(); ++it) {  // NOLINT(modernize-loop-convert)
      const std::size_t k = it->second.size();
      out.emplace(it->first, it->second[index % k]);
      index /= k;
    }
    return out;
  }
  throw Error(
      fmt::format("nabla::optim::ParameterGrid: index {} past the {} candidates", i, size()));
}

std::vector<Params> ParameterGrid::all() const {
  std::vector<Params> out;
  out.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) out.push_back((*this)[i]);
  return out;
}

}  // namespace nabla::optim
