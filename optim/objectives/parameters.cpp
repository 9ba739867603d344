#include <nabla/optim/objectives/parameters.hpp>

#include <fmt/format.h>

#include <cstdlib>
#include <iterator>
#include <utility>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

Parameters& Parameters::add(std::string name, Eigen::MatrixXd value) {
  for (const Block& b : blocks_)
    if (b.name == name)
      throw Error(
          fmt::format("nabla::optim::Parameters::add: a block is already called '{}'", name));
  if (value.size() == 0)
    throw ShapeError(fmt::format("nabla::optim::Parameters::add: block '{}' is empty", name));
  const Eigen::Index n = value.size();
  blocks_.push_back({std::move(name), std::move(value), size_});
  size_ += n;
  return *this;
}

std::size_t Parameters::index(std::string_view name) const {
  for (std::size_t k = 0; k < blocks_.size(); ++k)
    if (blocks_[k].name == name) return k;
  std::string names;
  for (const Block& b : blocks_) names += fmt::format("{}{}", names.empty() ? "" : ", ", b.name);
  throw Error(
      fmt::format("nabla::optim::Parameters: no block is called '{}' (blocks: {})", name, names));
}

Eigen::VectorXd Parameters::pack() const {
  Eigen::VectorXd x(size_);
  for (const Block& b : blocks_) x.segment(b.offset, b.value.size()) = b.value.reshaped();
  return x;
}

void Parameters::assign(const Eigen::VectorXd& x) {
  if (x.size() != size_)
    throw ShapeError(fmt::format(
        "nabla::optim::Parameters::assign: x has size {} but the blocks hold {} entries", x.size(),
        size_));
  for (Block& b : blocks_) b.value.reshaped() = x.segment(b.offset, b.value.size());
}

Parameters Parameters::with(const Eigen::VectorXd& x) const {
  Parameters p = *this;
  p.assign(x);
  return p;
}

std::string Parameters::save() const {
  std::string out = "nabla_parameters 1\n";
  for (const Block& b : blocks_) {
    fmt::format_to(std::back_inserter(out), "{} {} {}", b.name, b.value.rows(), b.value.cols());
    for (Eigen::Index i = 0; i < b.value.size(); ++i)
      fmt::format_to(std::back_inserter(out), " {:a}", b.value.reshaped()[i]);
    out += '\n';
  }
  return out;
}

void Parameters::load(std::string_view text) {
  auto fail = [](const std::string& why) {
    throw Error(fmt::format("nabla::optim::Parameters::load: {}", why));
  };
  std::string s(text);
  const char* p = s.c_str();
  auto word = [&]() {
    while (*p == ' ' || *p == '\n') ++p;
    const char* start = p;
    while (*p != '\0' && *p != ' ' && *p != '\n') ++p;
    return std::string(start, p);
  };
  if (word() != "nabla_parameters" || word() != "1") fail("not a nabla parameter file");
  for (Block& b : blocks_) {
    const std::string name = word();
    if (name != b.name)
      fail(fmt::format("expected block '{}', found '{}'", b.name, name.empty() ? "end" : name));
    const long rows = std::strtol(word().c_str(), nullptr, 10);
    const long cols = std::strtol(word().c_str(), nullptr, 10);
    if (rows != b.value.rows() || cols != b.value.cols())
      fail(fmt::format("block '{}' is {}×{} in the file but {}×{} here", name, rows, cols,
                       b.value.rows(), b.value.cols()));
    for (Eigen::Index i = 0; i < b.value.size(); ++i) {
      const std::string v = word();
      char* end = nullptr;
      b.value.reshaped()[i] = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0') fail(fmt::format("block '{}': '{}' is not a number", name, v));
    }
  }
}

}  // namespace nabla::optim
