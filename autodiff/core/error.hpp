// Every failure nabla reports is a nabla::Error whose message names what went wrong and where.
#pragma once

#include <stdexcept>
#include <string>

namespace nabla {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A Var used with a tape it does not belong to: another tape, or its own tape after clear().
class TapeMismatchError : public Error {
 public:
  using Error::Error;
};

// An operation on active variables while no tape is active on this thread.
class NoActiveTapeError : public Error {
 public:
  using Error::Error;
};

// The tape would grow past its configured memory limit.
class TapeLimitError : public Error {
 public:
  using Error::Error;
};

// Operands whose shapes do not fit the operation.
class ShapeError : public Error {
 public:
  using Error::Error;
};

// A matrix that an operation must invert is singular to working precision (solve, the
// gradient of log_det).
class SingularMatrixError : public Error {
 public:
  using Error::Error;
};

// A NaN or Inf where a check was asked for.
class NonFiniteError : public Error {
 public:
  using Error::Error;
};

}  // namespace nabla
