// Matrix nodes: nabla::Mat and every operation on it (Eigen/Core only). Linear solves and
// log-determinants are in solve.hpp, sparse products in sparse.hpp, user-defined matrix
// operations in matrix_function.hpp. Guide: docs/matrices.md.
#pragma once

#include "mat_arithmetic.hpp"
#include "mat_elementwise.hpp"
#include "mat_loss.hpp"
#include "mat_reduction.hpp"
#include "mat_slicing.hpp"
#include "mat_type.hpp"
