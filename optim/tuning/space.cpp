// Space: validation and the maps to and from the unit box.
#include <nabla/optim/tuning/space.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

bool same_value(const ParamValue& a, const ParamValue& b) { return a == b; }

}  // namespace

Space::Space(std::initializer_list<std::pair<std::string, Dimension>> dims) {
  for (const auto& [name, dim] : dims) add(name, dim);
}

Space& Space::add(std::string name, Dimension dim) {
  if (std::find(names_.begin(), names_.end(), name) != names_.end())
    throw Error(fmt::format("nabla::optim::Space::add: the name '{}' is already taken", name));
  std::visit(Overloaded{
                 [&](const Real& r) {
                   if (!(std::isfinite(r.low) && std::isfinite(r.high) && r.low < r.high))
                     throw Error(
                         fmt::format("nabla::optim::Space::add: '{}': Real low = {} must "
                                     "be < high = {} (both finite)",
                                     name, r.low, r.high));
                   if (r.log && r.low <= 0.0)
                     throw Error(
                         fmt::format("nabla::optim::Space::add: '{}': a log Real needs "
                                     "low > 0, not low = {}",
                                     name, r.low));
                 },
                 [&](const Integer& r) {
                   if (r.low >= r.high)
                     throw Error(
                         fmt::format("nabla::optim::Space::add: '{}': Integer low = {} "
                                     "must be < high = {}",
                                     name, r.low, r.high));
                   if (r.log && r.low <= 0)
                     throw Error(
                         fmt::format("nabla::optim::Space::add: '{}': a log Integer needs "
                                     "low > 0, not low = {}",
                                     name, r.low));
                 },
                 [&](const Categorical& c) {
                   if (c.values.empty())
                     throw Error(fmt::format(
                         "nabla::optim::Space::add: '{}': Categorical has no values", name));
                 },
             },
             dim);
  names_.push_back(std::move(name));
  dims_.push_back(std::move(dim));
  return *this;
}

std::size_t Space::index(std::string_view name) const {
  const auto it = std::find(names_.begin(), names_.end(), name);
  if (it == names_.end())
    throw Error(fmt::format("nabla::optim::Space: no dimension named '{}'", name));
  return static_cast<std::size_t>(it - names_.begin());
}

const Dimension& Space::dimension(std::string_view name) const { return dims_[index(name)]; }

Params Space::from_unit(const Eigen::VectorXd& u) const {
  if (static_cast<std::size_t>(u.size()) != size())
    throw Error(fmt::format("nabla::optim::Space::from_unit: u has size {}, the space {}", u.size(),
                            size()));
  Params p;
  for (std::size_t i = 0; i < size(); ++i) {
    const double ui = u[static_cast<Eigen::Index>(i)];
    if (std::isnan(ui))
      throw Error(fmt::format("nabla::optim::Space::from_unit: u[{}] ('{}') is NaN", i, names_[i]));
    const double t = std::clamp(ui, 0.0, 1.0);
    p[names_[i]] = std::visit(
        Overloaded{
            [&](const Real& r) -> ParamValue {
              if (t == 0.0) return r.low;  // the bounds exactly, not exp(log(low))
              if (t == 1.0) return r.high;
              if (!r.log) return std::min(r.high, r.low + t * (r.high - r.low));
              const double a = std::log(r.low), b = std::log(r.high);
              return std::clamp(std::exp(a + t * (b - a)), r.low, r.high);
            },
            [&](const Integer& r) -> ParamValue {
              const double lo = static_cast<double>(r.low), hi = static_cast<double>(r.high);
              double v = lo + t * (hi - lo);
              if (r.log) v = std::exp(std::log(lo) + t * (std::log(hi) - std::log(lo)));
              return std::clamp(static_cast<std::int64_t>(std::llround(v)), r.low, r.high);
            },
            [&](const Categorical& c) -> ParamValue {
              const auto m = c.values.size();
              const auto k = std::min(m - 1, static_cast<std::size_t>(t * static_cast<double>(m)));
              return c.values[k];
            },
        },
        dims_[i]);
  }
  return p;
}

