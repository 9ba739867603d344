#include <nabla/autodiff/functional/replay.hpp>

#include <fmt/format.h>

#include <array>

#include <nabla/autodiff/core/op_rules.hpp>
#include <nabla/autodiff/scalar/custom_function.hpp>
#include <nabla/autodiff/scalar/var_compare.hpp>
#include <nabla/autodiff/sweeps/replay.hpp>

namespace nabla {

void Function::record(const ConstMatrixRef& x) { recorder_(*this, x); }

void Function::clear_recording(const ConstMatrixRef& x) {
  tape_->clear();
  input_records_.clear();
  leaves_.clear();
  outputs_.clear();
  mat_output_ = nullptr;
  rows_ = x.rows();
  cols_ = x.cols();
}

Eigen::VectorXd Function::pack(const std::vector<Eigen::MatrixXd>& x) const {
  if (block_shapes_.empty())
    throw Error(
        "nabla::Function: evaluated on blocks (a std::vector of matrices), but recorded on one "
        "input");
  if (x.size() != block_shapes_.size())
    throw ShapeError(fmt::format("nabla::Function: recorded on {} blocks, evaluated on {}",
                                 block_shapes_.size(), x.size()));
  Eigen::Index n = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    const auto [r, c] = block_shapes_[k];
    if (x[k].rows() != r || x[k].cols() != c)
      throw ShapeError(
          fmt::format("nabla::Function: block {} was recorded as {}×{}, evaluated as {}×{}", k, r,
                      c, x[k].rows(), x[k].cols()));
    n += r * c;
  }
  Eigen::VectorXd packed(n);
  Eigen::Index offset = 0;
  for (const Eigen::MatrixXd& b : x) {
    packed.segment(offset, b.size()) = b.reshaped();
    offset += b.size();
  }
  return packed;
}

std::vector<Eigen::MatrixXd> Function::unpack(const Eigen::VectorXd& packed) const {
  std::vector<Eigen::MatrixXd> out;
  out.reserve(block_shapes_.size());
  Eigen::Index offset = 0;
  for (const auto& [r, c] : block_shapes_) {
    out.emplace_back(Eigen::Map<const Eigen::MatrixXd>(packed.data() + offset, r, c));
    offset += r * c;
  }
  return out;
}

void Function::set_var_output(const Var& y) {
  tape_->require_recorded_here(y, "nabla::Function");
  Output o;
  o.active = !y.is_constant();
  o.index = y.index();
  o.constant = y.value();
  outputs_.push_back(o);
}

void Function::set_mat_output(const Mat& y) {
  if (y.is_constant()) {
    for (Eigen::Index k = 0; k < y.size(); ++k) {
      Output o;
      o.constant = y.value()(k);
      outputs_.push_back(o);
    }
    return;
  }
  tape_->require_recorded_here(y.record(), "nabla::Function");
  mat_output_ = y.node();
  mat_output_record_ = y.record().index();
}

std::size_t Function::outputs() const noexcept {
  if (mat_output_ != nullptr) return static_cast<std::size_t>(mat_output_->value().size());
  return outputs_.size();
}

std::int8_t Function::kink_side(std::uint32_t i) const {
  const Tape& t = *tape_;
  const double a = t.value_at(t.arg0(i));
  double b = 0.0;
  switch (op_kind(t.op(i))) {
    case Kind::Binary: b = t.value_at(t.arg1(i)); break;
    case Kind::BinaryConst:
    case Kind::ConstBinary: b = t.constant(t.arg1(i)); break;
    default: break;
  }
  return static_cast<std::int8_t>(a > b ? 1 : (a < b ? -1 : 0));
}

void Function::finish_recording() {
  kinks_.clear();
  kinked_mats_.clear();
  kinked_scalars_.clear();
  const Tape& t = *tape_;
  for (std::uint32_t i = 0; i < t.size(); ++i) {
    const Op op = t.op(i);
    switch (op) {
      case Op::Custom: {
        const Tape::CustomRecord& rec = t.custom(t.arg0(i));
        if (rec.function != nullptr && rec.count != rec.function->arity())
          throw Error(fmt::format(
              "nabla::Function: the custom operation '{}' (record #{}) was called with {} "
              "constant argument(s); the tape does not keep them, so it cannot be replayed. "
              "Pass every argument as a variable, or re-record instead of replaying",
              rec.function->name(), i, rec.function->arity() - rec.count));
        break;
      }
      case Op::Extension: {
        Extension& e = t.extension(t.arg0(i));
        if (auto* m = dynamic_cast<detail::MatNode*>(&e)) {
          m->remember_branches();
          kinked_mats_.push_back(m);
        } else if (auto* s = dynamic_cast<detail::ScalarNode*>(&e)) {
          s->remember_branches();
          kinked_scalars_.push_back(s);
        }
        break;
      }
      default:
        if (has_kink(op)) kinks_.push_back({i, kink_side(i)});  // the table's kink column
        break;
    }
  }
  status_ = ReplayStatus{};
}

