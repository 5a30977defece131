#pragma once
// What a scenario's setup function uses to create its objects and threads.
#include "interlock/core/KernelObject.hpp"
#include "interlock/core/Scenario.hpp"
#include "interlock/core/Thread.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

namespace interlock {

class Execution;

class Setup {
 public:
  explicit Setup(Execution& execution, const Parameters* parameters = nullptr)
      : execution_(execution), parameters_(parameters) {}

  // The value of one of the scenario's parameters (Scenario::parameters, maybe overridden).
  // Throws ScenarioError when the scenario does not declare it.
  [[nodiscard]] std::int64_t intParam(std::string_view name) const;

  // An object owned by this execution, named as traces will show it.
  template <typename T, typename... Args>
  T& make(std::string name, Args&&... args) {
    static_assert(std::is_base_of_v<KernelObject, T>, "make<T>: T must be a modelled object");
    auto object = std::make_unique<T>(std::forward<Args>(args)...);
    T& ref = *object;
    adopt(std::move(object), std::move(name));
    return ref;
  }

  void thread(ThreadSpec spec);
  // A thread of an unprivileged process inside a system call; the adversary may suspend it.
  void userThread(std::string name, std::function<void()> body,
                  std::string requester = "unprivileged process");
  // A system thread, beyond the reach of user-mode suspension.
  void systemThread(std::string name, std::function<void()> body);
  // An APC the exploration may queue to thread `target` (declared before) at any point.
  void apc(std::string name, std::string target, ApcKind kind, std::function<void()> routine);

 private:
  void adopt(std::unique_ptr<KernelObject> object, std::string name);
  Execution& execution_;
  const Parameters* parameters_;
};

}  // namespace interlock
