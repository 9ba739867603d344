// nabla::Function — record once, evaluate many times. The constructor calls f once at x₀ and
// keeps the tape; value(), value_and_gradient() and jacobian() at a new x re-run the recorded
// forward sweep (elementary records from the rule table, custom records through their
// function, matrix records through their Eigen code) and the reverse sweep, without calling f.
// That is only valid while control flow does not depend on x: every comparison recorded on the
// tape and every kink (max, min, abs, relu, hinge — scalar or matrix) is re-checked after the
// forward replay, and status() says whether one flipped. See docs/replay.md.
//
//   nabla::Function fn(f, x0);                 // calls f once
//   auto [y, g] = fn.value_and_gradient(x1);   // replays; f is not called
//   if (!fn.status().ok()) { /* a branch flipped: fn.rerecord(x1) or trust the warning */ }
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include <nabla/autodiff/core/error.hpp>
#include <nabla/autodiff/core/tape.hpp>
#include <nabla/autodiff/matrix/mat.hpp>
#include <nabla/autodiff/scalar/eigen_support.hpp>

namespace nabla {

// Thrown by a replay under OnBranchFlip::Throw when a recorded branch no longer holds.
class BranchFlipError : public Error {
 public:
  using Error::Error;
};

// What a replay does when a recorded comparison or kink goes the other way at the new point.
enum class OnBranchFlip : std::uint8_t {
  Report,    // compute anyway (max/min/abs/relu recompute exactly; branches of f's own `if`
             // do not) and say so in status()
  Throw,     // throw BranchFlipError
  Rerecord,  // call f again at the new point (the one case where f is called) and use that
};

// The outcome of the last replay's branch check.
struct ReplayStatus {
  std::size_t flipped_comparisons = 0;  // Var comparisons (if (x < y) …) with another outcome
  std::size_t flipped_kinks = 0;        // entries of max/min/abs/relu/hinge on another side
  std::size_t first_record = 0;         // tape position of the first flip
  bool rerecorded = false;              // OnBranchFlip::Rerecord recorded f again
  [[nodiscard]] bool ok() const noexcept { return flipped_comparisons == 0 && flipped_kinks == 0; }
};

class Function {
 public:
  // Records f at x0. f takes `const VectorXv&` (x is a vector of scalar variables) or
  // `const Mat&` (x is one matrix variable of x0's shape) and returns a Var, a VectorXv, or
  // (for a Mat argument) a Mat.
  template <class F, class Derived>
  Function(F f, const Eigen::MatrixBase<Derived>& x0, OnBranchFlip policy = OnBranchFlip::Report)
      : policy_(policy) {
    recorder_ = [f = std::move(f)](Function& self, const ConstMatrixRef& x) mutable {
      self.record_with(f, x);
    };
    record(ConstMatrixRef(x0));
  }
  // Records f at several matrix blocks of any shapes (W1, b1, W2, b2, …): f takes
  // `const std::vector<Mat>&` (one variable per block, in order) and returns a Var, a VectorXv
  // or a Mat. The evaluations below then take the blocks as a std::vector<Eigen::MatrixXd> of
  // the same shapes and return one gradient per block.
  template <class F>
  Function(F f, const std::vector<Eigen::MatrixXd>& x0, OnBranchFlip policy = OnBranchFlip::Report)
      : policy_(policy) {
    if (x0.empty()) throw Error("nabla::Function: no input blocks");
    for (const Eigen::MatrixXd& b : x0) block_shapes_.emplace_back(b.rows(), b.cols());
    recorder_ = [f = std::move(f)](Function& self, const ConstMatrixRef& x) mutable {
      self.record_blocks_with(f, x);
    };
    const Eigen::VectorXd packed = pack(x0);
    record(ConstMatrixRef(packed));
  }
  Function(const Function&) = delete;
  Function& operator=(const Function&) = delete;
  Function(Function&&) noexcept = default;
  Function& operator=(Function&&) noexcept = default;
  ~Function() = default;

