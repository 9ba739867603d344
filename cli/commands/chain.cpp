// nabla chain: a composite given as its stages, innermost first; each stage's Jacobian at its
// own input, their product from the left (reverse mode) and from the right (forward mode), the
// cost of each order, and both against the Jacobian of the whole composite.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <string>

#include <nabla/autodiff/teaching/chain.hpp>

#include "../commands.hpp"
#include "../problem.hpp"

namespace nabla::cli {

namespace {

// The stages: every positional argument, each of which may hold several separated by '|'.
std::vector<std::string> stage_texts(const Arguments& args) {
  std::vector<std::string> out;
  for (const std::string& p : args.positional()) {
    std::size_t start = 0;
    while (true) {
      const std::size_t bar = p.find('|', start);
      std::string s = p.substr(start, bar - start);
      out.push_back(std::move(s));
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
  }
  return out;
}

// A later stage: its variables in numeric order when they are one name with numbers (u1, u2,
// …, u10 — as x1 … xn always are), else in order of first appearance; they bind to the previous
// stage's outputs in that order.
Formula later_stage(const std::string& text) {
  Formula f = Formula::parse(text);
  std::string prefix;
  long long largest = 0, smallest = 1;
  for (const std::string& v : f.variables()) {
    const std::size_t digits = v.find_first_of("0123456789");
    if (digits == 0 || digits == std::string::npos ||
        v.find_first_not_of("0123456789", digits) != std::string::npos || v.size() - digits > 6)
      return f;
    if (prefix.empty()) prefix = v.substr(0, digits);
    if (v.substr(0, digits) != prefix) return f;
    const long long k = std::stoll(v.substr(digits));
    largest = std::max(largest, k);
    smallest = std::min(smallest, k);
  }
  if (prefix.empty()) return f;
  FormulaOptions options;
  for (long long k = smallest; k <= largest; ++k)
    options.variables.push_back(fmt::format("{}{}", prefix, k));
  return Formula::parse(text, options);
}

}  // namespace

int run_chain(const Arguments& args) {
  const std::vector<std::string> texts = stage_texts(args);
  if (texts.empty())
    throw UsageError(
        "nabla chain needs its stages, innermost first, e.g. nabla chain --stages \"x1*x2; x1+x2\" "
        "\"u1^2 - u2\" --at 1,2");
  std::vector<Formula> stages;
  for (std::size_t k = 0; k < texts.size(); ++k) {
    // The first stage's variables are the point's (--vars); a later stage's are its input, the
    // previous stage's outputs in order, whatever they are called.
    stages.push_back(k == 0 ? parse_formula(texts[k], args) : later_stage(texts[k]));
    if (k == 0 && stages[0].variables().empty())
      throw UsageError(
          fmt::format("stage 1 ({}) has no variables: nothing to differentiate", texts[0]));
    if (k > 0 && stages[k].variables().size() != stages[k - 1].outputs())
      throw UsageError(fmt::format(
          "stage {} ({}) has {} variable{} but stage {} has {} output{}: a stage's variables are "
          "the previous stage's outputs, in order",
          k + 1, texts[k], stages[k].variables().size(),
          stages[k].variables().size() == 1 ? "" : "s", k, stages[k - 1].outputs(),
          stages[k - 1].outputs() == 1 ? "" : "s"));
  }
  const Eigen::VectorXd x = read_point(args, stages.front());
  std::vector<Stage> chain;
  for (std::size_t k = 0; k < stages.size(); ++k) {
    chain.emplace_back(fmt::format("f{}", k + 1),
                       [f = stages[k]](const VectorXv& v) { return f.vector(v); });
  }
  const Printer p(print_options(args));
  const ChainOfJacobians c = chain_of_jacobians(chain, x, p.options());
  if (args.flag("json")) {
    nlohmann::json j = json_header("chain", stages.front(), x);
    j["stages"] = texts;
    nlohmann::json points = nlohmann::json::array(), jacobians = nlohmann::json::array(),
                   left = nlohmann::json::array(), right = nlohmann::json::array();
    for (const auto& v : c.points) points.push_back(json_vector(v));
    for (const auto& m : c.jacobians) jacobians.push_back(json_matrix(m));
    for (const auto& m : c.from_left) left.push_back(json_matrix(m));
    for (const auto& m : c.from_right) right.push_back(json_matrix(m));
    j["points"] = points;
    j["jacobians"] = jacobians;
    j["from_left"] = left;
    j["from_right"] = right;
    j["left_multiply_adds"] = c.left_multiply_adds;
    j["right_multiply_adds"] = c.right_multiply_adds;
    j["direct"] = json_matrix(c.direct);
    j["max_difference"] = json_number(c.max_difference);
    print_json(j);
    return 0;
  }
  std::string s = "Stages, innermost first:\n";
  for (std::size_t k = 0; k < stages.size(); ++k)
    s += fmt::format("  f{}({}) = {}\n", k + 1, fmt::join(stages[k].variables(), ", "),
                     stages[k].text());
  fmt::print("{}at {}\n\n{}", s, p.assignment(stages.front().variables(), x), c.text);
  return 0;
}

}  // namespace nabla::cli
