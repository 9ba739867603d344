#include "trace.hpp"

#include <nabla/autodiff/core/op.hpp>
#include <nabla/autodiff/sweeps/dependencies.hpp>
#include <nabla/autodiff/sweeps/watched.hpp>
#include <nabla/autodiff/teaching/explain.hpp>

#include "problem.hpp"

namespace nabla::cli {

namespace {

TraceRecord describe(const Tape& tape, std::size_t i) {
  TraceRecord r;
  r.index = static_cast<std::uint32_t>(i);
  r.name = record_name(tape, i);
  r.operation = std::string(op_name(tape.op(i)));
  r.value = tape.value_at(i);
  if (tape.op(i) == Op::Input) r.label = tape.label(static_cast<std::uint32_t>(i));
  std::vector<LocalPartial> partials;
  double constant = 0.0;
  local_partials(tape, i, partials, &constant);
  const Kind kind = op_kind(tape.op(i));
  r.has_constant = kind == Kind::ConstBinary || kind == Kind::BinaryConst;
  if (r.has_constant) r.constant = constant;
  for (const LocalPartial& p : partials) {
    r.inputs.push_back(p.input);
    r.partials.push_back(p.partial);
  }
  return r;
}

}  // namespace

ReverseTrace reverse_trace(Tape& tape, const std::vector<Var>& inputs, const Var& y) {
  ReverseTrace t;
  t.gradient = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(inputs.size()));
  if (y.is_constant()) return t;
  t.output = y.index();
  const std::vector<char> needed = dependencies(tape, y.index());
  for (std::size_t i = 0; i <= y.index(); ++i)
    if (needed[i]) t.records.push_back(describe(tape, i));
  watched_reverse(tape, y.index(), 1.0, [&](const ReverseStep& s) {
    TraceStep step{s.index, s.adjoint, {}};
    const std::vector<LocalPartial>& ps = *s.partials;
    for (std::size_t k = 0; k < ps.size(); ++k) {
      // The sweep adds after this callback, in this order: the running value as explain's.
      double after = tape.adjoint_at(ps[k].input);
      for (std::size_t e = 0; e <= k; ++e)
        if (ps[e].input == ps[k].input) after += s.adjoint * ps[e].partial;
      step.contributions.push_back({ps[k].input, ps[k].partial, s.adjoint * ps[k].partial, after});
    }
    t.steps.push_back(std::move(step));
  });
  for (std::size_t j = 0; j < inputs.size(); ++j)
    if (!inputs[j].is_constant() && inputs[j].index() <= y.index())
      t.gradient[static_cast<Eigen::Index>(j)] = tape.adjoint_at(inputs[j].index());
  return t;
}

ForwardTrace forward_trace(const Tape& tape, const std::vector<Var>& inputs,
                           const std::vector<Var>& outputs, std::size_t seed) {
  ForwardTrace t;
  t.seed = seed;
  t.derivative = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(outputs.size()));
  std::uint32_t last = 0;
  bool any = false;
  for (const Var& y : outputs)
    if (!y.is_constant()) {
      last = std::max(last, y.index());
      any = true;
    }
  if (!any) return t;
  std::vector<char> needed(std::size_t{last} + 1, 0);
  for (const Var& y : outputs) {
    if (y.is_constant()) continue;
    const std::vector<char> d = dependencies(tape, y.index());
    for (std::size_t i = 0; i < d.size(); ++i)
      if (d[i] != 0) needed[i] = 1;
  }
  std::vector<double> tangent(std::size_t{last} + 1, 0.0);
  std::vector<LocalPartial> partials;
  for (std::size_t i = 0; i <= last; ++i) {
    if (!needed[i]) continue;
    ForwardStep step;
    step.record = static_cast<std::uint32_t>(i);
    if (tape.op(i) == Op::Input) {
      step.tangent = !inputs[seed].is_constant() && inputs[seed].index() == i ? 1.0 : 0.0;
    } else {
      partials.clear();
      local_partials(tape, i, partials);
      for (const LocalPartial& p : partials) {
        step.inputs.push_back(p.input);
        step.partials.push_back(p.partial);
        step.input_tangents.push_back(tangent[p.input]);
        step.tangent += p.partial * tangent[p.input];
      }
    }
    tangent[i] = step.tangent;
    t.steps.push_back(std::move(step));
  }
  for (std::size_t k = 0; k < outputs.size(); ++k)
    if (!outputs[k].is_constant())
      t.derivative[static_cast<Eigen::Index>(k)] = tangent[outputs[k].index()];
  return t;
}

nlohmann::json to_json(const ReverseTrace& t) {
  nlohmann::json records = nlohmann::json::array();
  for (const TraceRecord& r : t.records) {
    nlohmann::json partials = nlohmann::json::array();
    for (const double p : r.partials) partials.push_back(json_number(p));
    nlohmann::json j = {{"index", r.index},         {"name", r.name},
                        {"operation", r.operation}, {"inputs", r.inputs},
                        {"partials", partials},     {"value", json_number(r.value)}};
    if (!r.label.empty()) j["label"] = r.label;
    if (r.has_constant) j["constant"] = json_number(r.constant);
    records.push_back(std::move(j));
  }
  nlohmann::json steps = nlohmann::json::array();
  for (const TraceStep& s : t.steps) {
    nlohmann::json c = nlohmann::json::array();
    for (const TraceContribution& k : s.contributions)
      c.push_back({{"input", k.input},
                   {"partial", json_number(k.partial)},
                   {"amount", json_number(k.amount)},
                   {"after", json_number(k.after)}});
    steps.push_back(
        {{"record", s.record}, {"adjoint", json_number(s.adjoint)}, {"contributions", c}});
  }
  nlohmann::json j = {
      {"records", records}, {"steps", steps}, {"gradient", json_vector(t.gradient)}};
  if (!t.records.empty()) j["output"] = t.output;
  return j;
}

nlohmann::json to_json(const ForwardTrace& t) {
  nlohmann::json steps = nlohmann::json::array();
  for (const ForwardStep& s : t.steps) {
    nlohmann::json partials = nlohmann::json::array(), tangents = nlohmann::json::array();
    for (const double v : s.partials) partials.push_back(json_number(v));
    for (const double v : s.input_tangents) tangents.push_back(json_number(v));
    steps.push_back({{"record", s.record},
                     {"tangent", json_number(s.tangent)},
                     {"inputs", s.inputs},
                     {"partials", partials},
                     {"input_tangents", tangents}});
  }
  return {{"seed", t.seed}, {"steps", steps}, {"derivative", json_vector(t.derivative)}};
}

}  // namespace nabla::cli
