#include <nabla/autodiff/teaching/label.hpp>

#include <map>
#include <mutex>
#include <utility>

namespace nabla {

namespace {
struct Labels {
  std::mutex mutex;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::string> names;
};
Labels& labels() {
  static Labels table;
  return table;
}
}  // namespace

const Var& label(const Var& v, std::string name) {
  if (v.is_constant()) return v;
  Labels& t = labels();
  const std::lock_guard lock(t.mutex);
  t.names[{v.stamp(), v.index()}] = std::move(name);
  return v;
}

std::string label_of(std::uint32_t stamp, std::uint32_t index) {
  Labels& t = labels();
  const std::lock_guard lock(t.mutex);
  const auto it = t.names.find({stamp, index});
  return it == t.names.end() ? std::string() : it->second;
}

void clear_labels() {
  Labels& t = labels();
  const std::lock_guard lock(t.mutex);
  t.names.clear();
}

}  // namespace nabla
