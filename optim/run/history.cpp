#include <nabla/optim/run/history.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iterator>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

std::string History::to_csv() const {
  std::string out = "iteration,epoch,loss,gradient_norm,step_size,step_norm";
  const bool validation = std::any_of(
      rows.begin(), rows.end(), [](const HistoryRow& r) { return !std::isnan(r.validation); });
  const bool metric = std::any_of(rows.begin(), rows.end(),
                                  [](const HistoryRow& r) { return !std::isnan(r.metric); });
  if (validation) out += ",validation";
  if (metric) out += ",metric";
  const Eigen::Index nx = rows.empty() ? 0 : rows.front().x.size();
  for (Eigen::Index i = 0; i < nx; ++i) fmt::format_to(std::back_inserter(out), ",x{}", i);
  out += '\n';
  for (const auto& r : rows) {
    fmt::format_to(std::back_inserter(out), "{},{},{:.17g},{:.17g},{:.17g},{:.17g}", r.iteration,
                   r.epoch, r.loss, r.gradient_norm, r.step_size, r.step_norm);
    if (validation) fmt::format_to(std::back_inserter(out), ",{:.17g}", r.validation);
    if (metric) fmt::format_to(std::back_inserter(out), ",{:.17g}", r.metric);
    for (Eigen::Index i = 0; i < r.x.size(); ++i)
      fmt::format_to(std::back_inserter(out), ",{:.17g}", r.x[i]);
    out += '\n';
  }
  return out;
}

void History::save_csv(const std::string& path) const {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr)
    throw Error(fmt::format("nabla::optim::History::save_csv: cannot open '{}': {}", path,
                            std::strerror(errno)));
  const std::string text = to_csv();
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok)
    throw Error(fmt::format("nabla::optim::History::save_csv: writing '{}' failed", path));
}

}  // namespace nabla::optim
