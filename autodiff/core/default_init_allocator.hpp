// An allocator whose value-less construct() default-initialises: std::vector<T, it>::resize(n)
// then leaves trivially constructible elements unwritten instead of zero-filling them. The tape
// uses it for storage it fills itself right after growing (a linear record's coefficients), so
// memory is written once, not twice.
#pragma once

#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace nabla::detail {

template <class T>
class DefaultInitAllocator : public std::allocator<T> {
 public:
  using value_type = T;
  template <class U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  DefaultInitAllocator() noexcept = default;
  template <class U>
  explicit DefaultInitAllocator(const DefaultInitAllocator<U>& /*other*/) noexcept {}

  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

}  // namespace nabla::detail
