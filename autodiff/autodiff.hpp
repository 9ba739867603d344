// nabla's automatic differentiation: the scalar tape, Eigen matrices of Var and the functional
// API (gradient, value_and_gradient, jacobian, derivative, gradcheck). Includes <Eigen/Core>
// only; solver- and eigenvalue-based parts live in headers of their own.
#pragma once

#include "eigen_support.hpp"
#include "functional.hpp"
#include "gradcheck.hpp"
#include "linear.hpp"
#include "scalar.hpp"
