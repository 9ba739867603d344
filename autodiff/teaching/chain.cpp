#include <nabla/autodiff/teaching/chain.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include <nabla/autodiff/functional/mat_gradient.hpp>
#include <nabla/autodiff/matrix/arithmetic.hpp>

namespace nabla {

namespace {

// Both accumulation orders, their costs, the comparison with the direct Jacobian and the text.
// `at[k]` describes stage k's input and output for the text.
void accumulate(ChainOfJacobians& c, const std::vector<std::string>& at, bool on_vec,
                const ExplainOptions& options) {
  const std::size_t k = c.jacobians.size();
  for (std::size_t s = 1; s < k; ++s)
    if (c.jacobians[s].cols() != c.jacobians[s - 1].rows())
      throw ShapeError(fmt::format(
          "nabla::chain_of_jacobians: stage '{}' returns {} values but stage '{}' takes {}",
          c.names[s - 1], c.jacobians[s - 1].rows(), c.names[s], c.jacobians[s].cols()));

  // From the left: ((A_K · A_{K−1}) · …) · A_1 — with one output, each step is a row vector
  // times a Jacobian, a vector–Jacobian product: reverse mode.
  c.from_left.push_back(c.jacobians[k - 1]);
  for (std::size_t s = k - 1; s-- > 0;) {
    const Eigen::MatrixXd& acc = c.from_left.back();
    c.left_multiply_adds += acc.rows() * acc.cols() * c.jacobians[s].cols();
    c.from_left.push_back(acc * c.jacobians[s]);
  }
  // From the right: A_K · (… · (A_2 · A_1)) — forward mode.
  c.from_right.push_back(c.jacobians[0]);
  for (std::size_t s = 1; s < k; ++s) {
    const Eigen::MatrixXd& acc = c.from_right.back();
    c.right_multiply_adds += c.jacobians[s].rows() * c.jacobians[s].cols() * acc.cols();
    c.from_right.push_back(c.jacobians[s] * acc);
  }
  c.max_difference = c.direct.size() == 0
                         ? 0.0
                         : std::max((c.from_left.back() - c.direct).cwiseAbs().maxCoeff(),
                                    (c.from_right.back() - c.direct).cwiseAbs().maxCoeff());

  const int p = options.precision;
  std::string& t = c.text;
  std::string product;  // "A_f · A_g · A_k"
  for (std::size_t s = k; s-- > 0;)
    product += fmt::format("{}A_{}", s + 1 < k ? " · " : "", c.names[s]);
  t += fmt::format("Chain of Jacobians: A = {}{}\n", product,
                   on_vec ? " (each with respect to vec of its input, column-major)" : "");
  for (std::size_t s = 0; s < k; ++s) {
    t += fmt::format("  stage {} '{}' {}:\n", s + 1, c.names[s], at[s]);
    t +=
        fmt::format("  A_{} ({}×{}) =\n", c.names[s], c.jacobians[s].rows(), c.jacobians[s].cols());
    t += format_matrix(c.jacobians[s], 4, p);
  }
  t += "From the left (reverse mode, vector–Jacobian products):\n";
  std::string left_name = fmt::format("A_{}", c.names[k - 1]);
  for (std::size_t s = 1; s < k; ++s) {
    left_name += fmt::format(" · A_{}", c.names[k - 1 - s]);
    t += fmt::format("  {} =\n", left_name);
    t += format_matrix(c.from_left[s], 4, p);
  }
  t += fmt::format("  cost: {} multiply-adds\n", c.left_multiply_adds);
  t += "From the right (forward mode, Jacobian–vector products):\n";
  std::string right_name = fmt::format("A_{}", c.names[0]);
  for (std::size_t s = 1; s < k; ++s) {
    right_name = s == 1 ? fmt::format("A_{} · {}", c.names[s], right_name)
                        : fmt::format("A_{} · ({})", c.names[s], right_name);
    t += fmt::format("  {} =\n", right_name);
    t += format_matrix(c.from_right[s], 4, p);
  }
  t += fmt::format("  cost: {} multiply-adds\n", c.right_multiply_adds);
  t += "jacobian() of the whole composite:\n";
  t += format_matrix(c.direct, 4, p);
  t += fmt::format("max difference of either product from it: {}\n",
                   format_number(c.max_difference, p));
}

std::string vector_text(const Eigen::VectorXd& v, int precision) {
  std::string s;
  for (Eigen::Index i = 0; i < v.size(); ++i)
    s += fmt::format("{}{}", i > 0 ? ", " : "", format_number(v[i], precision));
  return s;
}

}  // namespace

ChainOfJacobians chain_of_jacobians(const std::vector<Stage>& stages, const Eigen::VectorXd& x,
                                    const ExplainOptions& options) {
  if (stages.empty()) throw Error("nabla::chain_of_jacobians: no stages");
  ChainOfJacobians c;
  c.points.push_back(x);
  c.rows.push_back(x.size());
  for (const Stage& s : stages) {
    c.names.push_back(s.name);
    const Eigen::VectorXd& at = c.points.back();
    c.jacobians.push_back(jacobian(s.f, at, Mode::Auto));
    Tape tape;
    const TapeScope scope(tape);
    const VectorXv in = variables(at);
    const VectorXv out = s.f(in);
    if (c.jacobians.back().cols() != at.size())
      throw ShapeError("nabla::chain_of_jacobians: stage size mismatch");
    c.points.push_back(values(out));
    c.rows.push_back(out.size());
  }
  auto composite = [&](const VectorXv& v) {
    VectorXv cur = v;
    for (const Stage& s : stages) cur = s.f(cur);
    return cur;
  };
  c.direct = jacobian(composite, x, Mode::Reverse);
  std::vector<std::string> at;
  for (std::size_t s = 0; s < stages.size(); ++s)
    at.push_back(fmt::format("at ({}) = ({})", vector_text(c.points[s], options.precision),
                             vector_text(c.points[s + 1], options.precision)));
  accumulate(c, at, false, options);
  return c;
}

ChainOfJacobians detail::matrix_chain_of_jacobians(const std::vector<MatStage>& stages,
                                                   const Eigen::MatrixXd& x,
                                                   const ExplainOptions& options) {
  if (stages.empty()) throw Error("nabla::chain_of_jacobians: no stages");
  ChainOfJacobians c;
  std::vector<Eigen::MatrixXd> points{x};
  for (const MatStage& s : stages) {
    c.names.push_back(s.name);
    const Eigen::MatrixXd& in = points.back();
    c.jacobians.push_back(jacobian([&](const Mat& m) { return s.f(m); }, in, Mode::Auto));
    Tape tape;
    const TapeScope scope(tape);
    points.push_back(s.f(variable(in)).value());
  }
  for (const Eigen::MatrixXd& m : points) {
    c.points.emplace_back(m.reshaped());
    c.rows.push_back(m.rows());
  }
  c.direct = jacobian(
      [&](const Mat& m) {
        Mat cur = m;
        for (const MatStage& s : stages) cur = s.f(cur);
        return cur;
      },
      x, Mode::Reverse);
  std::vector<std::string> at;
  for (std::size_t s = 0; s < stages.size(); ++s) {
    const Eigen::MatrixXd& in = points[s];
    const Eigen::MatrixXd& out = points[s + 1];
    at.push_back(fmt::format(
        "maps {}×{} to {}×{}, value {}", in.rows(), in.cols(), out.rows(), out.cols(),
        out.size() <= 6 ? fmt::format("vec = ({})", vector_text(out.reshaped(), options.precision))
                        : std::string("(large)")));
  }
  accumulate(c, at, true, options);
  return c;
}

}  // namespace nabla
