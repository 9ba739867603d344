// How much a run asked of its objective, counted where the method calls it (scipy's nfev, njev,
// nhev, plus the finite-sum counts). A value_gradient call counts one value and one gradient;
// a full-data evaluation of a finite sum counts once, however it is chunked inside.
#pragma once

#include <cstdint>

namespace nabla::optim {

struct Evaluations {
  std::int64_t values = 0;           // Q(w) over all the data (nfev)
  std::int64_t gradients = 0;        // ∇Q(w) over all the data (njev)
  std::int64_t hessian_vectors = 0;  // ∇²Q(w)·v products
  std::int64_t hessians = 0;         // full ∇²Q(w) (nhev counts these and the products)
  std::int64_t batch_calls = 0;      // mini-batch value-and-gradient calls of a finite sum
  std::int64_t batch_samples = 0;    // samples those calls evaluated

  friend bool operator==(const Evaluations&, const Evaluations&) = default;
};

}  // namespace nabla::optim
