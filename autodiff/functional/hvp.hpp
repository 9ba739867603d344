// Hessian–vector products by forward over reverse: a forward sweep over the recording on dual
// numbers (value, tangent along v), then a reverse sweep whose adjoints are dual numbers too,
// with the local partials of op_rules.hpp evaluated on duals (op_partials<Dual>). The value
// parts of the input adjoints are ∇f(x); their tangent parts are H(x)·v. Cost: one recording
// plus two sweeps on pairs of doubles, a small multiple of a gradient; H is never formed.
//
//   auto f = [](const nabla::VectorXv& x) { return x[0] * x[0] * x[1]; };
//   Eigen::VectorXd hv = nabla::hvp(f, Eigen::Vector2d(1, 2), Eigen::Vector2d(1, 0));  // (4, 2)
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <utility>
#include <vector>

#include <nabla/autodiff/core/dual.hpp>
#include <nabla/autodiff/functional/jvp.hpp>

namespace nabla {

// The two dual sweeps over one recording, reusable for many directions (hessian() runs one
// per column). Records of a custom scalar function have no second derivatives: a sweep that
// reaches one with a non-zero adjoint throws a nabla::Error naming the function.
class SecondOrderSweep {
 public:
  // `inputs` are the record indices of the independent variables, `output` the scalar
  // result's record (or a constant Var, whose Hessian is 0).
  SecondOrderSweep(Tape& tape, const VectorXv& inputs, const Var& output);
  SecondOrderSweep(const SecondOrderSweep&) = delete;
  SecondOrderSweep& operator=(const SecondOrderSweep&) = delete;
  ~SecondOrderSweep();

  // H·v into hv (and ∇f into gradient when it is not null); v, hv, gradient have
  // inputs.size() entries.
  void run(const double* v, double* hv, double* gradient = nullptr);

 private:
  Tape& tape_;
  std::vector<std::uint32_t> inputs_;
  std::vector<std::pair<std::size_t, std::size_t>> order_;  // (record, position in inputs_)
  bool constant_output_;
  std::uint32_t output_;
  std::size_t end_ = 0;
  // Per-thread buffers reused across calls (no allocation or page faults once warm); a
  // second sweep alive at the same time on the thread gets buffers of its own.
  bool pooled_ = false;
  std::vector<Dual> own_values_;
  std::vector<Dual> own_adjoints_;
  Dual* values_ = nullptr;
  Dual* adjoints_ = nullptr;
};

// H_f(x)·v for f: Rⁿ → R written with Var.
template <class F>
requires(!detail::MatFunction<F>) Eigen::VectorXd
    hvp(F&& f, const Eigen::VectorXd& x, const Eigen::VectorXd& v) {
  detail::require_same_size("hvp", "the direction v", x.size(), v.size());
  detail::ScopedTape scope;
  Tape& tape = scope.tape();
  auto [xv, y] = detail::record_at(tape, f, x);
  detail::require_scalar_result<decltype(y)>();
  SecondOrderSweep sweep(tape, xv, y);
  Eigen::VectorXd hv(x.size());
  sweep.run(v.data(), hv.data());
  return hv;
}

// --- f written on matrix nodes: f(const nabla::Mat&) ------------------------------------------
// x may be any Eigen matrix X; derivatives are taken with respect to vec(X), its entries in
// column-major order (the convention of jacobian and the Mat gradient's .reshaped()). The
// direction enters the sweep as the tangent of the matrix variable (LeafNode::set_tangent)
// and H·v comes back as the tangent part of its dual adjoint.

namespace detail {

// The two dual sweeps over a recording of f(X) whose input is one matrix variable.
class MatSecondOrderSweep {
 public:
  MatSecondOrderSweep(Tape& tape, const Mat& x, const Var& y)
      : leaf_(leaf_of(x)),
        sweep_(tape, VectorXv(), y),
        constant_(y.is_constant()),
        direction_(x.rows(), x.cols()) {}

  // H·vec(V) into hv (and vec(∇f) into gradient when it is not null); x.size() entries each.
  void run(const double* v, double* hv, double* gradient = nullptr) {
    const Eigen::Index n = direction_.size();
    if (constant_) {
      Eigen::Map<Eigen::VectorXd>(hv, n).setZero();
      if (gradient != nullptr) Eigen::Map<Eigen::VectorXd>(gradient, n).setZero();
      return;
    }
    direction_.reshaped() = Eigen::Map<const Eigen::VectorXd>(v, n);
    leaf_.set_tangent(direction_);
    leaf_.forget_dual_gradient();
    sweep_.run(nullptr, nullptr);
    leaf_.copy_dual_gradient(gradient, hv);
  }

 private:
  LeafNode& leaf_;
  SecondOrderSweep sweep_;
  bool constant_;
  Eigen::MatrixXd direction_;
};

}  // namespace detail

// H_f(X)·v for f(const nabla::Mat&) returning a Var; v has X.size() entries (vec(V) for a
// direction V shaped like X) and so has the result.
template <class F, class Dx, class Dv>
requires detail::MatFunction<F> Eigen::VectorXd hvp(F&& f, const Eigen::MatrixBase<Dx>& x,
                                                    const Eigen::MatrixBase<Dv>& v) {
  detail::require_same_size("hvp", "the direction v", x.size(), v.size());
  detail::ScopedTape scope;
  const Mat xm = variable(x);
  const auto y = std::invoke(f, xm);
  detail::require_scalar_result<decltype(y)>();
  detail::MatSecondOrderSweep sweep(scope.tape(), xm, y);
  const Eigen::VectorXd vv = v.reshaped();
  Eigen::VectorXd hv(x.size());
  sweep.run(vv.data(), hv.data());
  return hv;
}

}  // namespace nabla
