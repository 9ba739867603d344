#include <nabla/autodiff/scalar/linear.hpp>

#include <fmt/format.h>

#include <vector>

#include <nabla/autodiff/core/error.hpp>
#include <nabla/autodiff/core/tape.hpp>

namespace nabla {

namespace {

// Per-thread scratch so that recording allocates nothing once warm.
struct Scratch {
  std::vector<std::uint32_t> inputs;
  std::vector<double> coefficients;
};
thread_local Scratch scratch;

template <class CoefficientAt>
Var record_linear(const Var* terms, std::size_t n, CoefficientAt coefficient_at, double offset) {
  // Fast path: every term is a variable of the active tape (a parameter vector in a loss).
  const std::uint32_t s = detail::active_stamp;
  std::uint32_t mismatch = 0;  // no early exit: this loop vectorises
  for (std::size_t k = 0; k < n; ++k) mismatch |= terms[k].stamp() ^ s;
  if (mismatch == 0 && n > 0 && n <= UINT32_MAX) {
    Tape& tape = *detail::active_tape;
    const auto count = static_cast<std::uint32_t>(n);
    const Tape::LinearStorage out = tape.linear_storage(count);
    // Four partial sums: one serial chain of n multiply-adds is latency-bound (a d = 100 dot
    // would wait ~400 cycles on it); independent chains let the adds overlap.
    double part[4] = {0.0, 0.0, 0.0, 0.0};
    std::size_t k = 0;
    for (; k + 4 <= n; k += 4) {
      for (std::size_t j = 0; j < 4; ++j) {
        const double c = coefficient_at(k + j);
        part[j] += c * terms[k + j].value();
        out.inputs[k + j] = terms[k + j].index();
        out.coefficients[k + j] = c;
      }
    }
    for (; k < n; ++k) {
      const double c = coefficient_at(k);
      part[0] += c * terms[k].value();
      out.inputs[k] = terms[k].index();
      out.coefficients[k] = c;
    }
    const double value = offset + ((part[0] + part[1]) + (part[2] + part[3]));
    return tape.push_linear_filled(count, offset, value);
  }
  scratch.inputs.clear();
  scratch.coefficients.clear();
  double value = offset;
  double constant_part = offset;
  const Var* first_active = nullptr;
  for (std::size_t k = 0; k < n; ++k) {
    const double c = coefficient_at(k);
    const Var& v = terms[k];
    value += c * v.value();
    if (v.is_constant()) {
      constant_part += c * v.value();
      continue;
    }
    if (first_active == nullptr) {
      first_active = &v;
    } else if (v.stamp() != first_active->stamp()) {
      Tape::active_for(Op::Linear, *first_active, v);  // throws: two tapes
    }
    scratch.inputs.push_back(v.index());
    scratch.coefficients.push_back(c);
  }
  if (first_active == nullptr) return Var(value);
  Tape& tape = Tape::active_for(Op::Linear, *first_active);
  return tape.push_linear(scratch.inputs.data(), scratch.coefficients.data(),
                          static_cast<std::uint32_t>(scratch.inputs.size()), constant_part, value);
}

}  // namespace

Var linear_combination(std::span<const Var> terms, std::span<const double> coefficients,
                       double offset) {
  if (terms.size() != coefficients.size())
    throw ShapeError(fmt::format("nabla::linear_combination: {} terms but {} coefficients",
                                 terms.size(), coefficients.size()));
  return record_linear(
      terms.data(), terms.size(), [&](std::size_t k) { return coefficients[k]; }, offset);
}

Var dot(const VectorXv& w, const Eigen::Ref<const Eigen::VectorXd>& x) {
  if (w.size() != x.size())
    throw ShapeError(
        fmt::format("nabla::dot: variables of size {} and data of size {}", w.size(), x.size()));
  return record_linear(
      w.data(), static_cast<std::size_t>(w.size()),
      [&](std::size_t k) { return x[static_cast<Eigen::Index>(k)]; }, 0.0);
}

Var dot(const Eigen::Ref<const Eigen::VectorXd>& x, const VectorXv& w) { return dot(w, x); }

Var sum(const VectorXv& v) {
  return record_linear(
      v.data(), static_cast<std::size_t>(v.size()), [](std::size_t) { return 1.0; }, 0.0);
}

}  // namespace nabla