void Function::forward(const ConstMatrixRef& x) {
  if (x.rows() != rows_ || x.cols() != cols_)
    throw ShapeError(
        fmt::format("nabla::Function: recorded for a {}×{} input, evaluated at a {}×{} one", rows_,
                    cols_, x.rows(), x.cols()));
  replay(x);
  check_branches();
  if (status_.ok()) return;
  switch (policy_) {
    case OnBranchFlip::Report: return;
    case OnBranchFlip::Throw:
      throw BranchFlipError(fmt::format(
          "nabla::Function: at the new point {} recorded comparison(s) and {} kink(s) take "
          "another branch than when f was recorded (first at tape position {}); re-record "
          "with rerecord(x) or use OnBranchFlip::Rerecord",
          status_.flipped_comparisons, status_.flipped_kinks, status_.first_record));
    case OnBranchFlip::Rerecord: {
      record(x);
      status_.rerecorded = true;
      return;
    }
  }
}

void Function::replay(const ConstMatrixRef& x) {
  Tape& t = *tape_;
  if (leaves_.size() == 1 && block_shapes_.empty()) {
    leaves_[0]->set_value(x);
  } else if (!leaves_.empty()) {
    // Blocks: x is the packed column (one contiguous column), each block a segment of it.
    Eigen::Index offset = 0;
    for (std::size_t k = 0; k < leaves_.size(); ++k) {
      const auto [r, c] = block_shapes_[k];
      leaves_[k]->set_value(Eigen::Map<const Eigen::MatrixXd>(x.data() + offset, r, c));
      offset += r * c;
    }
  } else {
    const Eigen::Index r = x.rows();
    for (std::size_t k = 0; k < input_records_.size(); ++k) {
      const auto e = static_cast<Eigen::Index>(k);
      t.set_value_at(input_records_[k], x(e % r, e / r));
    }
  }
  replay_sweep(t);
}

void Function::check_branches() {
  ReplayStatus s;
  std::size_t first = SIZE_MAX;
  const Tape& t = *tape_;
  for (const Comparison& c : t.comparisons()) {
    const double a = c.lhs_constant ? t.constant(c.lhs) : t.value_at(c.lhs);
    const double b = c.rhs_constant ? t.constant(c.rhs) : t.value_at(c.rhs);
    if (detail::compare_values(c.relation, a, b) != c.outcome) {
      ++s.flipped_comparisons;
      first = std::min<std::size_t>(first, c.position);
    }
  }
  for (const Kink& k : kinks_)
    if (kink_side(k.record) != k.side) {
      ++s.flipped_kinks;
      first = std::min<std::size_t>(first, k.record);
    }
  // Matrix records do not know their own position; report the kink count only.
  for (const detail::MatNode* m : kinked_mats_) s.flipped_kinks += m->changed_branches();
  for (const detail::ScalarNode* m : kinked_scalars_) s.flipped_kinks += m->changed_branches();
  s.first_record = first == SIZE_MAX ? 0 : first;
  status_ = s;
}

double Function::output_value(std::size_t k) const {
  if (mat_output_ != nullptr) return mat_output_->value()(static_cast<Eigen::Index>(k));
  if (k >= outputs_.size())
    throw Error(fmt::format("nabla::Function: output {} of {}", k, outputs_.size()));
  const Output& o = outputs_[k];
  return o.active ? tape_->value_at(o.index) : o.constant;
}

void Function::reverse(std::size_t output, double* g) {
  Tape& t = *tape_;
  const Eigen::Index n = rows_ * cols_;
  for (detail::LeafNode* leaf : leaves_) leaf->forget_gradient();
  if (mat_output_ != nullptr) {
    Eigen::MatrixXd seed =
        Eigen::MatrixXd::Zero(mat_output_->value().rows(), mat_output_->value().cols());
    seed(static_cast<Eigen::Index>(output)) = 1.0;
    mat_output_->set_adjoint(seed);
    t.reverse_from(mat_output_record_, 0.0);
  } else {
    if (output >= outputs_.size())
      throw Error(fmt::format("nabla::Function: output {} of {}", output, outputs_.size()));
    const Output& o = outputs_[output];
    if (!o.active) {
      Eigen::Map<Eigen::VectorXd>(g, n).setZero();
      return;
    }
    t.reverse_from(o.index, 1.0);
  }
  if (!leaves_.empty()) {
    double* out = g;
    for (const detail::LeafNode* leaf : leaves_) {
      leaf->copy_gradient(out);
      out += leaf->value().size();
    }
  } else {
    for (std::size_t k = 0; k < input_records_.size(); ++k) g[k] = t.adjoint_at(input_records_[k]);
  }
}

}  // namespace nabla
