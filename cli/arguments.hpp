// The command line of `nabla`: a subcommand, its positional arguments (formulas) and --options.
// Every option takes its value as the next argument or after '=' (--at=0,1); values may start
// with '-' (--at -1,2), so an option's value is never mistaken for an option.
#pragma once

#include <Eigen/Core>

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nabla::cli {

// A mistake on the command line (exit status 2, with the usage of the subcommand).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OptionSpec {
  std::string_view name;   // without the leading "--"
  bool takes_value;        // --at VALUE, or a flag such as --json
  std::string_view value;  // what the value is, for the help text ("POINT")
  std::string_view help;
};

class Arguments {
 public:
  // argv after the subcommand; options not in `specs` are a UsageError naming the nearest one.
  Arguments(std::span<const char* const> args, std::span<const OptionSpec> specs);

  [[nodiscard]] const std::vector<std::string>& positional() const noexcept { return positional_; }
  [[nodiscard]] bool flag(std::string_view name) const;
  [[nodiscard]] std::optional<std::string> value(std::string_view name) const;
  // Every value of an option given several times (--param beta1=0.9 --param beta2=0.99).
  [[nodiscard]] std::vector<std::string> values(std::string_view name) const;

 private:
  std::vector<std::string> positional_;
  std::multimap<std::string, std::string, std::less<>> options_;
};

// "0,1" or "0, 1" or "1e-3,-2": a point; a UsageError names the item that is not a number.
[[nodiscard]] Eigen::VectorXd parse_point(std::string_view text, std::string_view option);
// A finite number for an option ("--lr 0.1", "-pi"), with the option named in the error; NaN,
// infinities and values beyond the range of a double are errors.
[[nodiscard]] double parse_number(std::string_view text, std::string_view option);
[[nodiscard]] double parse_nonnegative(std::string_view text, std::string_view option);
[[nodiscard]] double parse_positive(std::string_view text, std::string_view option);
[[nodiscard]] long long parse_integer(std::string_view text, std::string_view option);
[[nodiscard]] long long parse_count(std::string_view text, std::string_view option);  // ≥ 0
// "x,y,z": names separated by commas.
[[nodiscard]] std::vector<std::string> parse_names(std::string_view text);

}  // namespace nabla::cli
