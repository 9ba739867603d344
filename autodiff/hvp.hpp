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

#include "dual.hpp"
#include "jvp.hpp"

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
Eigen::VectorXd hvp(F&& f, const Eigen::VectorXd& x, const Eigen::VectorXd& v) {
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

}  // namespace nabla
