#pragma once
// Objects a setup made as one numbered array (Setup::makeArray), as thread bodies capture them:
// a view of 16 bytes over pointers the execution keeps between runs, so a body holding an array
// copies no vector and counts no reference. Valid while the execution that made it runs.
#include "interlock/core/KernelObject.hpp"

#include <cstddef>

namespace interlock {

template <typename T>
class ObjectArray {
 public:
  ObjectArray() noexcept = default;
  ObjectArray(KernelObject* const* items, std::size_t size) noexcept : items_(items), size_(size) {}

  [[nodiscard]] T& operator[](std::size_t index) const noexcept { return *static_cast<T*>(items_[index]); }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  KernelObject* const* items_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace interlock
