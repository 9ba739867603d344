// Anomaly detection, the equivalent of PyTorch's detect-anomaly mode. While a DetectAnomaly
// scope is alive on a thread, every sweep on that thread runs checked: each reverse sweep
// (so every gradient, jacobian, hessian, hvp, vjp, nabla::optim objective and matrix node)
// first checks the recorded values up to its output and then checks every adjoint it passes
// on, and each tangent sweep (jvp, forward-mode jacobian) checks the values and the tangents
// it computes. The first record whose value, adjoint or tangent is not finite is named in a
// NonFiniteError (record, operation, label, operands). Without a scope the sweeps pay one
// thread-local test per sweep, not per record.
//
//   {
//     nabla::DetectAnomaly anomaly;
//     auto g = nabla::gradient(f, x);   // throws NonFiniteError naming the culprit
//   }
#pragma once

#include <cstddef>
#include <cstdint>

namespace nabla {

class Tape;

namespace detail {
inline constinit thread_local int anomaly_depth = 0;          // live DetectAnomaly scopes
inline constinit thread_local bool in_checked_sweep = false;  // the checked sweep's own calls

// The checked sweeps, in teaching/finite_check.cpp.
void anomaly_reverse(Tape& tape, std::uint32_t from, double seed);
void anomaly_tangent_check(const Tape& tape, const double* tangents);
void anomaly_values_check(const Tape& tape);
[[nodiscard]] inline bool anomaly_checks_due() noexcept {
  return anomaly_depth > 0 && !in_checked_sweep;
}
}  // namespace detail

// Scopes nest; detection stays on until the outermost one ends.
class DetectAnomaly {
 public:
  DetectAnomaly() noexcept { ++detail::anomaly_depth; }
  ~DetectAnomaly() { --detail::anomaly_depth; }
  DetectAnomaly(const DetectAnomaly&) = delete;
  DetectAnomaly& operator=(const DetectAnomaly&) = delete;
};

// True while a DetectAnomaly scope is alive on this thread.
[[nodiscard]] inline bool anomaly_detection() noexcept { return detail::anomaly_depth > 0; }

}  // namespace nabla
