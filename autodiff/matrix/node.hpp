// The tape records behind nabla::Mat. A whole-matrix operation is ONE Extension record on the
// ordinary tape: its object owns the output value (an Eigen::MatrixXd), the adjoint matrix the
// reverse sweep accumulates, and references to its inputs (other matrix records, constant
// matrices shared by reference count, or scalar records read through the tape). Its backward
// is a vector–Jacobian product written with Eigen (dA += dC·Bᵀ), never element-wise taping.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nabla/autodiff/core/dual.hpp>
#include <nabla/autodiff/core/extension.hpp>
#include <nabla/autodiff/core/tape.hpp>
#include <nabla/autodiff/core/var.hpp>

namespace nabla {
// A read-only view of a matrix of doubles: binds MatrixXd, VectorXd, maps and blocks without a
// copy (other expressions are evaluated once into a temporary).
using ConstMatrixRef = Eigen::Ref<const Eigen::MatrixXd>;
}  // namespace nabla

namespace nabla::detail {

// The tangent of scalar record i in a forward-mode or second-order sweep.
using ScalarTangents = std::function<double(std::uint32_t)>;

// Big matrices of finished records are kept per thread and handed to new records of the same
// size (bounded; see matrix_pool.cpp): a fresh multi-megabyte buffer costs page faults on
// every recording, which would otherwise dominate cheap element-wise records.
// Gives m the shape rows×cols, reusing its storage or a pooled one of the same size.
void pooled_resize(Eigen::MatrixXd& m, Eigen::Index rows, Eigen::Index cols);
// Hands m's storage to the pool (or frees it); m is left empty.
void recycle(Eigen::MatrixXd& m) noexcept;

// How many elements took another branch (side of a kink) now than when recorded: what a
// kinked node's changed_branches() reports to replay.
inline std::size_t count_changed(const std::vector<std::int8_t>& recorded,
                                 const std::vector<std::int8_t>& now) {
  std::size_t n = 0;
  for (std::size_t k = 0; k < now.size() && k < recorded.size(); ++k)
    n += now[k] != recorded[k] ? 1 : 0;
  return n;
}

// "entry (i, j) = nan" for the first entry of m that is not finite; empty when all are.
[[nodiscard]] std::string describe_non_finite(const Eigen::MatrixXd& m);

class MatNode;
struct VarOperand;

// One input of a matrix record as explain() and to_dot() show it: a matrix record, a constant
// matrix or a scalar (a Var record or a constant).
struct OperandView {
  std::string role;                           // its name in adjoint_rule(): "A", "B", "x", "γ"
  const MatNode* node = nullptr;              // a matrix record,
  const Eigen::MatrixXd* constant = nullptr;  // or a constant matrix,
  const VarOperand* scalar = nullptr;         // or a scalar
};

// What MatNode and ScalarNode share: how a record describes itself to the teaching tools.
class MatrixRecord : public Extension {
 public:
  // Appends the inputs in the order adjoint_rule() names them and returns true; false when the
  // node does not say (it is then shown by name, every earlier record counted as an input).
  virtual bool describe(std::vector<OperandView>& /*inputs*/) const { return false; }
  // How the adjoint goes back, on the inputs' names and the output's (C for a matrix, s for a
  // scalar): "dA += dC·Bᵀ, dB += Aᵀ·dC". Empty for an independent variable.
  [[nodiscard]] virtual std::string adjoint_rule() const { return {}; }
  // The operation's own constants worth showing ("α=2, β=1"); empty when none.
  [[nodiscard]] virtual std::string settings() const { return {}; }
  // The records describe() lists (Extension's hook for dependencies()).
  bool input_records(std::vector<std::uint32_t>& out) const final;
};

// A record whose output is a matrix.
class MatNode : public MatrixRecord {
 public:
  MatNode() = default;
  ~MatNode() override {
    recycle(value_);
    recycle(adjoint_);
  }

