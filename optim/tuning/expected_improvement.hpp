// Expected improvement of a Gaussian prediction N(μ, σ²) over the best value y* (minimising):
//   EI = σ·h(z),  h(z) = φ(z) + zΦ(z),  z = (y* − μ − ξ)/σ,
// and its logarithm computed without underflow (Ament et al., "Unexpected improvements to expected
// improvement", NeurIPS 2023): far from the data z is very negative, EI underflows to 0 around
// z ≈ −38 and its gradient long before, so an optimiser started there sees a flat zero and stops.
// log h is accurate to ~1e-15 relative for every z (a scaled complementary error function for
// −5 < z < −1, a continued fraction of Mills' ratio below), and d log h/dz = Φ(z)/h(z).
#pragma once

namespace nabla::optim {

double expected_improvement(double mean, double std, double best, double xi);

// log h(z) and, when slope ≠ nullptr, d log h/dz.
double log_h(double z, double* slope = nullptr);

// log EI = log σ + log h(z); −∞ where σ = 0 and μ + ξ ≥ y*.
double log_expected_improvement(double mean, double std, double best, double xi);

}  // namespace nabla::optim
