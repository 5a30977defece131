#pragma once
// What a scenario's setup function uses to create its objects and threads.
#include "interlock/core/KernelObject.hpp"
#include "interlock/core/Scenario.hpp"
#include "interlock/core/Thread.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>

namespace interlock {

class Execution;

class Setup {
 public:
  explicit Setup(Execution& execution, const Parameters* parameters = nullptr)
      : execution_(execution), parameters_(parameters) {}

  // The value of one of the scenario's parameters (Scenario::parameters, maybe overridden).
  // Throws ScenarioError when the scenario does not declare it.
  [[nodiscard]] std::int64_t intParam(std::string_view name) const;

  // An object owned by this execution, named as traces will show it. Built afresh every
  // execution, in the storage of the object made in the same place the execution before
  // (same type): a setup allocates no object after the first run (Relacy pools them so).
  template <typename T, typename... Args>
  T& make(std::string_view name, Args&&... args) {
    static_assert(std::is_base_of_v<KernelObject, T>, "make<T>: T must be a modelled object");
    if (KernelObject* previous = reusable(typeid(T))) {
      T* object = static_cast<T*>(previous);
      std::destroy_at(object);
      try {
        std::construct_at(object, std::forward<Args>(args)...);
      } catch (...) {
        discardReusable(object, deallocator<T>());
        throw;
      }
      adoptReused(name);
      return *object;
    }
    auto object = std::make_unique<T>(std::forward<Args>(args)...);
    T& ref = *object;
    adopt(std::move(object), name);
    return ref;
  }

  void thread(ThreadSpec spec);
  // A thread of an unprivileged process inside a system call; the adversary may suspend it.
  void userThread(std::string_view name, std::function<void()> body,
                  std::string_view requester = "unprivileged process");
  // A system thread, beyond the reach of user-mode suspension.
  void systemThread(std::string_view name, std::function<void()> body);
  // An APC the exploration may queue to thread `target` (declared before) at any point.
  void apc(std::string name, std::string target, ApcKind kind, std::function<void()> routine);

 private:
  using Deallocate = void (*)(void* storage) noexcept;
  // How make_unique<T>'s storage is given back, for a rebuild whose constructor threw.
  template <typename T>
  static Deallocate deallocator() noexcept {
    return [](void* storage) noexcept {
      if constexpr (alignof(T) > __STDCPP_DEFAULT_NEW_ALIGNMENT__)
        ::operator delete(storage, std::align_val_t{alignof(T)});
      else
        ::operator delete(storage);
    };
  }
  // The object made in this place last execution if it has type `type`, else nullptr.
  [[nodiscard]] KernelObject* reusable(const std::type_info& type) noexcept;
  void adoptReused(std::string_view name);
  void discardReusable(void* storage, Deallocate deallocate) noexcept;
  void adopt(std::unique_ptr<KernelObject> object, std::string_view name);
  Execution& execution_;
  const Parameters* parameters_;
};

}  // namespace interlock
