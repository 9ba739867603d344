// The checks every run makes before its first evaluation, whatever the method: options that
// would run, silently, to a wrong answer, and x0 against what the objective (or
// Options::dimension) says the number of parameters is. Each error names the option.
#pragma once

#include <Eigen/Core>

#include <string_view>

#include <nabla/optim/objectives/objective.hpp>
#include <nabla/optim/run/options.hpp>
#include <nabla/optim/run/run_state.hpp>

namespace nabla::optim::detail {

// The state a run starts from: a fresh one at x0 for `method`, or the saved one it resumes
// (Options::resume_from), which must belong to the same method and fit x0 (empty: take it).
RunState initial_state(const Eigen::VectorXd& x0, std::string_view method, const Options& options);

// `n` is the number of parameters of the run (x0's, or the resumed state's).
void validate_options(const Options& options, Eigen::Index n);
// x0's size against objective.dimension() and options.dimension; `needs` against
// objective.capabilities() ("Newton needs the Hessian, which this objective does not have").
void validate_problem(Objective& objective, Eigen::Index n, std::string_view method,
                      Capabilities needs, const Options& options);

}  // namespace nabla::optim::detail
