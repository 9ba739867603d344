// nabla::optim: step rules, the minimize() driver and everything around a fit.
#pragma once

#include "driver.hpp"
#include "finite_sum.hpp"
#include "full_objective.hpp"
#include "history.hpp"
#include "init.hpp"
#include "minimize.hpp"
#include "objective.hpp"
#include "options.hpp"
#include "random.hpp"
#include "result.hpp"
#include "run_state.hpp"
#include "schedule.hpp"
#include "standardize.hpp"
#include "step_rules/method.hpp"
#include "stop_criteria.hpp"
#include "stop_reason.hpp"
