#include "problem.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <iostream>

namespace nabla::cli {

Formula parse_formula(const std::string& text, const Arguments& args) {
  FormulaOptions options;
  if (const auto vars = args.value("vars")) options.variables = parse_names(*vars);
  try {
    return Formula::parse(text, options);
  } catch (const FormulaError&) {
    throw;
  } catch (const Error& e) {  // --vars x,x or --vars 1y: a mistake on the command line
    throw UsageError(e.what());
  }
}

Formula read_formula(const Arguments& args, std::string_view command) {
  const auto& p = args.positional();
  if (p.empty())
    throw UsageError(fmt::format("nabla {} needs a formula, e.g. nabla {} \"x1^2 - x2\" --at 1,2",
                                 command, command));
  if (p.size() > 1)
    throw UsageError(
        fmt::format("nabla {} takes one formula; got {} arguments (quote the formula: \"{}\")",
                    command, p.size(), fmt::join(p, " ")));
  return parse_formula(p.front(), args);
}

Eigen::VectorXd read_point(const Arguments& args, const Formula& f, std::string_view option) {
  const std::size_t n = f.variables().size();
  const auto text = args.value(option);
  if (!text) {
    if (n == 0) return Eigen::VectorXd();
    throw UsageError(fmt::format("--{} is missing: the point, {} number{} for ({})", option, n,
                                 n == 1 ? "" : "s", fmt::join(f.variables(), ", ")));
  }
  Eigen::VectorXd x = parse_point(*text, option);
  if (static_cast<std::size_t>(x.size()) != n)
    throw UsageError(fmt::format("--{} gives {} number{} but the formula has {} variable{} ({})",
                                 option, x.size(), x.size() == 1 ? "" : "s", n, n == 1 ? "" : "s",
                                 fmt::join(f.variables(), ", ")));
  for (Eigen::Index i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i]))
      throw UsageError(fmt::format("--{}: {} = {} is not a finite number", option,
                                   f.variables()[static_cast<std::size_t>(i)], x[i]));
  return x;
}

ExplainOptions print_options(const Arguments& args) {
  ExplainOptions o = ExplainOptions::exact();
  if (const auto digits = args.value("digits")) {
    const long long d = parse_integer(*digits, "digits");
    if (d < 1 || d > 17) throw UsageError("--digits: between 1 and 17");
    o.precision = static_cast<int>(d);
  }
  return o;
}

std::string Printer::vector(const Eigen::VectorXd& v) const {
  std::string s = "(";
  for (Eigen::Index i = 0; i < v.size(); ++i) s += (i > 0 ? ", " : "") + num(v[i]);
  return s + ")";
}

std::string Printer::matrix(const Eigen::MatrixXd& m, int indent) const {
  return format_matrix(m, indent, options_.precision);
}

std::string Printer::assignment(const std::vector<std::string>& names,
                                const Eigen::VectorXd& x) const {
  std::string s;
  for (Eigen::Index i = 0; i < x.size(); ++i)
    s += fmt::format("{}{} = {}", i > 0 ? ", " : "", names[static_cast<std::size_t>(i)], num(x[i]));
  return s;
}

nlohmann::json json_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

nlohmann::json json_vector(const Eigen::VectorXd& v) {
  nlohmann::json j = nlohmann::json::array();
  for (const double e : v) j.push_back(json_number(e));
  return j;
}

nlohmann::json json_matrix(const Eigen::MatrixXd& m) {
  nlohmann::json j = nlohmann::json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i) j.push_back(json_vector(m.row(i).transpose()));
  return j;
}

nlohmann::json json_header(std::string_view command, const Formula& f, const Eigen::VectorXd& x) {
  return {{"command", command},
          {"formula", f.text()},
          {"variables", f.variables()},
          {"nodes", f.nodes()},
          {"point", json_vector(x)}};
}

void print_json(const nlohmann::json& j) {
  // Invalid UTF-8 in a formula is replaced rather than thrown on: the output stays valid JSON.
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace nabla::cli
