// The loop that every minimize() call runs: a step rule applied to gradients of an Objective,
// with batching, variance reduction, schedule, noise, clipping, penalty, averaging, stopping
// criteria, callbacks, history and resumable state. Non-template: compiled once into libnabla.
#pragma once

#include <Eigen/Core>

#include "objective.hpp"
#include "options.hpp"
#include "result.hpp"
#include "step_rules/method.hpp"

namespace nabla::optim {

Result run(Objective& objective, const Eigen::VectorXd& x0, const Method& method,
           const Options& options = {});

}  // namespace nabla::optim