  // f(x) (one output).
  template <class Derived>
  double value(const Eigen::MatrixBase<Derived>& x) {
    const ConstMatrixRef xm(x);
    forward(xm);
    return output_value(0);
  }
  // All outputs at x, in order (column-major for a Mat output).
  template <class Derived>
  Eigen::VectorXd values(const Eigen::MatrixBase<Derived>& x) {
    const ConstMatrixRef xm(x);
    forward(xm);
    Eigen::VectorXd out(static_cast<Eigen::Index>(outputs()));
    for (std::size_t k = 0; k < outputs(); ++k) out[static_cast<Eigen::Index>(k)] = output_value(k);
    return out;
  }
  // f(x) and ∇f(x), the gradient in x's shape.
  template <class Derived>
  std::pair<double, typename Derived::PlainObject> value_and_gradient(
      const Eigen::MatrixBase<Derived>& x) {
    const ConstMatrixRef xm(x);
    forward(xm);
    typename Derived::PlainObject g(xm.rows(), xm.cols());
    reverse(0, g.data());
    return {output_value(0), std::move(g)};
  }
  template <class Derived>
  typename Derived::PlainObject gradient(const Eigen::MatrixBase<Derived>& x) {
    return value_and_gradient(x).second;
  }
  // The outputs × inputs Jacobian (inputs and a Mat output in column-major order).
  template <class Derived>
  Eigen::MatrixXd jacobian(const Eigen::MatrixBase<Derived>& x) {
    const ConstMatrixRef xm(x);
    forward(xm);
    Eigen::MatrixXd jac(static_cast<Eigen::Index>(outputs()), xm.size());
    Eigen::MatrixXd g(xm.rows(), xm.cols());
    for (std::size_t k = 0; k < outputs(); ++k) {
      reverse(k, g.data());
      jac.row(static_cast<Eigen::Index>(k)) = g.reshaped().transpose();
    }
    return jac;
  }

  // Records f again at x (calls f); the next replays use the new recording.
  template <class Derived>
  void rerecord(const Eigen::MatrixBase<Derived>& x) {
    record(ConstMatrixRef(x));
  }

  // The same evaluations for a Function recorded on several blocks: x holds one matrix per
  // block, each of its recorded shape; gradients come back one per block.
  double value(const std::vector<Eigen::MatrixXd>& x) { return value(pack(x)); }
  Eigen::VectorXd values(const std::vector<Eigen::MatrixXd>& x) { return values(pack(x)); }
  std::pair<double, std::vector<Eigen::MatrixXd>> value_and_gradient(
      const std::vector<Eigen::MatrixXd>& x) {
    auto [y, g] = value_and_gradient(pack(x));
    return {y, unpack(g)};
  }
  std::vector<Eigen::MatrixXd> gradient(const std::vector<Eigen::MatrixXd>& x) {
    return value_and_gradient(x).second;
  }
  // outputs × (all blocks' entries: block 0 column-major, then block 1, …).
  Eigen::MatrixXd jacobian(const std::vector<Eigen::MatrixXd>& x) { return jacobian(pack(x)); }
  void rerecord(const std::vector<Eigen::MatrixXd>& x) {
    const Eigen::VectorXd packed = pack(x);
    record(ConstMatrixRef(packed));
  }
  // The number of input blocks: 0 for a Function recorded on one VectorXv or Mat.
  [[nodiscard]] std::size_t blocks() const noexcept { return block_shapes_.size(); }

  // The branch check of the last evaluation.
  [[nodiscard]] const ReplayStatus& status() const noexcept { return status_; }
  void set_on_branch_flip(OnBranchFlip policy) noexcept { policy_ = policy; }
  [[nodiscard]] std::size_t inputs() const noexcept {
    return static_cast<std::size_t>(rows_ * cols_);
  }
  [[nodiscard]] std::size_t outputs() const noexcept;
  // How many times f was called (1 + re-recordings).
  [[nodiscard]] std::size_t recordings() const noexcept { return recordings_; }
  [[nodiscard]] const Tape& tape() const noexcept { return *tape_; }

 private:
  struct Output {
    std::uint32_t index = 0;
    double constant = 0.0;
    bool active = false;
  };
  struct Kink {
    std::uint32_t record;
    std::int8_t side;
  };

