#include <nabla/autodiff/matrix/mat.hpp>

#include <fmt/format.h>

#include <cmath>
#include <utility>
#include <vector>

#include <nabla/autodiff/core/error.hpp>

namespace nabla {

namespace {

const std::shared_ptr<const Eigen::MatrixXd>& empty_matrix() {
  static const auto empty = std::make_shared<const Eigen::MatrixXd>();
  return empty;
}

// A Mat built from Vars: reads every active entry through the tape.
class FromVarsNode final : public detail::MatNode {
 public:
  FromVarsNode(Eigen::Index rows, Eigen::Index cols, std::vector<detail::VarOperand> entries)
      : entries_(std::move(entries)) {
    shape(rows, cols);
  }
  [[nodiscard]] std::string_view name() const noexcept override { return "matrix_from_vars"; }
  bool describe(std::vector<detail::OperandView>& inputs) const override {
    for (std::size_t k = 0; k < entries_.size(); ++k) {
      const auto e = static_cast<Eigen::Index>(k);
      inputs.push_back(
          detail::view(fmt::format("C({},{})", e % value_.rows(), e / value_.rows()), entries_[k]));
    }
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override {
    return "each entry's record += its entry of dC";
  }
  void evaluate(const Tape* tape) override {
    for (std::size_t k = 0; k < entries_.size(); ++k)
      value_(static_cast<Eigen::Index>(k)) = entries_[k].value(tape);
  }
  void backward(Tape& tape) override {
    for (std::size_t k = 0; k < entries_.size(); ++k)
      entries_[k].add_adjoint(tape, adjoint_(static_cast<Eigen::Index>(k)));
  }

 protected:
  void forward_tangent(const detail::ScalarTangents& st) override {
    tangent_.resize(value_.rows(), value_.cols());
    for (std::size_t k = 0; k < entries_.size(); ++k)
      tangent_(static_cast<Eigen::Index>(k)) = entries_[k].active ? st(entries_[k].index) : 0.0;
  }
  void backward_dual(Dual* adjoints) override {
    for (std::size_t k = 0; k < entries_.size(); ++k) {
      if (!entries_[k].active) continue;
      const auto e = static_cast<Eigen::Index>(k);
      adjoints[entries_[k].index] += Dual(dual_adjoint_v_(e), dual_adjoint_t_(e));
    }
  }

 private:
  std::vector<detail::VarOperand> entries_;
};

template <class M>
Mat from_vars(const M& m) {
  Tape* tape = nullptr;
  for (Eigen::Index k = 0; k < m.size(); ++k) {
    const Var& v = m(k);
    if (v.is_constant()) continue;
    Tape& t = Tape::active_for(Op::Extension, v);
    if (tape == nullptr) tape = &t;
  }
  std::vector<detail::VarOperand> entries;
  entries.reserve(static_cast<std::size_t>(m.size()));
  for (Eigen::Index k = 0; k < m.size(); ++k) entries.emplace_back(m(k));
  return detail::finish(tape,
                        std::make_unique<FromVarsNode>(m.rows(), m.cols(), std::move(entries)));
}

}  // namespace

Mat::Mat(const Eigen::MatrixXd& constant)
    : constant_(std::make_shared<const Eigen::MatrixXd>(constant)) {}
Mat::Mat(Eigen::MatrixXd&& constant)
    : constant_(std::make_shared<const Eigen::MatrixXd>(std::move(constant))) {}
Mat::Mat(std::shared_ptr<const Eigen::MatrixXd> constant) : constant_(std::move(constant)) {
  if (constant_ == nullptr) constant_ = empty_matrix();
}
Mat::Mat(const MatrixXv& m) : Mat(from_vars(m)) {}
Mat::Mat(const VectorXv& v) : Mat(from_vars(v)) {}
Mat::Mat(const RowVectorXv& v) : Mat(from_vars(v)) {}

Eigen::Index Mat::rows() const {
  if (node_ != nullptr) {
    check_alive("rows()");
    return node_->value().rows();
  }
  return constant_ ? constant_->rows() : 0;
}
Eigen::Index Mat::cols() const {
  if (node_ != nullptr) {
    check_alive("cols()");
    return node_->value().cols();
  }
  return constant_ ? constant_->cols() : 0;
}

void Mat::check_alive(std::string_view op) const {
  const Tape* t = Tape::active();
  if (t == nullptr || t->stamp() != record_.stamp())
    throw TapeMismatchError(fmt::format(
        "nabla: {} of a matrix node (record #{}) whose tape is not the active one: it was "
        "cleared, or the Mat outlived its gradient call / TapeScope",
        op, record_.index()));
}

const Eigen::MatrixXd& Mat::value() const {
  if (node_ == nullptr) return constant_ ? *constant_ : *empty_matrix();
  check_alive("value()");
  return node_->value();
}

detail::MatOperand Mat::operand(std::string_view op, const Tape* tape) const {
  if (node_ == nullptr) return {nullptr, constant_ ? constant_ : empty_matrix()};
  if (tape == nullptr || tape->stamp() != record_.stamp()) check_alive(op);
  return {node_, nullptr};
}

Var Mat::operator()(Eigen::Index i, Eigen::Index j) const {
  if (i < 0 || j < 0 || i >= rows() || j >= cols())
    throw ShapeError(fmt::format("nabla: element ({}, {}) of a {}×{} matrix is out of range", i, j,
                                 rows(), cols()));
  return (*this)[i + j * rows()];
}

Var Mat::operator[](Eigen::Index k) const {
  if (k < 0 || k >= size())
    throw ShapeError(
        fmt::format("nabla: entry {} of a {}×{} matrix is out of range", k, rows(), cols()));
  if (node_ == nullptr) return Var((*constant_)(k));
  check_alive("element access");
  Tape& tape = *Tape::active();
  return tape.push_extension_output(record_, static_cast<std::uint32_t>(k), node_->value()(k));
}

MatrixXv Mat::to_vars() const {
  MatrixXv out(rows(), cols());
  for (Eigen::Index k = 0; k < size(); ++k) out(k) = (*this)[k];
  return out;
}

Mat constant(Eigen::MatrixXd m) { return Mat(std::move(m)); }

Mat variable(const ConstMatrixRef& x) {
  Tape* t = Tape::active();
  if (t == nullptr)
    throw NoActiveTapeError(
        "nabla: variable(matrix) needs an active tape; create a nabla::Tape and a TapeScope "
        "first, or use nabla::gradient");
  auto leaf = std::make_unique<detail::LeafNode>(x);
  detail::MatNode* p = leaf.get();
  const Var r = t->push_extension(std::move(leaf), 0.0);
  return Mat(p, r);
}

Eigen::MatrixXd gradient_of(const Mat& v) {
  auto* leaf = dynamic_cast<detail::LeafNode*>(v.node());
  if (leaf == nullptr)
    throw Error("nabla: gradient_of needs an independent matrix variable (nabla::variable)");
  return leaf->gradient();
}

namespace detail {

Tape* tape_of(std::string_view op, const Mat& a) {
  if (a.is_constant()) return nullptr;
  Tape* t = Tape::active();
  (void)a.operand(op, t);  // throws when a's tape is not the active one
  return t;
}

Tape* tape_of(std::string_view op, const Mat& a, const Mat& b) {
  if (a.is_constant()) return tape_of(op, b);
  Tape* t = tape_of(op, a);
  if (!b.is_constant() && b.record().stamp() != a.record().stamp())
    throw TapeMismatchError(
        fmt::format("nabla: {} mixes matrix nodes of two tapes (records #{} and #{})", op,
                    a.record().index(), b.record().index()));
  return t;
}

Tape* tape_of(std::string_view op, const Mat& a, const Var& s) {
  if (s.is_constant()) return tape_of(op, a);
  Tape* t = Tape::active();
  if (t == nullptr || t->stamp() != s.stamp())
    throw TapeMismatchError(
        fmt::format("nabla: {} with a scalar variable (#{}) of a tape that is not the active one",
                    op, s.index()));
  if (!a.is_constant() && a.record().stamp() != s.stamp())
    throw TapeMismatchError(
        fmt::format("nabla: {} mixes a matrix node and a scalar of two tapes", op));
  return t;
}

bool MatrixRecord::input_records(std::vector<std::uint32_t>& out) const {
  std::vector<OperandView> inputs;
  if (!describe(inputs)) return false;
  for (const OperandView& v : inputs) {
    if (v.node != nullptr) out.push_back(v.node->record());
    if (v.scalar != nullptr && v.scalar->active) out.push_back(v.scalar->index);
  }
  return true;
}

Mat finish(Tape* tape, std::unique_ptr<MatNode> node) {
  node->evaluate(tape);
  if (tape == nullptr) return Mat(node->take_value());
  MatNode* p = node.get();
  const Var r = tape->push_extension(std::move(node), 0.0);
  return Mat(p, r);
}

Var finish(Tape* tape, std::unique_ptr<ScalarNode> node) {
  const double v = node->evaluate(tape);
  node->set_value(v);
  if (tape == nullptr) return Var(v);
  return tape->push_extension(std::move(node), v);
}

std::string describe_non_finite(const Eigen::MatrixXd& m) {
  if (m.allFinite()) return {};
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      if (!std::isfinite(m(i, j)))
        return fmt::format("entry ({}, {}) of {}×{} = {}", i, j, m.rows(), m.cols(), m(i, j));
  return {};
}

void throw_shape(std::string_view op, Eigen::Index ar, Eigen::Index ac, Eigen::Index br,
                 Eigen::Index bc, std::string_view why) {
  throw ShapeError(fmt::format("nabla: {}: shapes {}×{} and {}×{} {}", op, ar, ac, br, bc, why));
}

void throw_shape(std::string_view op, const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                 std::string_view why) {
  throw_shape(op, a.rows(), a.cols(), b.rows(), b.cols(), why);
}

}  // namespace detail

}  // namespace nabla
