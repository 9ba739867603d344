// nabla's automatic differentiation: the scalar tape, Eigen matrices of Var and the functional
// API (gradient, value_and_gradient, jacobian, derivative, gradcheck, jvp, vjp, hvp, hessian).
// Includes <Eigen/Core> only; solver- and eigenvalue-based parts (stationary_point.hpp) and the
// teaching tools (explain.hpp, dot_export.hpp, chain.hpp, finite_check.hpp) have headers of
// their own.
#pragma once

#include "eigen_mixed_product.hpp"
#include "eigen_support.hpp"
#include "functional.hpp"
#include "gradcheck.hpp"
#include "hessian.hpp"
#include "linear.hpp"
#include "scalar.hpp"
#include "vjp.hpp"
