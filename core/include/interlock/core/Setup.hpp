#pragma once
// What a scenario's setup function uses to create its objects and threads.
#include "interlock/core/Execution.hpp"
#include "interlock/core/IndexedName.hpp"
#include "interlock/core/KernelObject.hpp"
#include "interlock/core/ObjectArray.hpp"
#include "interlock/core/ObjectStore.hpp"
#include "interlock/core/Scenario.hpp"
#include "interlock/core/Thread.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace interlock {

class Setup {
 public:
  explicit Setup(Execution& execution, const Parameters* parameters = nullptr)
      : execution_(execution), objects_(execution.objectStore()), parameters_(parameters) {}

  // The value of one of the scenario's parameters (Scenario::parameters, maybe overridden).
  // Throws ScenarioError when the scenario does not declare it.
  [[nodiscard]] std::int64_t intParam(std::string_view name) const;

  // An object owned by this execution, named as traces will show it. Built afresh every
  // execution, and destroyed when it ends; its storage is kept, and the next execution builds
  // the object made in the same place (same type) in it: a setup allocates no object after
  // the first run.
  template <typename T, typename... Args>
  T& make(std::string_view name, Args&&... args) {
    return objects_.make<T>(name, std::forward<Args>(args)...);
  }

  // `count` objects named "base.0" ... "base.<count-1>", each built from `args`, as one array a
  // thread body can capture by value (the execution keeps its pointers: no vector per run).
  template <typename T, typename... Args>
  ObjectArray<T> makeArray(std::string_view base, int count, const Args&... args) {
    return objects_.makeArray<T>(base, count, args...);
  }

  void thread(ThreadSpec spec);
  // A thread of an unprivileged process inside a system call; the adversary may suspend it.
  void userThread(std::string_view name, Routine body,
                  std::string_view requester = "unprivileged process");
  // A system thread, beyond the reach of user-mode suspension.
  void systemThread(std::string_view name, Routine body);
  // A system thread that serves work (a poller, a queue's worker), typically forever: waiting
  // for its work (objects nobody owns) when the execution ends is idle, not a hang.
  void serviceThread(std::string_view name, Routine body);
  // An APC the exploration may queue to thread `target` (declared before) at any point.
  void apc(std::string name, std::string target, ApcKind kind, Routine routine);

 private:
  Execution& execution_;
  ObjectStore& objects_;
  const Parameters* parameters_;
};

}  // namespace interlock
