// nabla::optim: step rules and solvers behind minimize(), and everything around a fit.
#pragma once

#include <nabla/optim/line_search/backtracking.hpp>
#include <nabla/optim/method.hpp>
#include <nabla/optim/minimize.hpp>
#include <nabla/optim/objectives/batch_objective.hpp>
#include <nabla/optim/objectives/finite_sum.hpp>
#include <nabla/optim/objectives/full_objective.hpp>
#include <nabla/optim/objectives/objective.hpp>
#include <nabla/optim/objectives/parameters.hpp>
#include <nabla/optim/run/history.hpp>
#include <nabla/optim/run/options.hpp>
#include <nabla/optim/run/random.hpp>
#include <nabla/optim/run/result.hpp>
#include <nabla/optim/run/run_state.hpp>
#include <nabla/optim/run/schedule.hpp>
#include <nabla/optim/run/stop_criteria.hpp>
#include <nabla/optim/run/stop_reason.hpp>
#include <nabla/optim/solvers/solver.hpp>
#include <nabla/optim/solvers/steepest_descent.hpp>
#include <nabla/optim/tools/init.hpp>
#include <nabla/optim/tools/split.hpp>
#include <nabla/optim/tools/standardize.hpp>
