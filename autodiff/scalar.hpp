// The scalar part of nabla without Eigen: Var, Tape, every scalar operation, custom scalar
// functions and derivative(). Include <nabla/autodiff.hpp> for the Eigen-based API.
#pragma once

#include <nabla/autodiff/core/error.hpp>
#include <nabla/autodiff/core/tape.hpp>
#include <nabla/autodiff/core/var.hpp>
#include <nabla/autodiff/functional/derivative.hpp>
#include <nabla/autodiff/scalar/custom_function.hpp>
#include <nabla/autodiff/scalar/var_compare.hpp>
#include <nabla/autodiff/scalar/var_math.hpp>
