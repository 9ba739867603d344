// Matrix nodes: nabla::Mat and every operation on it (Eigen/Core only). Linear solves and
// log-determinants are in solve.hpp, sparse products in sparse.hpp, user-defined matrix
// operations in matrix_function.hpp. Guide: docs/matrices.md.
#pragma once

#include <nabla/autodiff/matrix/arithmetic.hpp>
#include <nabla/autodiff/matrix/blas.hpp>
#include <nabla/autodiff/matrix/dropout.hpp>
#include <nabla/autodiff/matrix/elementwise.hpp>
#include <nabla/autodiff/matrix/loss.hpp>
#include <nabla/autodiff/matrix/mat.hpp>
#include <nabla/autodiff/matrix/normalization.hpp>
#include <nabla/autodiff/matrix/reduction.hpp>
#include <nabla/autodiff/matrix/slicing.hpp>
