// nabla::optim: step rules, the minimize() driver and everything around a fit.
#pragma once

#include <nabla/optim/driver.hpp>
#include <nabla/optim/finite_sum.hpp>
#include <nabla/optim/full_objective.hpp>
#include <nabla/optim/history.hpp>
#include <nabla/optim/init.hpp>
#include <nabla/optim/minimize.hpp>
#include <nabla/optim/objective.hpp>
#include <nabla/optim/options.hpp>
#include <nabla/optim/random.hpp>
#include <nabla/optim/result.hpp>
#include <nabla/optim/run_state.hpp>
#include <nabla/optim/schedule.hpp>
#include <nabla/optim/standardize.hpp>
#include <nabla/optim/step_rules/method.hpp>
#include <nabla/optim/stop_criteria.hpp>
#include <nabla/optim/stop_reason.hpp>