  template <class F>
  void record_with(F& f, const ConstMatrixRef& x);
  template <class F>
  void record_blocks_with(F& f, const ConstMatrixRef& x);
  template <class Y>
  void set_output(const Y& y);
  void clear_recording(const ConstMatrixRef& x);
  // The blocks as one column (block 0 column-major, then block 1, …) and back; a block of
  // another shape than recorded is a ShapeError naming it.
  [[nodiscard]] Eigen::VectorXd pack(const std::vector<Eigen::MatrixXd>& x) const;
  [[nodiscard]] std::vector<Eigen::MatrixXd> unpack(const Eigen::VectorXd& packed) const;
  void record(const ConstMatrixRef& x);
  void set_var_output(const Var& y);
  void set_mat_output(const Mat& y);
  void finish_recording();
  void forward(const ConstMatrixRef& x);
  void replay(const ConstMatrixRef& x);
  void check_branches();
  [[nodiscard]] double output_value(std::size_t k) const;
  // Writes the gradient of output k into gradient[0 .. inputs()) (column-major).
  void reverse(std::size_t output, double* gradient);
  [[nodiscard]] std::int8_t kink_side(std::uint32_t record) const;

  std::unique_ptr<Tape> tape_ = std::make_unique<Tape>();
  std::function<void(Function&, const ConstMatrixRef&)> recorder_;
  OnBranchFlip policy_ = OnBranchFlip::Report;
  ReplayStatus status_;
  std::size_t recordings_ = 0;
  Eigen::Index rows_ = 0;
  Eigen::Index cols_ = 0;
  // Inputs: scalar records, or matrix variables (one, or one per block of block_shapes_).
  std::vector<std::uint32_t> input_records_;
  std::vector<detail::LeafNode*> leaves_;
  std::vector<std::pair<Eigen::Index, Eigen::Index>> block_shapes_;
  // Outputs: scalar records (or constants), or one matrix record.
  std::vector<Output> outputs_;
  detail::MatNode* mat_output_ = nullptr;
  std::uint32_t mat_output_record_ = 0;
  // Branch checks.
  std::vector<Kink> kinks_;
  std::vector<detail::MatNode*> kinked_mats_;
  std::vector<detail::ScalarNode*> kinked_scalars_;
};

template <class Y>
void Function::set_output(const Y& y) {
  if constexpr (std::is_same_v<Y, Var>) {
    set_var_output(y);
  } else if constexpr (std::is_same_v<Y, VectorXv>) {
    for (Eigen::Index k = 0; k < y.size(); ++k) set_var_output(y[k]);
  } else {
    static_assert(std::is_same_v<Y, Mat>,
                  "nabla::Function: f must return a Var, a VectorXv or a Mat");
    set_mat_output(y);
  }
}

template <class F>
void Function::record_with(F& f, const ConstMatrixRef& x) {
  clear_recording(x);
  TapeScope scope(*tape_);
  if constexpr (std::is_invocable_v<F&, const VectorXv&>) {
    VectorXv xv(x.size());
    for (Eigen::Index k = 0; k < x.size(); ++k) {
      xv[k] = tape_->variable(x(k % x.rows(), k / x.rows()));
      input_records_.push_back(xv[k].index());
    }
    const auto y = std::invoke(f, std::as_const(xv));
    using R = std::decay_t<decltype(y)>;
    static_assert(std::is_same_v<R, Var> || std::is_same_v<R, VectorXv>,
                  "nabla::Function: f(const VectorXv&) must return a Var or a VectorXv");
    set_output(y);
  } else {
    static_assert(std::is_invocable_v<F&, const Mat&>,
                  "nabla::Function: f must be callable as f(const VectorXv&) or f(const Mat&)");
    const Mat xm = variable(x);
    leaves_.push_back(static_cast<detail::LeafNode*>(xm.node()));
    const auto y = std::invoke(f, xm);
    set_output(y);
  }
  ++recordings_;
  finish_recording();
}

template <class F>
void Function::record_blocks_with(F& f, const ConstMatrixRef& x) {
  static_assert(std::is_invocable_v<F&, const std::vector<Mat>&>,
                "nabla::Function: f on blocks must be callable as f(const std::vector<Mat>&)");
  clear_recording(x);
  TapeScope scope(*tape_);
  std::vector<Mat> blocks;
  blocks.reserve(block_shapes_.size());
  Eigen::Index offset = 0;
  for (const auto& [r, c] : block_shapes_) {
    blocks.push_back(variable(Eigen::Map<const Eigen::MatrixXd>(x.data() + offset, r, c)));
    leaves_.push_back(static_cast<detail::LeafNode*>(blocks.back().node()));
    offset += r * c;
  }
  const auto y = std::invoke(f, std::as_const(blocks));
  set_output(y);
  ++recordings_;
  finish_recording();
}

}  // namespace nabla
