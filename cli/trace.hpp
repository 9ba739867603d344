// The chain rule of one output as data: the records it depends on (operation, inputs, value,
// local partials) and every step of the reverse sweep (the adjoint arriving at a record and what
// it adds to each input), from the same watched sweep that explain() prints, so the text, the
// JSON and the page tell one story. Also the forward-mode sweep: tangents seeded at one input.
#pragma once

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include <nabla/autodiff/core/tape.hpp>

namespace nabla::cli {

struct TraceRecord {
  std::uint32_t index = 0;
  std::string name;       // "#3" or "#0 (x1)", as explain prints it
  std::string label;      // the variable's name for inputs, else ""
  std::string operation;  // op_name: "input", "mul", "exp", …
  std::vector<std::uint32_t> inputs;
  std::vector<double> partials;  // ∂record/∂inputs[k]
  bool has_constant = false;     // a binary operation with a constant operand (x*2)
  double constant = 0.0;
  double value = 0.0;
};

struct TraceContribution {
  std::uint32_t input = 0;
  double partial = 0.0;  // local partial ∂record/∂input
  double amount = 0.0;   // adjoint × partial
  double after = 0.0;    // the input's adjoint once this is added
};

struct TraceStep {
  std::uint32_t record = 0;
  double adjoint = 0.0;  // the record's complete adjoint ∂y/∂record
  std::vector<TraceContribution> contributions;
};

struct ReverseTrace {
  std::uint32_t output = 0;  // the output's record
  std::vector<TraceRecord> records;
  std::vector<TraceStep> steps;  // in sweep order: the output first
  Eigen::VectorXd gradient;      // ∂y/∂x_j: the inputs' adjoints after the sweep
};

struct ForwardStep {
  std::uint32_t record = 0;
  double tangent = 0.0;                // Σ partial × tangent of the input
  std::vector<std::uint32_t> inputs;   // the record's inputs
  std::vector<double> partials;        // ∂record/∂inputs[k]
  std::vector<double> input_tangents;  // the inputs' tangents
};

struct ForwardTrace {
  std::size_t seed = 0;  // the input whose tangent is 1
  std::vector<ForwardStep> steps;
  Eigen::VectorXd derivative;  // ∂y_k/∂x_seed for every output k
};

// `inputs` are the variables' records (in order); y an output recorded on `tape`, or a constant
// (then no records and a zero gradient). Leaves the tape's adjoints as tape.reverse(y) would.
[[nodiscard]] ReverseTrace reverse_trace(Tape& tape, const std::vector<Var>& inputs, const Var& y);
// Tangents of every record the outputs depend on, with input `seed` set to 1.
[[nodiscard]] ForwardTrace forward_trace(const Tape& tape, const std::vector<Var>& inputs,
                                         const std::vector<Var>& outputs, std::size_t seed);

[[nodiscard]] nlohmann::json to_json(const ReverseTrace& t);
[[nodiscard]] nlohmann::json to_json(const ForwardTrace& t);

}  // namespace nabla::cli
