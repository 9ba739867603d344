// The Jacobian chain rule on a composite l = f(g(k(x))) given as stages k, g, f: each stage's
// Jacobian at its own input point, their product accumulated from the left (reverse mode:
// row vector × Jacobian, A_f·A_g first) and from the right (forward mode: A_g·A_k first),
// the cost of each order in multiply-adds, and the check that both equal the Jacobian of the
// whole composite — the lecture's A_l = A_f·A_g·A_k. Stages written on matrix nodes (MatStage)
// take their Jacobians with respect to vec(·), column-major: the Jacobian of X ↦ A·X is I ⊗ A,
// of W ↦ W·x it is xᵀ ⊗ I.
#pragma once

#include <Eigen/Core>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nabla/autodiff/functional/jvp.hpp>
#include <nabla/autodiff/matrix/mat.hpp>
#include <nabla/autodiff/teaching/format.hpp>

namespace nabla {

// One stage: a name for printing and a function of a vector, returning VectorXv or Var.
struct Stage {
  std::string name;
  std::function<VectorXv(const VectorXv&)> f;

  template <class F>
  requires std::is_invocable_v<const F&, const VectorXv&> Stage(std::string stage_name, F fn)
      : name(std::move(stage_name)),
        f([fn = std::move(fn)](const VectorXv& x) { return detail::outputs_of(fn(x)); }) {}
};

// One stage on matrix nodes: a function of a Mat returning a Mat, or a Var (kept as 1×1).
struct MatStage {
  std::string name;
  std::function<Mat(const Mat&)> f;

  template <class F>
  requires detail::MatFunction<const F> MatStage(std::string stage_name, F fn)
      : name(std::move(stage_name)),
        f([fn = std::move(fn)](const Mat& x) { return as_mat(fn(x)); }) {}

 private:
  static Mat as_mat(const Mat& m) { return m; }
  static Mat as_mat(const Var& v) {
    VectorXv one(1);
    one[0] = v;
    return Mat(one);
  }
};

struct ChainOfJacobians {
  std::vector<std::string> names;           // stage names, innermost first
  std::vector<Eigen::VectorXd> points;      // points[k] = input of stage k; back() = the result
                                            // (vec(·) of matrices, column-major)
  std::vector<Eigen::Index> rows;           // rows[k] × (points[k].size() / rows[k]): shapes
  std::vector<Eigen::MatrixXd> jacobians;   // jacobians[k] = A of stage k at points[k]
  std::vector<Eigen::MatrixXd> from_left;   // A_K, A_K·A_{K−1}, …, the full product
  std::vector<Eigen::MatrixXd> from_right;  // A_1, A_2·A_1, …, the full product
  long long left_multiply_adds = 0;   // Σ over the left-to-right products of rows·inner·cols
  long long right_multiply_adds = 0;  // same for right to left
  Eigen::MatrixXd direct;             // jacobian() of the composite, recorded as one function
  double max_difference = 0.0;        // max |from_left − direct|, |from_right − direct|
  std::string text;                   // the whole story, printed
};

// Stages in order of application: {k, g, f} for l = f(g(k(x))).
ChainOfJacobians chain_of_jacobians(const std::vector<Stage>& stages, const Eigen::VectorXd& x,
                                    const ExplainOptions& options = ExplainOptions::exact());

namespace detail {
ChainOfJacobians matrix_chain_of_jacobians(const std::vector<MatStage>& stages,
                                           const Eigen::MatrixXd& x, const ExplainOptions& options);
}  // namespace detail

// Stages on matrix nodes from the matrix X; each Jacobian is ∂vec(out)/∂vec(in). (A template
// only so that chain_of_jacobians({}, x) keeps meaning the vector stages.)
template <class S>
requires std::is_same_v<S, MatStage> ChainOfJacobians
chain_of_jacobians(const std::vector<S>& stages, const Eigen::MatrixXd& x,
                   const ExplainOptions& options = ExplainOptions::exact()) {
  return detail::matrix_chain_of_jacobians(stages, x, options);
}

}  // namespace nabla
