// What every subcommand starts from: the formula (parsed with --vars when given), the point
// (--at, checked against the formula's variables) and how numbers are printed (--digits).
#pragma once

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include <nabla/autodiff/formula/formula.hpp>
#include <nabla/autodiff/teaching/format.hpp>

#include "arguments.hpp"

namespace nabla::cli {

// The options every subcommand that reads a formula accepts.
inline constexpr OptionSpec kFormulaOptions[] = {
    {"vars", true, "NAMES",
     "the variables and their order, e.g. x,y (default: x1 … xn, or the "
     "order of first appearance)"},
    {"json", false, "", "machine-readable output (full precision)"},
    {"digits", true, "N",
     "significant digits of printed numbers (default: exact, the shortest "
     "text that reads back as the same double)"},
};

// The formula of a subcommand: exactly one positional argument.
[[nodiscard]] Formula read_formula(const Arguments& args, std::string_view command);
[[nodiscard]] Formula parse_formula(const std::string& text, const Arguments& args);
// --OPTION (at, from) as a point of the formula's variables; a UsageError when missing, when it
// is not a list of finite numbers, or when its size is not the number of variables.
[[nodiscard]] Eigen::VectorXd read_point(const Arguments& args, const Formula& f,
                                         std::string_view option = "at");

[[nodiscard]] ExplainOptions print_options(const Arguments& args);

// Printing: numbers in the chosen precision, vectors as (a, b), matrices as aligned rows.
class Printer {
 public:
  explicit Printer(const ExplainOptions& options) : options_(options) {}
  [[nodiscard]] std::string num(double v) const { return format_number(v, options_.precision); }
  [[nodiscard]] std::string vector(const Eigen::VectorXd& v) const;
  [[nodiscard]] std::string matrix(const Eigen::MatrixXd& m, int indent) const;
  // "x1 = 0, x2 = 1"
  [[nodiscard]] std::string assignment(const std::vector<std::string>& names,
                                       const Eigen::VectorXd& x) const;
  [[nodiscard]] const ExplainOptions& options() const noexcept { return options_; }

 private:
  ExplainOptions options_;
};

// JSON helpers: doubles keep every bit (nlohmann prints the shortest round trip); a NaN or an
// infinity, which JSON has no number for, is the string "nan", "inf" or "-inf".
[[nodiscard]] nlohmann::json json_number(double v);
[[nodiscard]] nlohmann::json json_vector(const Eigen::VectorXd& v);
[[nodiscard]] nlohmann::json json_matrix(const Eigen::MatrixXd& m);  // rows
// {"command", "formula", "variables", "nodes", "point"}: the start of every subcommand's JSON
// (nodes: the formula's elementary operations and leaves, Formula::nodes()).
[[nodiscard]] nlohmann::json json_header(std::string_view command, const Formula& f,
                                         const Eigen::VectorXd& x);
void print_json(const nlohmann::json& j);

}  // namespace nabla::cli
