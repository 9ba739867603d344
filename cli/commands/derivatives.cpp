// nabla grad, nabla jacobian, nabla hessian: the derivatives of a formula at a point.
#include <fmt/format.h>

#include <nabla/autodiff/functional/gradient.hpp>
#include <nabla/autodiff/functional/hessian.hpp>
#include <nabla/autodiff/functional/jvp.hpp>
#include <nabla/autodiff/teaching/stationary_point.hpp>

#include "../commands.hpp"
#include "../problem.hpp"

namespace nabla::cli {

namespace {

// "f(x1, x2) = exp(x1)*x2^2 at x1 = 0, x2 = 1"
std::string heading(const Formula& f, const Eigen::VectorXd& x, const Printer& p) {
  return fmt::format(
      "f({}) = {}\nat {}\n", fmt::join(f.variables(), ", "), f.text(),
      x.size() == 0 ? std::string("(no variables)") : p.assignment(f.variables(), x));
}

void require_one_output(const Formula& f, std::string_view command) {
  if (f.outputs() != 1)
    throw UsageError(fmt::format(
        "nabla {}: the formula has {} outputs (separated by ';'); use nabla jacobian for a vector "
        "function",
        command, f.outputs()));
}

std::string partials_text(const Formula& f, const Eigen::VectorXd& g, const Printer& p) {
  std::string s;
  for (Eigen::Index j = 0; j < g.size(); ++j)
    s += fmt::format("  ∂f/∂{} = {}\n", f.variables()[static_cast<std::size_t>(j)], p.num(g[j]));
  return s;
}

std::string_view second_order_name(StationaryKind k) {
  switch (k) {
    case StationaryKind::NotStationary: return "not stationary";
    case StationaryKind::LocalMinimum: return "minimum";
    case StationaryKind::LocalMaximum: return "maximum";
    case StationaryKind::Saddle: return "saddle";
    case StationaryKind::Undecided: return "inconclusive";
  }
  return "?";
}

std::string second_order_text(const StationaryPoint& s, const Printer& p, double tolerance) {
  switch (s.kind) {
    case StationaryKind::NotStationary:
      return fmt::format(
          "not a stationary point: ‖∇f‖∞ = {} > {}, so the second-order check does not apply",
          p.num(s.gradient_norm), p.num(tolerance));
    case StationaryKind::LocalMinimum:
      return "a local minimum: ∇f = 0 and every eigenvalue of the Hessian is > 0";
    case StationaryKind::LocalMaximum:
      return "a local maximum: ∇f = 0 and every eigenvalue of the Hessian is < 0";
    case StationaryKind::Saddle:
      return "a saddle point: ∇f = 0 and the Hessian has eigenvalues of both signs";
    case StationaryKind::Undecided:
      return "inconclusive: ∇f = 0 but an eigenvalue of the Hessian is 0, so higher-order terms "
             "decide";
  }
  return "?";
}

}  // namespace

int run_grad(const Arguments& args) {
  const Formula f = read_formula(args, "grad");
  require_one_output(f, "grad");
  const Eigen::VectorXd x = read_point(args, f);
  Eigen::VectorXd g;
  const double value = value_and_gradient(f, x, g);
  const Printer p(print_options(args));
  if (args.flag("json")) {
    nlohmann::json j = json_header("grad", f, x);
    j["value"] = json_number(value);
    j["gradient"] = json_vector(g);
    print_json(j);
    return 0;
  }
  fmt::print("{}value     f = {}\ngradient  ∇f = {}\n{}", heading(f, x, p), p.num(value),
             p.vector(g), partials_text(f, g, p));
  return 0;
}

int run_jacobian(const Arguments& args) {
  const Formula f = read_formula(args, "jacobian");
  const Eigen::VectorXd x = read_point(args, f);
  const Eigen::VectorXd values = f.values(x);
  const Eigen::MatrixXd J = jacobian([&](const VectorXv& v) { return f.vector(v); }, x);
  const Printer p(print_options(args));
  if (args.flag("json")) {
    nlohmann::json j = json_header("jacobian", f, x);
    j["values"] = json_vector(values);
    j["jacobian"] = json_matrix(J);
    print_json(j);
    return 0;
  }
  fmt::print("{}values    f = {}\nJacobian  {}×{} (row i: ∇f_i; column j: ∂f/∂{})\n{}",
             heading(f, x, p), p.vector(values), J.rows(), J.cols(),
             f.variables().empty() ? "x" : "x_j", p.matrix(J, 2));
  return 0;
}

int run_hessian(const Arguments& args) {
  const Formula f = read_formula(args, "hessian");
  require_one_output(f, "hessian");
  const Eigen::VectorXd x = read_point(args, f);
  double tolerance = 1e-8;
  if (const auto t = args.value("tolerance")) tolerance = parse_nonnegative(*t, "tolerance");
  StationaryPoint s;
  const double value = value_and_gradient(f, x, s.gradient);
  s.hessian = hessian(f, x);
  detail::classify(s, tolerance, 1e-10);
  const Printer p(print_options(args));
  if (args.flag("json")) {
    nlohmann::json j = json_header("hessian", f, x);
    j["value"] = json_number(value);
    j["gradient"] = json_vector(s.gradient);
    j["hessian"] = json_matrix(s.hessian);
    j["eigenvalues"] = json_vector(s.eigenvalues);
    j["second_order"] = x.size() == 0 ? "no variables" : second_order_name(s.kind);
    print_json(j);
    return 0;
  }
  fmt::print(
      "{}value       f = {}\ngradient    ∇f = {}\nHessian     ∇²f =\n{}eigenvalues {}\n"
      "second-order check: {}\n",
      heading(f, x, p), p.num(value), p.vector(s.gradient), p.matrix(s.hessian, 2),
      p.vector(s.eigenvalues),
      x.size() == 0 ? std::string("no variables, nothing to check")
                    : second_order_text(s, p, tolerance));
  return 0;
}

}  // namespace nabla::cli
