#include "arguments.hpp"

#include <fmt/format.h>

#include <nabla/autodiff/core/nearest_name.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace nabla::cli {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Arguments::Arguments(std::span<const char* const> args, std::span<const OptionSpec> specs) {
  bool options_end = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (options_end || !arg.starts_with("--") || arg == "--") {
      if (arg == "--" && !options_end) {
        options_end = true;
        continue;
      }
      positional_.emplace_back(arg);
      continue;
    }
    std::string_view name = arg.substr(2);
    std::optional<std::string_view> inline_value;
    if (const auto eq = name.find('='); eq != std::string_view::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const auto spec = std::find_if(specs.begin(), specs.end(),
                                   [&](const OptionSpec& s) { return s.name == name; });
    if (spec == specs.end()) {
      // A formula that starts with "--" reads as an option (every option name is lower-case
      // letters and '-'): say how to pass it.
      const std::string hint =
          name.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") != std::string_view::npos
              ? fmt::format(
                    "; a formula that starts with '-' goes last, after '--': nabla grad "
                    "--at 1 -- \"{}\"",
                    arg)
              : std::string();
      std::vector<std::string_view> names;
      for (const OptionSpec& s : specs) names.push_back(s.name);
      const std::string_view nearest = detail::nearest_name(name, names, 2);
      throw UsageError(nearest.empty() ? fmt::format("unknown option --{}{}", name, hint)
                                       : fmt::format("unknown option --{} (did you mean --{}?){}",
                                                     name, nearest, hint));
    }
    if (!spec->takes_value) {
      if (inline_value) throw UsageError(fmt::format("--{} takes no value", name));
      if (options_.contains(name)) throw UsageError(fmt::format("--{} is given twice", name));
      options_.emplace(std::string(name), "");
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= args.size())
        throw UsageError(fmt::format("--{} needs a value ({})", name, spec->value));
      inline_value = args[++i];
    }
    // One value per option, except those meant to repeat: a second --at is a mistake, not a
    // silent override.
    if (name != "param" && options_.contains(name))
      throw UsageError(fmt::format("--{} is given twice", name));
    options_.emplace(std::string(name), std::string(*inline_value));
  }
}

bool Arguments::flag(std::string_view name) const { return options_.contains(name); }

std::optional<std::string> Arguments::value(std::string_view name) const {
  const auto [first, last] = options_.equal_range(name);
  if (first == last) return std::nullopt;
  return std::prev(last)->second;  // the last one given wins
}

std::vector<std::string> Arguments::values(std::string_view name) const {
  std::vector<std::string> out;
  const auto [first, last] = options_.equal_range(name);
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  return out;
}

double parse_number(std::string_view text, std::string_view option) {
  std::string_view t = trim(text);
  // from_chars reads neither a leading '+' nor the constants; people type both.
  double sign = 1.0;
  if (!t.empty() && (t.front() == '+' || t.front() == '-') && t.size() > 1 &&
      (t.substr(1) == "pi" || t.substr(1) == "e")) {
    sign = t.front() == '-' ? -1.0 : 1.0;
    t.remove_prefix(1);
  } else if (t.size() > 1 && t.front() == '+' && t[1] != '-' && t[1] != '+') {
    t.remove_prefix(1);
  }
  if (t == "pi") return sign * 3.141592653589793;
  if (t == "e") return sign * 2.718281828459045;
  double v = 0.0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || end != t.data() + t.size() ||
      (ec != std::errc() && ec != std::errc::result_out_of_range))
    throw UsageError(fmt::format("--{}: '{}' is not a number", option, text));
  if (ec == std::errc::result_out_of_range || !std::isfinite(v))
    throw UsageError(fmt::format("--{}: '{}' is not a finite double", option, text));
  return v;
}

double parse_nonnegative(std::string_view text, std::string_view option) {
  const double v = parse_number(text, option);
  if (v < 0.0) throw UsageError(fmt::format("--{}: {} is negative", option, text));
  return v;
}

double parse_positive(std::string_view text, std::string_view option) {
  const double v = parse_number(text, option);
  if (v <= 0.0) throw UsageError(fmt::format("--{}: {} is not positive", option, text));
  return v;
}

long long parse_integer(std::string_view text, std::string_view option) {
  const std::string_view t = trim(text);
  long long v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size())
    throw UsageError(fmt::format("--{}: '{}' is not a whole number", option, text));
  return v;
}

long long parse_count(std::string_view text, std::string_view option) {
  const long long v = parse_integer(text, option);
  if (v < 0) throw UsageError(fmt::format("--{}: {} is negative", option, text));
  return v;
}

Eigen::VectorXd parse_point(std::string_view text, std::string_view option) {
  std::vector<double> v;
  if (!trim(text).empty()) {
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = text.find(',', start);
      const std::string_view item = text.substr(start, comma - start);
      if (trim(item).empty())
        throw UsageError(fmt::format("--{}: an empty coordinate in '{}'", option, text));
      v.push_back(parse_number(item, option));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

std::vector<std::string> parse_names(std::string_view text) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string_view item = trim(text.substr(start, comma - start));
    if (!item.empty()) names.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return names;
}

}  // namespace nabla::cli
