#include <nabla/optim/objectives/parameters.hpp>

#include <fmt/format.h>

#include <cmath>
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

Parameters& Parameters::add_batch_norm(std::string name, Eigen::Index channels,
                                       std::optional<double> momentum, double eps) {
  if (channels <= 0)
    throw ShapeError(fmt::format(
        "nabla::optim::Parameters::add_batch_norm: layer '{}' needs channels > 0, got {}", name,
        channels));
  if (momentum && !(*momentum > 0.0 && *momentum <= 1.0))
    throw Error(fmt::format(
        "nabla::optim::Parameters::add_batch_norm: layer '{}': momentum {} is not in (0, 1]", name,
        *momentum));
  if (!(eps >= 0.0) || !std::isfinite(eps))
    throw Error(fmt::format(
        "nabla::optim::Parameters::add_batch_norm: layer '{}': eps {} is not finite and >= 0", name,
        eps));
  for (const Norm& n : norms_)
    if (n.name == name)
      throw Error(fmt::format(
          "nabla::optim::Parameters::add_batch_norm: a layer is already called '{}'", name));
  add(name + ".gamma", Eigen::MatrixXd::Ones(1, channels));
  add(name + ".beta", Eigen::MatrixXd::Zero(1, channels));
  BatchNormStats stats(channels);
  stats.momentum = momentum;
  stats.eps = eps;
  norms_.push_back({std::move(name), std::move(stats)});
  return *this;
}

std::size_t Parameters::norm_index(std::string_view name) const {
  for (std::size_t k = 0; k < norms_.size(); ++k)
    if (norms_[k].name == name) return k;
  std::string names;
  for (const Norm& n : norms_) names += fmt::format("{}{}", names.empty() ? "" : ", ", n.name);
  throw Error(
      fmt::format("nabla::optim::Parameters: no batch-norm layer is called '{}' (layers: {})", name,
                  names.empty() ? "none; add one with add_batch_norm" : names));
}

BatchNormStats& Parameters::stats(std::string_view name) { return norms_[norm_index(name)].stats; }
const BatchNormStats& Parameters::stats(std::string_view name) const {
  return norms_[norm_index(name)].stats;
}

Eigen::VectorXd Parameters::statistics() const {
  Eigen::Index n = 0;
  for (const Norm& m : norms_) n += 1 + 2 * m.stats.channels();
  Eigen::VectorXd v(n);
  Eigen::Index at = 0;
  for (const Norm& m : norms_) {
    const Eigen::Index c = m.stats.channels();
    v(at++) = static_cast<double>(m.stats.batches_tracked);
    v.segment(at, c) = m.stats.running_mean;
    at += c;
    v.segment(at, c) = m.stats.running_var;
    at += c;
  }
  return v;
}

void Parameters::set_statistics(const Eigen::VectorXd& packed) {
  if (packed.size() != statistics().size())
    throw ShapeError(fmt::format(
        "nabla::optim::Parameters::set_statistics: {} numbers given, the {} batch-norm layers "
        "hold {}",
        packed.size(), norms_.size(), statistics().size()));
  Eigen::Index at = 0;
  for (Norm& m : norms_) {
    const Eigen::Index c = m.stats.channels();
    m.stats.batches_tracked = static_cast<std::int64_t>(packed(at++));
    m.stats.running_mean = packed.segment(at, c);
    at += c;
    m.stats.running_var = packed.segment(at, c);
    at += c;
    m.stats.discard();
  }
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
  for (const Norm& m : norms_) {
    fmt::format_to(std::back_inserter(out), "batch_norm {} {} {}", m.name, m.stats.channels(),
                   m.stats.batches_tracked);
    for (const Eigen::VectorXd* v : {&m.stats.running_mean, &m.stats.running_var})
      for (Eigen::Index i = 0; i < v->size(); ++i)
        fmt::format_to(std::back_inserter(out), " {:a}", (*v)(i));
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
  for (Norm& m : norms_) {
    if (word() != "batch_norm" || word() != m.name)
      fail(fmt::format("expected the statistics of batch-norm layer '{}'", m.name));
    const long c = std::strtol(word().c_str(), nullptr, 10);
    if (c != m.stats.channels())
      fail(fmt::format("batch-norm layer '{}' has {} channels in the file but {} here", m.name, c,
                       m.stats.channels()));
    const long long tracked = std::strtoll(word().c_str(), nullptr, 10);
    for (Eigen::VectorXd* v : {&m.stats.running_mean, &m.stats.running_var})
      for (Eigen::Index i = 0; i < v->size(); ++i) {
        const std::string t = word();
        char* end = nullptr;
        (*v)(i) = std::strtod(t.c_str(), &end);
        if (t.empty() || *end != '\0')
          fail(fmt::format("batch-norm layer '{}': '{}' is not a number", m.name, t));
      }
    m.stats.batches_tracked = tracked;
    m.stats.discard();
  }
}

Mat Blocks::batch_norm(std::string_view name, const Mat& X) const {
  const std::string n(name);
  return nabla::batch_norm(X, (*this)[n + ".gamma"], (*this)[n + ".beta"], shapes_.stats(name));
}

}  // namespace nabla::optim
