// nabla check: the tape's gradient against central finite differences, per output; the exit
// status is 1 when an output's error exceeds --tolerance.
#include <fmt/format.h>

#include <nabla/autodiff/functional/gradcheck.hpp>

#include "../commands.hpp"
#include "../problem.hpp"

namespace nabla::cli {

int run_check(const Arguments& args) {
  const Formula f = read_formula(args, "check");
  const Eigen::VectorXd x = read_point(args, f);
  if (f.variables().empty())
    throw UsageError("nabla check: the formula has no variables, so there is no gradient to check");
  double tolerance = 1e-6;
  if (const auto t = args.value("tolerance")) tolerance = parse_nonnegative(*t, "tolerance");
  double h = 0.0;
  if (const auto s = args.value("step")) {  // none: gradcheck's ε^(1/3)
    h = parse_positive(*s, "step");
  }
  const Printer p(print_options(args));
  bool passed = true;
  nlohmann::json outputs = nlohmann::json::array();
  std::string text = fmt::format("gradient check of {} at {} (central differences, tolerance {})\n",
                                 f.text(), p.assignment(f.variables(), x), p.num(tolerance));
  for (std::size_t k = 0; k < f.outputs(); ++k) {
    const auto fk = [&](const VectorXv& v) {
      return f.record(std::span<const Var>(v.data(), static_cast<std::size_t>(v.size())))[k];
    };
    const GradcheckResult r = gradcheck(fk, x, h);
    passed = passed && r.passed(tolerance);
    outputs.push_back({{"value", json_number(r.value)},
                       {"gradient", json_vector(r.gradient)},
                       {"finite_difference", json_vector(r.finite_difference)},
                       {"error", json_number(r.error)},
                       {"worst", f.variables()[static_cast<std::size_t>(r.worst_index)]},
                       {"passed", r.passed(tolerance)}});
    if (f.outputs() > 1) text += fmt::format("output {}:\n", k + 1);
    text +=
        fmt::format("  tape               {}\n  finite differences {}\n  error {} (at {}): {}\n",
                    p.vector(r.gradient), p.vector(r.finite_difference), p.num(r.error),
                    f.variables()[static_cast<std::size_t>(r.worst_index)],
                    r.passed(tolerance) ? "passed" : "FAILED");
  }
  if (args.flag("json")) {
    nlohmann::json j = json_header("check", f, x);
    j["tolerance"] = json_number(tolerance);
    j["outputs"] = outputs;
    j["passed"] = passed;
    print_json(j);
  } else {
    fmt::print("{}", text);
  }
  return passed ? 0 : 1;
}

}  // namespace nabla::cli
