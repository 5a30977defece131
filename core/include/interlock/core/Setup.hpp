#pragma once
// What a scenario's setup function uses to create its objects and threads.
#include "interlock/core/Execution.hpp"
#include "interlock/core/IndexedName.hpp"
#include "interlock/core/KernelObject.hpp"
#include "interlock/core/ObjectArray.hpp"
#include "interlock/core/Scenario.hpp"
#include "interlock/core/Thread.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <vector>

namespace interlock {

class Setup {
 public:
  explicit Setup(Execution& execution, const Parameters* parameters = nullptr)
      : execution_(execution), parameters_(parameters) {}

  // The value of one of the scenario's parameters (Scenario::parameters, maybe overridden).
  // Throws ScenarioError when the scenario does not declare it.
  [[nodiscard]] std::int64_t intParam(std::string_view name) const;

  // An object owned by this execution, named as traces will show it. Built afresh every
  // execution, and destroyed when it ends; its storage is kept, and the next execution builds
  // the object made in the same place (same type) in it: a setup allocates no object after
  // the first run (Relacy pools its objects so).
  template <typename T, typename... Args>
  T& make(std::string_view name, Args&&... args) {
    static_assert(std::is_base_of_v<KernelObject, T>, "make<T>: T must be a modelled object");
    if (void* storage = execution_.reusableStorage(typeid(T))) {
      // If the constructor throws, the storage stays in the pool.
      T* object = ::new (storage) T(std::forward<Args>(args)...);
      execution_.addReusedObject(object, name);
      return *object;
    }
    auto object = std::make_unique<T>(std::forward<Args>(args)...);
    T& ref = *object;
    adopt(std::move(object), name, ObjectStorage{static_cast<void*>(&ref), &typeid(T), deallocator<T>()});
    return ref;
  }

  // `count` objects named "base.0" ... "base.<count-1>", each built from `args`, as one array a
  // thread body can capture by value (the execution keeps its pointers: no vector per run).
  template <typename T, typename... Args>
  ObjectArray<T> makeArray(std::string_view base, int count, const Args&... args) {
    std::vector<KernelObject*>& items = execution_.newObjectArray();
    IndexedName name(base, 0);
    const auto size = static_cast<std::size_t>(std::max(count, 0));
    // The run before made the same objects here: each is built in its place's storage.
    if (const std::size_t first = size == 0 ? Execution::kNoRange : execution_.takeRange(typeid(T), size);
        first != Execution::kNoRange) {
      items.resize(size);
      std::size_t built = 0;
      bool locks = false;  // whether endRange has locks to list
      // However the loop ends early (a constructor throws, a fiber unwinds), the objects built
      // before stay the run's, as make's do. endRange allocates nothing here: the run before
      // made these places' objects, so the lock list already had room for them.
      struct EndEarly {
        Execution& execution;
        std::vector<KernelObject*>& items;
        std::size_t first;
        const std::size_t& built;
        const bool& locks;
        bool done = false;
        ~EndEarly() {
          if (done) return;
          items.resize(built);
          execution.endRange(first, first + built, locks);
        }
      } early{execution_, items, first, built, locks};
      const bool named = execution_.rangeNamed(first, size, base);
      for (; built < size; ++built) {
        if (!named) [[unlikely]] {
          execution_.nameAt(first + built, name);
          name.increment();
        }
        T* object = ::new (execution_.storageAt(first + built)) T(args...);
        const bool lock = object->T::isLock();  // T's own: no virtual call
        execution_.attachAt(first + built, *object, lock);
        locks = locks || lock;
        items[built] = object;
      }
      early.done = true;
      execution_.endRange(first, first + size, locks);
      execution_.noteRangeNamed(first, size, base);
    } else {
      for (int i = 0; i < count; ++i, name.increment()) items.push_back(&make<T>(name, args...));
    }
    return ObjectArray<T>(items.data(), items.size());
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
  // How make_unique<T>'s storage is given back once the pool is done with it.
  template <typename T>
  static ObjectDeallocate deallocator() noexcept {
    return [](void* storage) noexcept {
      if constexpr (alignof(T) > __STDCPP_DEFAULT_NEW_ALIGNMENT__)
        ::operator delete(storage, std::align_val_t{alignof(T)});
      else
        ::operator delete(storage);
    };
  }
  void adopt(std::unique_ptr<KernelObject> object, std::string_view name, ObjectStorage storage);
  Execution& execution_;
  const Parameters* parameters_;
};

}  // namespace interlock
