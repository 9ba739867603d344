// The loop of every step rule: a rule applied to gradients of an Objective, with batching,
// variance reduction, schedules, noise, clipping and the penalty; the run monitor
// (run/monitor.hpp) does stopping, history, callbacks, divergence and the Result. Compiled
// once into libnabla: one loop per built-in rule, and one for user rules behind a virtual call.
#pragma once

#include <Eigen/Core>

#include <string_view>

#include <nabla/optim/first_order/adadelta.hpp>
#include <nabla/optim/first_order/adagrad.hpp>
#include <nabla/optim/first_order/adam.hpp>
#include <nabla/optim/first_order/adamax.hpp>
#include <nabla/optim/first_order/adamw.hpp>
#include <nabla/optim/first_order/amsgrad.hpp>
#include <nabla/optim/first_order/gradient_descent.hpp>
#include <nabla/optim/first_order/momentum.hpp>
#include <nabla/optim/first_order/nadam.hpp>
#include <nabla/optim/first_order/nesterov.hpp>
#include <nabla/optim/first_order/rmsprop.hpp>
#include <nabla/optim/first_order/step_rule.hpp>
#include <nabla/optim/objectives/capabilities.hpp>
#include <nabla/optim/objectives/objective.hpp>
#include <nabla/optim/run/options.hpp>
#include <nabla/optim/run/result.hpp>

namespace nabla::optim::detail {

// What the driver needs to know of a user's rule besides its update.
struct FirstOrderMethod {
  std::string_view name;  // method_name, saved in the run state
  Capabilities needs;
  double lr;
};

Result run_first_order(Objective& objective, const Eigen::VectorXd& x0, const AnyStepRule& rule,
                       const FirstOrderMethod& method, const Options& options);
Result run_first_order(Objective&, const Eigen::VectorXd&, const GradientDescent&, const Options&);
Result run_first_order(Objective&, const Eigen::VectorXd&, const Momentum&, const Options&);
Result run_first_order(Objective&, const Eigen::VectorXd&, const Nesterov&, const Options&);
Result run_first_order(Objective&, const Eigen::VectorXd&, const Adagrad&, const Options&);
Result run_first_order(Objective&, const Eigen::VectorXd&, const Adadelta&, const Options&);
Result run_first_order(Objective&, const Eigen::VectorXd&, const RMSprop&, const Options&);
Result run_first_order(Objective&, const Eigen::VectorXd&, const Adam&, const Options&);
Result run_first_order(Objective&, const Eigen::VectorXd&, const AdamW&, const Options&);
Result run_first_order(Objective&, const Eigen::VectorXd&, const AMSGrad&, const Options&);
Result run_first_order(Objective&, const Eigen::VectorXd&, const Nadam&, const Options&);
Result run_first_order(Objective&, const Eigen::VectorXd&, const AdaMax&, const Options&);

}  // namespace nabla::optim::detail
