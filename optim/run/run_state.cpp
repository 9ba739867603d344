#include <nabla/optim/run/run_state.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <utility>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

namespace {

// One line per field: "name count value value …"; doubles as hexadecimal floats ({:a}) so
// that reading them back is exact.
void put(std::string& out, std::string_view name, const double* v, std::size_t n) {
  fmt::format_to(std::back_inserter(out), "{} {}", name, n);
  for (std::size_t i = 0; i < n; ++i) fmt::format_to(std::back_inserter(out), " {:a}", v[i]);
  out += '\n';
}
void put(std::string& out, std::string_view name, double v) { put(out, name, &v, 1); }
void put(std::string& out, std::string_view name, const Eigen::VectorXd& v) {
  put(out, name, v.data(), static_cast<std::size_t>(v.size()));
}
void put_ints(std::string& out, std::string_view name, const std::vector<std::int64_t>& v) {
  fmt::format_to(std::back_inserter(out), "{} {}", name, v.size());
  for (auto k : v) fmt::format_to(std::back_inserter(out), " {}", k);
  out += '\n';
}
void put_int(std::string& out, std::string_view name, std::int64_t v) {
  put_ints(out, name, std::vector<std::int64_t>{v});
}

using Fields = std::map<std::string, std::vector<std::string>, std::less<>>;

Fields parse(std::string_view text) {
  Fields fields;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    std::vector<std::string> tokens;
    std::size_t p = 0;
    while (p < line.size()) {
      while (p < line.size() && line[p] == ' ') ++p;
      std::size_t q = line.find(' ', p);
      if (q == std::string_view::npos) q = line.size();
      if (q > p) tokens.emplace_back(line.substr(p, q - p));
      p = q;
    }
    if (tokens.empty()) continue;
    std::string name = tokens.front();
    tokens.erase(tokens.begin());
    if (tokens.empty() || std::strtoull(tokens[0].c_str(), nullptr, 10) != tokens.size() - 1)
      throw Error(fmt::format("nabla::optim::load_state: malformed field '{}'", name));
    tokens.erase(tokens.begin());
    fields[name] = std::move(tokens);
  }
  return fields;
}

const std::vector<std::string>& field(const Fields& f, std::string_view name) {
  auto it = f.find(name);
  if (it == f.end())
    throw Error(fmt::format("nabla::optim::load_state: field '{}' is missing", name));
  return it->second;
}

double to_double(const std::string& s) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0')
    throw Error(fmt::format("nabla::optim::load_state: '{}' is not a number", s));
  return v;
}

Eigen::VectorXd get_vector(const Fields& f, std::string_view name) {
  const auto& t = field(f, name);
  Eigen::VectorXd v(static_cast<Eigen::Index>(t.size()));
  for (std::size_t i = 0; i < t.size(); ++i) v[static_cast<Eigen::Index>(i)] = to_double(t[i]);
  return v;
}
double get_double(const Fields& f, std::string_view name) { return get_vector(f, name)[0]; }
std::vector<std::int64_t> get_ints(const Fields& f, std::string_view name) {
  std::vector<std::int64_t> v;
  for (const auto& s : field(f, name)) v.push_back(std::strtoll(s.c_str(), nullptr, 10));
  return v;
}
std::int64_t get_int(const Fields& f, std::string_view name) { return get_ints(f, name).at(0); }

}  // namespace

// Format 2 names the method ("method 1 adam"); format 1 (nabla 0.1) numbered the step rule
// by its position in the Method variant, which these names replace.
constexpr std::string_view format1_methods[] = {
    "gradient_descent", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam", "adamw",
    "amsgrad",          "nadam",    "adamax"};

std::string save_state(const RunState& s) {
  if (s.method.empty() || s.method.find_first_of(" \t\n") != std::string::npos)
    throw Error(fmt::format(
        "nabla::optim::save_state: the method name '{}' must be one word (no spaces)", s.method));
  std::string out = "nabla_run_state 1 2\n";
  out += fmt::format("method 1 {}\n", s.method);
  put(out, "x", s.x);
  put_int(out, "step_t", s.step.t);
  put_int(out, "step_buffers", static_cast<std::int64_t>(s.step.buffers.size()));
  for (std::size_t k = 0; k < s.step.buffers.size(); ++k)
    put(out, fmt::format("step_buffer{}", k), s.step.buffers[k]);
  put(out, "step_scalars", s.step.scalars.data(), s.step.scalars.size());
  put_int(out, "group_steps", static_cast<std::int64_t>(s.group_steps.size()));
  for (std::size_t g = 0; g < s.group_steps.size(); ++g) {
    const StepState& st = s.group_steps[g];
    put_int(out, fmt::format("group{}_t", g), st.t);
    put_int(out, fmt::format("group{}_buffers", g), static_cast<std::int64_t>(st.buffers.size()));
    for (std::size_t k = 0; k < st.buffers.size(); ++k)
      put(out, fmt::format("group{}_buffer{}", g, k), st.buffers[k]);
    put(out, fmt::format("group{}_scalars", g), st.scalars.data(), st.scalars.size());
  }
  put_int(out, "iteration", s.iteration);
  put_int(out, "epoch", s.epoch);
  put_int(out, "samples", s.samples);
  {
    std::vector<std::int64_t> r;
    for (auto w : s.rng) r.push_back(static_cast<std::int64_t>(w));
    put_ints(out, "rng", r);
  }
  put(out, "plateau_scale", s.plateau.scale);
  put(out, "plateau_best", s.plateau.best);
  put_int(out, "plateau_bad", s.plateau.bad);
  put_ints(out, "permutation", s.permutation);
  put_int(out, "cursor", s.cursor);
  put(out, "epoch_start_x", s.epoch_start_x);
  put(out, "last_loss", s.last_loss);
  put(out, "first_loss", s.first_loss);
  put(out, "best_x", s.best_x);
  put(out, "best_value", s.best_value);
  put(out, "valid_best_x", s.valid_best_x);
  put(out, "valid_best", s.valid_best);
  put_int(out, "valid_bad", s.valid_bad);
  put(out, "average", s.average);
  put(out, "average_weight", s.average_weight);
  put_int(out, "memory_rows", s.memory.rows());
  put_int(out, "memory_cols", s.memory.cols());
  put(out, "memory", s.memory.data(), static_cast<std::size_t>(s.memory.size()));
  put(out, "memory_sum", s.memory_sum);
  put_ints(out, "seen", s.seen);
  put_int(out, "seen_count", s.seen_count);
  put(out, "snapshot_x", s.snapshot_x);
  put(out, "snapshot_grad", s.snapshot_grad);
  put(out, "model_state", s.model_state);
  return out;
}