  [[nodiscard]] const Eigen::MatrixXd& value() const noexcept { return value_; }
  [[nodiscard]] std::string non_finite_value() const override {
    return describe_non_finite(value_);
  }
  [[nodiscard]] std::string non_finite_adjoint() const override {
    return has_adjoint_ ? describe_non_finite(adjoint_) : std::string();
  }
  // The value and the adjoint the reverse sweep will allocate beside it.
  [[nodiscard]] std::size_t bytes() const noexcept override {
    return 2 * static_cast<std::size_t>(value_.size()) * sizeof(double);
  }
  [[nodiscard]] bool has_adjoint() const noexcept { return has_adjoint_; }
  [[nodiscard]] const Eigen::MatrixXd& adjoint() const noexcept { return adjoint_; }

  // Adds e to the adjoint. The first contribution of a sweep assigns (no zero fill), so a
  // record used once costs one pass over its adjoint.
  template <class E>
  void add_adjoint(const E& e) {
    if (has_adjoint_) {
      adjoint_.noalias() += e;
    } else {
      pooled_resize(adjoint_, value_.rows(), value_.cols());
      adjoint_.noalias() = e;
      has_adjoint_ = true;
    }
  }
  // Adds the product e, or zero_rule() where e met 0·inf: a product that did has a NaN (NaN
  // absorbs every sum), one that did not equals the zero-rule product (forward mode's rule,
  // detail::tangent_product). The first contribution is assigned in place and checked with one
  // pass over the result; later ones go through a temporary.
  template <class E, class ZeroRule>
  void add_adjoint_zero_rule(const E& e, ZeroRule zero_rule) {
    if (has_adjoint_) {
      Eigen::MatrixXd c = e;
      if (c.hasNaN()) [[unlikely]]
        c = zero_rule();
      adjoint_ += c;
    } else {
      pooled_resize(adjoint_, value_.rows(), value_.cols());
      adjoint_.noalias() = e;
      has_adjoint_ = true;
      if (adjoint_.hasNaN()) [[unlikely]]
        adjoint_ = zero_rule();
    }
  }
  // The adjoint, zero-filled first when nothing was added yet in this sweep (for partial
  // updates such as a block or one element).
  Eigen::MatrixXd& zeroed_adjoint() {
    if (!has_adjoint_) {
      pooled_resize(adjoint_, value_.rows(), value_.cols());
      adjoint_.setZero();
      has_adjoint_ = true;
    }
    return adjoint_;
  }
  // Adds f(k) to adjoint entry k for every k (element-wise backward without a temporary).
  template <class F>
  void add_adjoint_each(Eigen::Index rows, Eigen::Index cols, F f) {
    const Eigen::Index n = rows * cols;
    if (has_adjoint_) {
      double* d = adjoint_.data();
      for (Eigen::Index k = 0; k < n; ++k) d[k] += f(k);
    } else {
      pooled_resize(adjoint_, rows, cols);
      double* d = adjoint_.data();
      for (Eigen::Index k = 0; k < n; ++k) d[k] = f(k);
      has_adjoint_ = true;
    }
  }
  // Column by column: f(j, adjoint column j, assign) writes the column when `assign` (the
  // first contribution of the sweep: the column holds garbage) and adds to it otherwise. For
  // backward passes that stay in one column while it is in cache.
  template <class F>
  void update_adjoint_by_column(F f) {
    const bool assign = !has_adjoint_;
    if (assign) {
      pooled_resize(adjoint_, value_.rows(), value_.cols());
      has_adjoint_ = true;
    }
    for (Eigen::Index j = 0; j < value_.cols(); ++j) f(j, adjoint_.col(j), assign);
  }
  // Replaces the adjoint (used to seed a sweep from a matrix output).
  void set_adjoint(const Eigen::MatrixXd& a) {
    adjoint_ = a;
    has_adjoint_ = true;
  }

  // Extension interface. The sweep always visits an extension record: with no adjoint this
  // returns at once; otherwise it pushes Jᵀ·adjoint to the inputs and forgets the adjoint.
  void reverse(double /*own_adjoint*/, Tape& tape) override {
    if (!has_adjoint_) return;
    backward(tape);
    has_adjoint_ = false;
  }
  void add_output_adjoint(std::uint32_t output, double adjoint) final {
    if (adjoint != 0.0) zeroed_adjoint()(static_cast<Eigen::Index>(output)) += adjoint;
  }
  double forward(const Tape& tape) final {
    evaluate(&tape);
    return 0.0;
  }
  [[nodiscard]] double output_value(std::uint32_t output) const final {
    return value_(static_cast<Eigen::Index>(output));
  }

