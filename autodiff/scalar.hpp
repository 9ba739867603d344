// The scalar part of nabla without Eigen: Var, Tape, every scalar operation, custom scalar
// functions and derivative(). Include <autodiff/autodiff.hpp> for the Eigen-based API.
#pragma once

#include "custom_function.hpp"
#include "derivative.hpp"
#include "error.hpp"
#include "tape.hpp"
#include "var.hpp"
#include "var_compare.hpp"
#include "var_math.hpp"
