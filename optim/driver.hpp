// The loop that every minimize() call runs: a step rule applied to gradients of an Objective,
// with batching, variance reduction, schedule, noise, clipping, penalty, averaging, stopping
// criteria, callbacks, history and resumable state. Non-template: compiled once into libnabla.
#pragma once

#include <Eigen/Core>

#include <nabla/optim/objective.hpp>
#include <nabla/optim/options.hpp>
#include <nabla/optim/result.hpp>
#include <nabla/optim/step_rules/method.hpp>

namespace nabla::optim {

Result run(Objective& objective, const Eigen::VectorXd& x0, const Method& method,
           const Options& options = {});

}  // namespace nabla::optim