  // Forward mode and second order (the optional Extension hooks). A matrix record keeps the
  // tangent of its value (tangent_) and, in the second-order reverse sweep, the two parts of
  // its dual adjoint (value part, tangent part), consumed and reset like the adjoint.
  double tangent(const Tape& /*tape*/, const double* tangents) final {
    forward_tangent([tangents](std::uint32_t i) { return tangents[i]; });
    return 0.0;
  }
  [[nodiscard]] double output_tangent(std::uint32_t output) const final {
    return tangent_(static_cast<Eigen::Index>(output));
  }
  Dual forward_dual(const Dual* values) final {
    forward_tangent([values](std::uint32_t i) { return values[i].t; });
    return Dual(0.0, 0.0);
  }
  [[nodiscard]] Dual output_dual(std::uint32_t output) const final {
    const auto k = static_cast<Eigen::Index>(output);
    return Dual(value_(k), tangent_(k));
  }
  void reverse_dual(Dual /*own_adjoint*/, const Dual* /*values*/, Dual* adjoints) final {
    if (!has_dual_adjoint_) return;
    backward_dual(adjoints);
    has_dual_adjoint_ = false;
  }
  void add_output_adjoint_dual(std::uint32_t output, Dual adjoint) final {
    if (adjoint.v == 0.0 && adjoint.t == 0.0) return;
    zero_dual_adjoint();
    dual_adjoint_v_(static_cast<Eigen::Index>(output)) += adjoint.v;
    dual_adjoint_t_(static_cast<Eigen::Index>(output)) += adjoint.t;
  }
  [[nodiscard]] const Eigen::MatrixXd& tangent_matrix() const noexcept { return tangent_; }
  // Adds (v, t) to the dual adjoint.
  template <class V, class T>
  void add_dual_adjoint(const V& v, const T& t) {
    zero_dual_adjoint();
    dual_adjoint_v_ += v;
    dual_adjoint_t_ += t;
  }
  template <class V, class T>
  void add_dual_adjoint_block(Eigen::Index i, Eigen::Index j, const V& v, const T& t) {
    zero_dual_adjoint();
    dual_adjoint_v_.block(i, j, v.rows(), v.cols()) += v;
    dual_adjoint_t_.block(i, j, t.rows(), t.cols()) += t;
  }
  void zero_dual_adjoint() {
    if (has_dual_adjoint_) return;
    dual_adjoint_v_.setZero(value_.rows(), value_.cols());
    dual_adjoint_t_.setZero(value_.rows(), value_.cols());
    has_dual_adjoint_ = true;
  }

  // Recomputes value_ from the inputs' current values (tape may be null when no input is a
  // scalar record).
  virtual void evaluate(const Tape* tape) = 0;
  // adjoint_ is complete: add Jᵀ·adjoint_ to the inputs' adjoints.
  virtual void backward(Tape& tape) = 0;

  // Kinks, for replay: remember which branch every element took, then count the elements
  // whose branch differs at the current values. Only operations with a kink override these.
  virtual void remember_branches() {}
  [[nodiscard]] virtual std::size_t changed_branches() const { return 0; }

  Eigen::MatrixXd take_value() noexcept { return std::move(value_); }

 protected:
  // tangent_ from the inputs' tangents (matrix inputs: their tangent_; scalar inputs: st).
  virtual void forward_tangent(const ScalarTangents& /*st*/) {
    unsupported("forward mode and second derivatives");
  }
  // The dual adjoint (dual_adjoint_v_, dual_adjoint_t_) is complete: push it to the inputs.
  virtual void backward_dual(Dual* /*adjoints*/) { unsupported("second derivatives"); }
  Eigen::MatrixXd tangent_;
  Eigen::MatrixXd dual_adjoint_v_;
  Eigen::MatrixXd dual_adjoint_t_;
  bool has_dual_adjoint_ = false;

  // Gives value_ its shape before an evaluation writes it (reusing storage when it can).
  void shape(Eigen::Index rows, Eigen::Index cols) { pooled_resize(value_, rows, cols); }

