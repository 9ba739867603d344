// nabla::Mat — a matrix-valued active node. A Mat is a small handle to one record on the same
// tape as the scalar Vars (or to a constant matrix, shared by reference count, when it depends
// on no variable). Every operation on Mats appends one record whose backward is Eigen code, so
// a loss written on Mats runs at Eigen speed; a reduction returns a Var, so matrix and scalar
// operations mix in one graph. See docs/matrices.md.
//
//   nabla::Mat w = nabla::variable(Eigen::VectorXd::Zero(d));       // on the active tape
//   nabla::Var loss = nabla::mse(X * w, y);                          // 2 records
#pragma once

#include <Eigen/Core>
#include <memory>
#include <string_view>
#include <type_traits>

#include <nabla/autodiff/core/tape.hpp>
#include <nabla/autodiff/core/var.hpp>
#include <nabla/autodiff/matrix/node.hpp>
#include <nabla/autodiff/scalar/eigen_support.hpp>

namespace nabla {

class Mat {
 public:
  // An empty constant (0×0).
  Mat() = default;
  // Constants. The matrix is copied once into a shared, immutable block; share big data
  // matrices with nabla::constant() once, outside the loss, to avoid the copy.
  explicit Mat(const Eigen::MatrixXd& constant);
  explicit Mat(Eigen::MatrixXd&& constant);
  explicit Mat(std::shared_ptr<const Eigen::MatrixXd> constant);
  // From Vars: one record reading every active entry (a constant when none is active).
  explicit Mat(const MatrixXv& m);
  explicit Mat(const VectorXv& v);
  explicit Mat(const RowVectorXv& v);
  // Any other Eigen expression of doubles: evaluated once into a constant.
  template <class Derived>
  requires std::is_same_v<typename Derived::Scalar, double>
  explicit Mat(const Eigen::MatrixBase<Derived>& e) : Mat(Eigen::MatrixXd(e)) {}

  // The shape. Like value(), for an active Mat its tape must be the active one: a Mat kept past
  // its gradient call or TapeScope throws TapeMismatchError, shape queries included (the node
  // it points to may already be freed or reused).
  [[nodiscard]] Eigen::Index rows() const;
  [[nodiscard]] Eigen::Index cols() const;
  [[nodiscard]] Eigen::Index size() const { return rows() * cols(); }
  // True when the Mat depends on no variable.
  [[nodiscard]] bool is_constant() const noexcept { return node_ == nullptr; }
  // Its value. For an active Mat its tape must be the active one (throws otherwise: the record
  // may be gone).
  [[nodiscard]] const Eigen::MatrixXd& value() const;

  // Element (i, j), or entry k in column-major order, as a Var that takes part in the graph.
  [[nodiscard]] Var operator()(Eigen::Index i, Eigen::Index j) const;
  [[nodiscard]] Var operator[](Eigen::Index k) const;
  // All entries as Vars (one record per entry: the slow, element-wise path).
  [[nodiscard]] MatrixXv to_vars() const;

  // Shape operations (records; see mat_slicing.hpp for concatenation).
  [[nodiscard]] Mat transpose() const;
  [[nodiscard]] Mat block(Eigen::Index i, Eigen::Index j, Eigen::Index rows,
                          Eigen::Index cols) const;
  [[nodiscard]] Mat row(Eigen::Index i) const { return block(i, 0, 1, cols()); }
  [[nodiscard]] Mat col(Eigen::Index j) const { return block(0, j, rows(), 1); }
  // For vectors (one row or one column): n entries from k.
  [[nodiscard]] Mat segment(Eigen::Index k, Eigen::Index n) const;
  [[nodiscard]] Mat head(Eigen::Index n) const { return segment(0, n); }
  [[nodiscard]] Mat tail(Eigen::Index n) const { return segment(size() - n, n); }

  // Internals for operations and the replay machinery.
  // The operand an operation keeps; checks that this Mat's tape is `tape`.
  [[nodiscard]] detail::MatOperand operand(std::string_view op, const Tape* tape) const;
  [[nodiscard]] detail::MatNode* node() const noexcept { return node_; }
  [[nodiscard]] const Var& record() const noexcept { return record_; }
  Mat(detail::MatNode* node, const Var& record) noexcept : node_(node), record_(record) {}

 private:
  void check_alive(std::string_view op) const;
  detail::MatNode* node_ = nullptr;
  std::shared_ptr<const Eigen::MatrixXd> constant_;
  Var record_;
};

// A constant Mat sharing m (moved in, or copied once). Capture it in a loss instead of a
// MatrixXd to avoid one copy of the data per call.
[[nodiscard]] Mat constant(Eigen::MatrixXd m);
// A new independent matrix variable with value x on the active tape.
[[nodiscard]] Mat variable(const ConstMatrixRef& x);
// The values of a Mat (same as m.value(), for symmetry with values(VectorXv)).
[[nodiscard]] inline Eigen::MatrixXd values(const Mat& m) { return m.value(); }
// The gradient left in an independent matrix variable by the last reverse sweep of its tape.
[[nodiscard]] Eigen::MatrixXd gradient_of(const Mat& variable);

namespace detail {
// f is written on matrix nodes: it takes `const nabla::Mat&` and not `const VectorXv&` (a
// generic lambda keeps getting VectorXv). Selects the functional API's matrix overloads.
template <class F>
concept MatFunction =
    !std::is_invocable_v<F&, const VectorXv&> && std::is_invocable_v<F&, const Mat&>;

// The tape an operation on these operands records on, or nullptr when all are constant.
// Throws TapeMismatchError naming `op` when they belong to different or inactive tapes.
Tape* tape_of(std::string_view op, const Mat& a);
Tape* tape_of(std::string_view op, const Mat& a, const Mat& b);
Tape* tape_of(std::string_view op, const Mat& a, const Var& s);
// Evaluates the node and appends it to `tape`; with no tape, returns its value as a constant.
Mat finish(Tape* tape, std::unique_ptr<MatNode> node);
Var finish(Tape* tape, std::unique_ptr<ScalarNode> node);
// Throws ShapeError "nabla: <op>: shapes R×C and R×C do not ..." .
[[noreturn]] void throw_shape(std::string_view op, const Eigen::MatrixXd& a,
                              const Eigen::MatrixXd& b, std::string_view why);
[[noreturn]] void throw_shape(std::string_view op, Eigen::Index ar, Eigen::Index ac,
                              Eigen::Index br, Eigen::Index bc, std::string_view why);
}  // namespace detail

}  // namespace nabla