Eigen::VectorXd Space::to_unit(const Params& p) const {
  for (const auto& [name, v] : p)
    if (std::find(names_.begin(), names_.end(), name) == names_.end())
      throw Error(fmt::format("nabla::optim::Space::to_unit: no dimension named '{}'", name));
  Eigen::VectorXd u(static_cast<Eigen::Index>(size()));
  for (std::size_t i = 0; i < size(); ++i) {
    const auto it = p.find(names_[i]);
    if (it == p.end())
      throw Error(fmt::format("nabla::optim::Space::to_unit: the Params have no '{}'", names_[i]));
    const ParamValue& v = it->second;
    u[static_cast<Eigen::Index>(i)] = std::visit(
        Overloaded{
            [&](const Real& r) {
              const double x = as_real(p, names_[i]);
              if (!(x >= r.low && x <= r.high))
                throw Error(
                    fmt::format("nabla::optim::Space::to_unit: '{}' = {} is outside [{}, {}]",
                                names_[i], x, r.low, r.high));
              if (!r.log) return (x - r.low) / (r.high - r.low);
              return (std::log(x) - std::log(r.low)) / (std::log(r.high) - std::log(r.low));
            },
            [&](const Integer& r) {
              const std::int64_t x = as_integer(p, names_[i]);
              if (x < r.low || x > r.high)
                throw Error(
                    fmt::format("nabla::optim::Space::to_unit: '{}' = {} is outside [{}, {}]",
                                names_[i], x, r.low, r.high));
              const double lo = static_cast<double>(r.low), hi = static_cast<double>(r.high);
              const double xd = static_cast<double>(x);
              if (!r.log) return (xd - lo) / (hi - lo);
              return (std::log(xd) - std::log(lo)) / (std::log(hi) - std::log(lo));
            },
            [&](const Categorical& c) {
              for (std::size_t k = 0; k < c.values.size(); ++k)
                if (same_value(c.values[k], v))
                  return (static_cast<double>(k) + 0.5) / static_cast<double>(c.values.size());
              throw Error(
                  fmt::format("nabla::optim::Space::to_unit: '{}' = {} is not one of its "
                              "categories",
                              names_[i], to_string(v)));
            },
        },
        dims_[i]);
  }
  return u;
}

Eigen::VectorXd Space::snap(const Eigen::VectorXd& u) const {
  Eigen::VectorXd s = u.cwiseMax(0.0).cwiseMin(1.0);
  for (std::size_t i = 0; i < size(); ++i)
    if (!std::holds_alternative<Real>(dims_[i])) {
      const Eigen::Index k = static_cast<Eigen::Index>(i);
      Eigen::VectorXd one = s;
      s[k] = to_unit(from_unit(one))[k];
    }
  return s;
}

Params Space::sample(Rng& rng) const {
  Eigen::VectorXd u(static_cast<Eigen::Index>(size()));
  for (Eigen::Index i = 0; i < u.size(); ++i) u[i] = rng.uniform();
  // Integers: each equally likely (log: floor of a log-uniform draw on [low, high + 1)), not the
  // rounded map's half-size end cells.
  Params p = from_unit(u);
  for (std::size_t i = 0; i < size(); ++i)
    if (const auto* r = std::get_if<Integer>(&dims_[i])) {
      const double t = u[static_cast<Eigen::Index>(i)];
      std::int64_t v = 0;
      if (!r->log) {
        v = r->low + static_cast<std::int64_t>(t * static_cast<double>(r->high - r->low + 1));
      } else {
        const double a = std::log(static_cast<double>(r->low));
        const double b = std::log(static_cast<double>(r->high) + 1.0);
        v = static_cast<std::int64_t>(std::floor(std::exp(a + t * (b - a))));
      }
      p[names_[i]] = std::clamp(v, r->low, r->high);
    }
  return p;
}

bool Space::all_categorical() const noexcept {
  return !dims_.empty() && std::all_of(dims_.begin(), dims_.end(), [](const Dimension& d) {
    return std::holds_alternative<Categorical>(d);
  });
}

Grid Space::grid() const {
  if (!all_categorical())
    throw Error("nabla::optim::Space::grid: the space has a non-categorical dimension");
  Grid g;
  for (std::size_t i = 0; i < size(); ++i) g[names_[i]] = std::get<Categorical>(dims_[i]).values;
  return g;
}

}  // namespace nabla::optim
