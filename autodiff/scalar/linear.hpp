// Linear combinations as one record: dot products with constant data and sums of many terms
// cost one tape record with n stored coefficients instead of 2n scalar records. This is what
// makes a per-sample loss like (w·xᵢ − yᵢ)² cheap to record in an SGD loop; pair it with the
// allocation-free nabla::value_and_gradient(f, x, g) of functional.hpp in such loops.
#pragma once

#include <Eigen/Core>
#include <span>

#include <nabla/autodiff/core/var.hpp>
#include <nabla/autodiff/scalar/eigen_support.hpp>

namespace nabla {

// offset + Σ coefficients[k]·terms[k].
Var linear_combination(std::span<const Var> terms, std::span<const double> coefficients,
                       double offset = 0.0);

// w·x for variables w and constant data x (either order).
Var dot(const VectorXv& w, const Eigen::Ref<const Eigen::VectorXd>& x);
Var dot(const Eigen::Ref<const Eigen::VectorXd>& x, const VectorXv& w);

// Σ vᵢ as one record.
Var sum(const VectorXv& v);

}  // namespace nabla