  Eigen::MatrixXd value_;
  Eigen::MatrixXd adjoint_;
  bool has_adjoint_ = false;
};

// A record whose output is one scalar (reductions, losses): its own tape slot holds the value
// and the adjoint, so it mixes with Var records like any scalar operation.
class ScalarNode : public MatrixRecord {
 public:
  void reverse(double own_adjoint, Tape& tape) final {
    if (own_adjoint == 0.0) return;
    backward(own_adjoint, tape);
  }
  void add_output_adjoint(std::uint32_t /*output*/, double /*adjoint*/) final {
    unsupported("element outputs (it is a scalar)");
  }
  double forward(const Tape& tape) final { return value_ = evaluate(&tape); }
  [[nodiscard]] double output_value(std::uint32_t /*output*/) const final { return value_; }
  [[nodiscard]] double value() const noexcept { return value_; }

  double tangent(const Tape& /*tape*/, const double* /*tangents*/) final {
    return tangent_ = forward_tangent();
  }
  [[nodiscard]] double output_tangent(std::uint32_t /*output*/) const final { return tangent_; }
  Dual forward_dual(const Dual* /*values*/) final {
    tangent_ = forward_tangent();
    return Dual(value_, tangent_);
  }
  [[nodiscard]] Dual output_dual(std::uint32_t /*output*/) const final {
    return Dual(value_, tangent_);
  }
  void reverse_dual(Dual own_adjoint, const Dual* /*values*/, Dual* /*adjoints*/) final {
    if (own_adjoint.v == 0.0 && own_adjoint.t == 0.0) return;
    backward_dual(own_adjoint);
  }
  void add_output_adjoint_dual(std::uint32_t /*output*/, Dual /*adjoint*/) final {
    unsupported("element outputs (it is a scalar)");
  }

  virtual double evaluate(const Tape* tape) = 0;
  virtual void backward(double adjoint, Tape& tape) = 0;

  virtual void remember_branches() {}
  [[nodiscard]] virtual std::size_t changed_branches() const { return 0; }

  void set_value(double v) noexcept { value_ = v; }

 protected:
  // The tangent of the value from the matrix inputs' tangents.
  virtual double forward_tangent() { unsupported("forward mode and second derivatives"); }
  // Pushes the dual adjoint w of the value to the matrix inputs' dual adjoints.
  virtual void backward_dual(Dual /*w*/) { unsupported("second derivatives"); }
  double value_ = 0.0;
  double tangent_ = 0.0;
};

// An input of a matrix operation: another matrix record, or a constant matrix shared by
// reference count (never copied per operation, and alive as long as any record needs it).
struct MatOperand {
  MatNode* node = nullptr;
  std::shared_ptr<const Eigen::MatrixXd> constant;

  [[nodiscard]] const Eigen::MatrixXd& value() const noexcept {
    return node != nullptr ? node->value() : *constant;
  }
  [[nodiscard]] bool active() const noexcept { return node != nullptr; }
  template <class E>
  void add_adjoint(const E& e) const {
    if (node != nullptr) node->add_adjoint(e);
  }
  template <class E, class ZeroRule>
  void add_adjoint_zero_rule(const E& e, ZeroRule zero_rule) const {
    if (node != nullptr) node->add_adjoint_zero_rule(e, std::move(zero_rule));
  }
  // The tangent of the value (zero for a constant).
  [[nodiscard]] Eigen::MatrixXd tangent() const {
    if (node != nullptr) return node->tangent_matrix();
    return Eigen::MatrixXd::Zero(constant->rows(), constant->cols());
  }
  template <class V, class T>
  void add_dual_adjoint(const V& v, const T& t) const {
    if (node != nullptr) node->add_dual_adjoint(v, t);
  }
  template <class F>
  void add_adjoint_each(F f) const {
    if (node != nullptr) node->add_adjoint_each(node->value().rows(), node->value().cols(), f);
  }
};

// A scalar input of a matrix operation: a Var record (read and updated through the tape) or a
// constant.
struct VarOperand {
  std::uint32_t index = 0;
  double constant = 0.0;
  bool active = false;

