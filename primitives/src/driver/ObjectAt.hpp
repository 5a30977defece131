#pragma once
// How a bridge routine finds the model of the kernel object at a driver address: made by its
// Initialize call, or, for a routine that uses one never initialized, made then and reported
// as Windows would (§1: Driver Verifier 0x1002 for spin locks and mutexes).
#include "Kernel.hpp"

#include "interlock/primitives/Call.hpp"

#include <string>

namespace interlock::driver::detail {

// What the initialize routine of T does to a fresh model (the C++ model's own routine).
template <typename T>
using InitializeModel = void (*)(T& model);

// For an Initialize routine: the model kept at `address`, or a new one.
template <typename T>
T& initializedAt(void* address, const char* cType) {
  Kernel& kernel = Kernel::current();
  if (T* model = kernel.find<T>(address)) return *model;
  return kernel.make<T>(address, cType);
}

// For any other routine on a lock Driver Verifier's deadlock detection watches: the model, or a
// new one initialized by `initialize` after reporting DV 0x1002.
template <typename T>
T& lockAt(void* address, const char* cType, const char* api, InitializeModel<T> initialize) {
  Kernel& kernel = Kernel::current();
  if (T* model = kernel.find<T>(address)) return *model;
  T& model = kernel.make<T>(address, cType);
  initialize(model);
  wdm::detail::contractViolation("LockNotInitialized", 0x1002,
                                 std::string(api) + " on " + cType + " " + model.name() +
                                     ", which was never initialized",
                                 &model);
  return model;
}

// For an object whose all-zero state is its initialized state (a push lock, a rundown
// reference): the model, made and initialized silently on first use.
template <typename T>
T& zeroInitializedAt(void* address, const char* cType, InitializeModel<T> initialize) {
  Kernel& kernel = Kernel::current();
  if (T* model = kernel.find<T>(address)) return *model;
  T& model = kernel.make<T>(address, cType);
  initialize(model);
  return model;
}

}  // namespace interlock::driver::detail
