// The hook for records that are not one elementary scalar operation: vector-valued user
// functions now, whole-matrix operations later. One Extension record sits in the tape's order
// of evaluation like any other; its outputs are read through ExtOutput records after it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nabla/autodiff/core/dual.hpp>

namespace nabla {

class Tape;

class Extension {
 public:
  Extension() = default;
  Extension(const Extension&) = delete;
  Extension& operator=(const Extension&) = delete;
  virtual ~Extension() = default;

  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  // Bytes this record owns beyond its tape slot (a matrix node's value and adjoint): the tape
  // counts them against its memory limit when the record is pushed.
  [[nodiscard]] virtual std::size_t bytes() const noexcept { return 0; }
  // For DetectAnomaly and check_finite: a description of the first entry of this record's
  // value (or, after the reverse sweep reached it, of its adjoint) that is not finite, e.g.
  // "entry (2, 0) = nan"; empty when all are finite or the record has no such buffer.
  [[nodiscard]] virtual std::string non_finite_value() const { return {}; }
  [[nodiscard]] virtual std::string non_finite_adjoint() const { return {}; }

  // Reverse sweep: the adjoints of this record's outputs are complete (own_adjoint for its own
  // scalar value, add_output_adjoint for ExtOutput records); add J^T times them to the inputs'
  // adjoints and forget the output adjoints, so that the next sweep starts from zero.
  virtual void reverse(double own_adjoint, Tape& tape) = 0;
  virtual void add_output_adjoint(std::uint32_t output, double adjoint) = 0;

  // Replay: recompute this record from the tape's current values; returns its own scalar value.
  virtual double forward(const Tape& tape) = 0;
  [[nodiscard]] virtual double output_value(std::uint32_t output) const = 0;

  // Optional hooks: the defaults throw a nabla::Error that names the record.
  // Forward-mode sweep: the tangents of the inputs are known; returns this record's own
  // tangent, and output_tangent gives the tangents of its outputs.
  virtual double tangent(const Tape& tape, const double* tangents);
  [[nodiscard]] virtual double output_tangent(std::uint32_t output) const;

  // Second order, forward over reverse: the same two sweeps on dual numbers, indexed by
  // record. forward_dual returns this record's own value; reverse_dual adds J^T times the
  // output adjoints (own_adjoint and those given to add_output_adjoint_dual) to `adjoints`.
  virtual Dual forward_dual(const Dual* values);
  [[nodiscard]] virtual Dual output_dual(std::uint32_t output) const;
  virtual void reverse_dual(Dual own_adjoint, const Dual* values, Dual* adjoints);
  virtual void add_output_adjoint_dual(std::uint32_t output, Dual adjoint);

  // For dependencies(), explain() and to_dot(): appends the tape records this record reads
  // (scalar or extension records, in any order, repeats allowed) and returns true. The default
  // returns false, "not said": every earlier record then counts as an input.
  virtual bool input_records(std::vector<std::uint32_t>& /*out*/) const { return false; }

  // The index of this record on its tape (set by Tape::push_extension).
  [[nodiscard]] std::uint32_t record() const noexcept { return record_; }

 protected:
  // For the optional hooks above: throws a nabla::Error naming this record and `what`.
  [[noreturn]] void unsupported(std::string_view what) const;

 private:
  friend class Tape;
  std::uint32_t record_ = 0;
};

}  // namespace nabla