  VarOperand() = default;
  explicit VarOperand(const Var& v) noexcept
      : index(v.index()), constant(v.value()), active(!v.is_constant()) {}
  [[nodiscard]] double value(const Tape* tape) const noexcept {
    return active && tape != nullptr ? tape->value_at(index) : constant;
  }
  void add_adjoint(Tape& tape, double w) const noexcept {
    if (active) tape.add_adjoint_at(index, w);
  }
};

inline OperandView view(std::string role, const MatOperand& m) {
  return OperandView{std::move(role), m.node, m.node == nullptr ? m.constant.get() : nullptr,
                     nullptr};
}
inline OperandView view(std::string role, const VarOperand& v) {
  return OperandView{std::move(role), nullptr, nullptr, &v};
}

// An independent matrix variable. Its reverse() moves the finished adjoint into gradient(),
// which the functional API and Function read after a sweep.
class LeafNode final : public MatNode {
 public:
  explicit LeafNode(const ConstMatrixRef& x) {
    shape(x.rows(), x.cols());
    value_ = x;
  }
  ~LeafNode() override { recycle(gradient_); }
  [[nodiscard]] std::string_view name() const noexcept override { return "matrix_variable"; }
  bool describe(std::vector<OperandView>& /*inputs*/) const override { return true; }
  void set_value(const ConstMatrixRef& x) { value_ = x; }
  void evaluate(const Tape* /*tape*/) override {}
  void backward(Tape& /*tape*/) override {}
  void reverse(double /*own_adjoint*/, Tape& /*tape*/) override {
    has_gradient_ = has_adjoint_;
    if (has_adjoint_) gradient_.swap(adjoint_);
    has_adjoint_ = false;
  }
  // The gradient of the last sweep that reached this record (zero if nothing depended on it).
  [[nodiscard]] Eigen::MatrixXd gradient() const {
    if (has_gradient_) return gradient_;
    return Eigen::MatrixXd::Zero(value_.rows(), value_.cols());
  }
  // The gradient, moved out (no copy of a large matrix); the leaf forgets it.
  [[nodiscard]] Eigen::MatrixXd take_gradient() {
    if (!has_gradient_) return Eigen::MatrixXd::Zero(value_.rows(), value_.cols());
    has_gradient_ = false;
    return std::move(gradient_);
  }
  // Writes the gradient into out[0 .. size) (column-major).
  void copy_gradient(double* out) const {
    const Eigen::Index n = value_.size();
    if (has_gradient_)
      Eigen::Map<Eigen::VectorXd>(out, n) = gradient_.reshaped();
    else
      Eigen::Map<Eigen::VectorXd>(out, n).setZero();
  }
  void forget_gradient() noexcept { has_gradient_ = false; }
  // The direction of this variable in a forward-mode sweep (zero unless set).
  void set_tangent(const Eigen::MatrixXd& t) { tangent_ = t; }
  // The dual adjoint of the last second-order sweep that reached this record: its value part
  // is the gradient, its tangent part H·vec(tangent) (both column-major; zero if nothing
  // depended on it). hvp/hessian of a Mat function read them here.
  void copy_dual_gradient(double* value, double* tangent) const {
    const Eigen::Index n = value_.size();
    if (value != nullptr) {
      if (has_dual_gradient_)
        Eigen::Map<Eigen::VectorXd>(value, n) = dual_adjoint_v_.reshaped();
      else
        Eigen::Map<Eigen::VectorXd>(value, n).setZero();
    }
    if (tangent != nullptr) {
      if (has_dual_gradient_)
        Eigen::Map<Eigen::VectorXd>(tangent, n) = dual_adjoint_t_.reshaped();
      else
        Eigen::Map<Eigen::VectorXd>(tangent, n).setZero();
    }
  }
  void forget_dual_gradient() noexcept { has_dual_gradient_ = false; }

 protected:
  void forward_tangent(const ScalarTangents& /*st*/) override {
    if (tangent_.rows() != value_.rows() || tangent_.cols() != value_.cols())
      tangent_.setZero(value_.rows(), value_.cols());
  }
  // An input: nothing further back; the dual adjoint stays for copy_dual_gradient (the sweep
  // clears only the flag, the next one zeroes the matrices before adding).
  void backward_dual(Dual* /*adjoints*/) override { has_dual_gradient_ = true; }

 private:
  Eigen::MatrixXd gradient_;
  bool has_gradient_ = false;
  bool has_dual_gradient_ = false;
};

}  // namespace nabla::detail
