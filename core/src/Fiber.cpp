#include "interlock/core/Fiber.hpp"

#include "interlock/core/Sanitizer.hpp"

#include <memory>
#include <utility>

namespace interlock {

namespace ctx = boost::context;

// Hands out pooled stacks and remembers the bounds ASan needs for switch annotations.
struct Fiber::RecordingAllocator {
  StackPool* pool;
  Fiber* fiber;

  ctx::stack_context allocate() {
    ctx::stack_context stack = pool->allocate();
    fiber->stackBottom_ = static_cast<char*>(stack.sp) - stack.size;
    fiber->stackSize_ = stack.size;
    return stack;
  }
  void deallocate(ctx::stack_context& stack) noexcept { pool->deallocate(stack); }
};

Fiber::Fiber(StackPool& pool, Entry entry, void* argument)
    : pool_(pool), entry_(entry), argument_(argument) {
  self_ = ctx::fiber(std::allocator_arg, RecordingAllocator{&pool_, this},
                     [this](ctx::fiber&& caller) { return run(std::move(caller)); });
}

void Fiber::restart(Entry entry, void* argument) {
  abort();  // an unfinished entry unwinds first; the fiber then waits parked for the next
  entry_ = entry;
  argument_ = argument;
  finished_ = false;
}

Fiber::~Fiber() {
  abort();
  dying_ = true;
  resume();  // a parked or never-started fiber returns from run(): its stack goes back to the pool
}

ctx::fiber Fiber::run(ctx::fiber&& caller) {
  sanitizer::finishSwitch(nullptr, &callerBottom_, &callerSize_);
  caller_ = std::move(caller);
  // One entry after another on this stack: each restart() resumes the loop.
  while (!dying_) {
    try {
      if (!aborting_) entry_(argument_);
    } catch (const FiberAbort&) {
      // The scheduler abandoned the entry; its frames are now unwound.
    }
    aborting_ = false;
    finished_ = true;
    switchOut();
  }
  sanitizer::startSwitch(nullptr, callerBottom_, callerSize_);  // nullptr: this stack dies
  return std::move(caller_);
}

void Fiber::resume() {
  void* fakeStack = nullptr;
  sanitizer::startSwitch(&fakeStack, stackBottom_, stackSize_);
  self_ = std::move(self_).resume();
  sanitizer::finishSwitch(fakeStack, nullptr, nullptr);
}

void Fiber::switchOut() {
  void* fakeStack = nullptr;
  sanitizer::startSwitch(&fakeStack, callerBottom_, callerSize_);
  caller_ = std::move(caller_).resume();
  sanitizer::finishSwitch(fakeStack, &callerBottom_, &callerSize_);
}

void Fiber::suspend() {
  switchOut();
  if (aborting_) throw FiberAbort{};
}

void Fiber::abort() {
  if (finished_) return;
  aborting_ = true;
  resume();
}

}  // namespace interlock