RunState load_state(std::string_view text) {
  const Fields f = parse(text);
  if (!f.contains("nabla_run_state"))
    throw Error("nabla::optim::load_state: not a nabla run state (no 'nabla_run_state' header)");
  RunState s;
  const std::int64_t format = get_int(f, "nabla_run_state");
  if (format == 1) {
    const std::int64_t index = get_int(f, "method_index");
    if (index < 0 || index >= static_cast<std::int64_t>(std::size(format1_methods)))
      throw Error(fmt::format(
          "nabla::optim::load_state: a format-1 state names step rule {}, which nabla 0.1 did "
          "not have",
          index));
    s.method_index = static_cast<int>(index);
    s.method = std::string(format1_methods[index]);
  } else if (format == 2) {
    s.method = field(f, "method").at(0);
  } else {
    throw Error(fmt::format(
        "nabla::optim::load_state: run-state format {} is newer than this nabla reads (1 and 2)",
        format));
  }
  s.x = get_vector(f, "x");
  s.step.t = get_int(f, "step_t");
  const auto nb = get_int(f, "step_buffers");
  for (std::int64_t k = 0; k < nb; ++k)
    s.step.buffers.push_back(get_vector(f, fmt::format("step_buffer{}", k)));
  {
    const Eigen::VectorXd sc = get_vector(f, "step_scalars");
    s.step.scalars.assign(sc.data(), sc.data() + sc.size());
  }
  // Parameter-group states: absent from format 1 and from format-2 files written before groups.
  const std::int64_t groups = f.contains("group_steps") ? get_int(f, "group_steps") : 0;
  for (std::int64_t g = 0; g < groups; ++g) {
    StepState st;
    st.t = get_int(f, fmt::format("group{}_t", g));
    const auto buffers = get_int(f, fmt::format("group{}_buffers", g));
    for (std::int64_t k = 0; k < buffers; ++k)
      st.buffers.push_back(get_vector(f, fmt::format("group{}_buffer{}", g, k)));
    const Eigen::VectorXd sc = get_vector(f, fmt::format("group{}_scalars", g));
    st.scalars.assign(sc.data(), sc.data() + sc.size());
    s.group_steps.push_back(std::move(st));
  }
  s.iteration = get_int(f, "iteration");
  s.epoch = get_int(f, "epoch");
  s.samples = get_int(f, "samples");
  const auto r = get_ints(f, "rng");
  if (r.size() != 4) throw Error("nabla::optim::load_state: 'rng' needs 4 words");
  for (std::size_t k = 0; k < 4; ++k) s.rng[k] = static_cast<std::uint64_t>(r[k]);
  s.plateau.scale = get_double(f, "plateau_scale");
  s.plateau.best = get_double(f, "plateau_best");
  s.plateau.bad = static_cast<int>(get_int(f, "plateau_bad"));
  s.permutation = get_ints(f, "permutation");
  s.cursor = get_int(f, "cursor");
  s.epoch_start_x = get_vector(f, "epoch_start_x");
  s.last_loss = get_double(f, "last_loss");
  s.first_loss = get_double(f, "first_loss");
  s.best_x = get_vector(f, "best_x");
  s.best_value = get_double(f, "best_value");
  s.valid_best_x = get_vector(f, "valid_best_x");
  s.valid_best = get_double(f, "valid_best");
  s.valid_bad = get_int(f, "valid_bad");
  s.average = get_vector(f, "average");
  s.average_weight = get_double(f, "average_weight");
  const auto rows = get_int(f, "memory_rows");
  const auto cols = get_int(f, "memory_cols");
  const Eigen::VectorXd mem = get_vector(f, "memory");
  if (mem.size() != rows * cols)
    throw Error("nabla::optim::load_state: 'memory' has the wrong size");
  s.memory = Eigen::Map<const Eigen::MatrixXd>(mem.data(), rows, cols);
  s.memory_sum = get_vector(f, "memory_sum");
  s.seen = get_ints(f, "seen");
  s.seen_count = get_int(f, "seen_count");
  s.snapshot_x = get_vector(f, "snapshot_x");
  s.snapshot_grad = get_vector(f, "snapshot_grad");
  // Absent from files written before model state existed.
  if (f.contains("model_state")) s.model_state = get_vector(f, "model_state");
  return s;
}

void save_state_file(const RunState& s, const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr)
    throw Error(fmt::format("nabla::optim::save_state_file: cannot open '{}': {}", path,
                            std::strerror(errno)));
  const std::string text = save_state(s);
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok)
    throw Error(fmt::format("nabla::optim::save_state_file: writing '{}' failed", path));
}

RunState load_state_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr)
    throw Error(fmt::format("nabla::optim::load_state_file: cannot open '{}': {}", path,
                            std::strerror(errno)));
  std::string text;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::fclose(f);
  return load_state(text);
}

}  // namespace nabla::optim
