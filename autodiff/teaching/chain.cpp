#include <nabla/autodiff/teaching/chain.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace nabla {

ChainOfJacobians chain_of_jacobians(const std::vector<Stage>& stages, const Eigen::VectorXd& x) {
  if (stages.empty()) throw Error("nabla::chain_of_jacobians: no stages");
  ChainOfJacobians c;
  c.points.push_back(x);
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
  }
  const std::size_t k = stages.size();
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
  auto composite = [&](const VectorXv& v) {
    VectorXv cur = v;
    for (const Stage& s : stages) cur = s.f(cur);
    return cur;
  };
  c.direct = jacobian(composite, x, Mode::Reverse);
  c.max_difference = std::max((c.from_left.back() - c.direct).cwiseAbs().maxCoeff(),
                              (c.from_right.back() - c.direct).cwiseAbs().maxCoeff());

  std::string& t = c.text;
  std::string product;  // "A_f · A_g · A_k"
  for (std::size_t s = k; s-- > 0;)
    product += fmt::format("{}A_{}", s + 1 < k ? " · " : "", c.names[s]);
  t += fmt::format("Chain of Jacobians: A = {}\n", product);
  for (std::size_t s = 0; s < k; ++s) {
    t += fmt::format("  stage {} '{}' at ({}) = ({}):\n", s + 1, c.names[s],
                     fmt::join(c.points[s], ", "), fmt::join(c.points[s + 1], ", "));
    t +=
        fmt::format("  A_{} ({}×{}) =\n", c.names[s], c.jacobians[s].rows(), c.jacobians[s].cols());
    t += format_matrix(c.jacobians[s]);
  }
  t += "From the left (reverse mode, vector–Jacobian products):\n";
  std::string left_name = fmt::format("A_{}", c.names[k - 1]);
  for (std::size_t s = 1; s < k; ++s) {
    left_name += fmt::format(" · A_{}", c.names[k - 1 - s]);
    t += fmt::format("  {} =\n", left_name);
    t += format_matrix(c.from_left[s]);
  }
  t += fmt::format("  cost: {} multiply-adds\n", c.left_multiply_adds);
  t += "From the right (forward mode, Jacobian–vector products):\n";
  std::string right_name = fmt::format("A_{}", c.names[0]);
  for (std::size_t s = 1; s < k; ++s) {
    right_name = fmt::format("A_{} · {}", c.names[s], s == 1 ? right_name : "(" + right_name + ")");
    t += fmt::format("  {} =\n", right_name);
    t += format_matrix(c.from_right[s]);
  }
  t += fmt::format("  cost: {} multiply-adds\n", c.right_multiply_adds);
  t += "jacobian() of the whole composite:\n";
  t += format_matrix(c.direct);
  t += fmt::format("max difference of either product from it: {}\n", c.max_difference);
  return c;
}

}  // namespace nabla
