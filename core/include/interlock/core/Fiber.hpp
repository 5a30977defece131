#pragma once
// One cooperative fiber (Boost.Context) standing in for a kernel thread's stack.
// resume() runs it until it calls suspend() or its entry returns; every switch is annotated
// for ASan. Switching allocates nothing, and neither does starting over: a finished fiber
// parks on its own stack and restart() hands it the next entry (Relacy's threads loop so).
#include "interlock/core/StackPool.hpp"

#include <boost/context/fiber.hpp>

#include <cstddef>

namespace interlock {

// Thrown on a fiber stack to unwind an abandoned fiber; scenario code must not catch it.
struct FiberAbort {};

class Fiber {
 public:
  using Entry = void (*)(void* argument);

  Fiber(StackPool& pool, Entry entry, void* argument);
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // From the scheduler: run the fiber until it suspends or finishes.
  void resume();
  // From inside the fiber: hand control back to the scheduler. Throws FiberAbort when
  // the scheduler abandons the fiber (abort()).
  void suspend();
  // From the scheduler: unwind an unfinished fiber's stack (destructors run).
  void abort();
  // The fiber starts over with a new entry on the same stack, unwinding first if it has not
  // finished (a thread object reused by the next execution keeps its fiber).
  void restart(Entry entry, void* argument);

  [[nodiscard]] bool finished() const noexcept { return finished_; }

 private:
  struct RecordingAllocator;
  boost::context::fiber run(boost::context::fiber&& caller);
  // Back to the scheduler from inside the fiber, whatever the abort flag says.
  void switchOut();

  StackPool& pool_;
  Entry entry_;
  void* argument_;
  boost::context::fiber self_;    // where resume() continues
  boost::context::fiber caller_;  // where suspend() returns to
  const void* stackBottom_ = nullptr;
  std::size_t stackSize_ = 0;
  const void* callerBottom_ = nullptr;
  std::size_t callerSize_ = 0;
  bool finished_ = false;
  bool aborting_ = false;
  bool dying_ = false;  // the destructor ends the fiber's loop
};

}  // namespace interlock
