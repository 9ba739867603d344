// Forward mode: one sweep over a recorded tape that carries a tangent (directional derivative)
// along every record, dot[i] = ∂i/∂a·dot[a] + ∂i/∂b·dot[b] — the chain rule evaluated from the
// right (Jacobian times vector). The local partials come from op_rules.hpp, as in the reverse
// sweep; nothing is recorded again.
#pragma once

#include <Eigen/Core>

#include <nabla/autodiff/core/tape.hpp>
#include <nabla/autodiff/scalar/eigen_support.hpp>

namespace nabla {

// Which sweep a Jacobian uses: Forward costs one tangent sweep per input, Reverse one adjoint
// sweep per output; Auto takes the fewer sweeps (Reverse on a tie).
enum class Mode { Auto, Forward, Reverse };

// `tangents` holds tape.size() entries: the caller sets those of the Input records (the
// direction), the sweep overwrites every other entry. Extension records use their optional
// tangent hooks; a custom function uses the partials stored when it was recorded.
void tangent_sweep(const Tape& tape, double* tangents);

// The Jacobian d outputs / d inputs of a recording by inputs.size() tangent sweeps.
Eigen::MatrixXd forward_jacobian(const Tape& tape, const VectorXv& inputs, const VectorXv& outputs);

namespace detail {
// Throws ShapeError "nabla::<what>: <name> has size <got> but must have size <expected>".
void require_same_size(const char* what, const char* name, Eigen::Index expected, Eigen::Index got);
}  // namespace detail

}  // namespace nabla
