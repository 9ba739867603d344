// nabla's automatic differentiation: the scalar tape, Eigen matrices of Var and the functional
// API (gradient, value_and_gradient, jacobian, derivative, gradcheck, jvp, vjp, hvp, hessian).
// Includes <Eigen/Core> only; solver- and eigenvalue-based parts (stationary_point.hpp) and the
// teaching tools (explain.hpp, dot_export.hpp, chain.hpp, finite_check.hpp) and the formula
// parser (formula/formula.hpp) have headers of their own.
#pragma once

#include <nabla/autodiff/core/anomaly.hpp>  // DetectAnomaly
#include <nabla/autodiff/functional/gradcheck.hpp>
#include <nabla/autodiff/functional/gradient.hpp>
#include <nabla/autodiff/functional/hessian.hpp>
#include <nabla/autodiff/functional/vjp.hpp>
#include <nabla/autodiff/scalar.hpp>
#include <nabla/autodiff/scalar/eigen_mixed_product.hpp>
#include <nabla/autodiff/scalar/eigen_support.hpp>
#include <nabla/autodiff/scalar/linear.hpp>
