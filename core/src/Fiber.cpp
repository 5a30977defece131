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
    : ownHome_(std::make_unique<Fiber>()), entry_(entry), argument_(argument) {
  home_ = ownHome_.get();
  cont_ = ctx::fiber(std::allocator_arg, RecordingAllocator{&pool, this},
                     [this](ctx::fiber&& caller) { return run(std::move(caller)); });
}

Fiber::Fiber(StackPool& pool, Fiber& home, Entry entry, void* argument)
    : home_(&home), entry_(entry), argument_(argument) {
  cont_ = ctx::fiber(std::allocator_arg, RecordingAllocator{&pool, this},
                     [this](ctx::fiber&& caller) { return run(std::move(caller)); });
}

void Fiber::restart(Entry entry, void* argument) {
  abort();  // an unfinished entry unwinds first; the fiber then waits parked for the next
  entry_ = entry;
  argument_ = argument;
  finished_ = false;
}

Fiber::~Fiber() {
  if (home_ == nullptr) return;  // a home: nothing runs on a stack of its own
  abort();
  dying_ = true;
  resume();  // a parked or never-started fiber returns from run(): its stack goes back to the pool
}

ctx::fiber Fiber::run(ctx::fiber&& caller) {
  arrive(std::move(caller), nullptr);
  // One entry after another on this stack: each restart() resumes the loop.
  while (!dying_) {
    try {
      if (!aborting_) entry_(argument_);
    } catch (const FiberAbort&) {
      parkTo_ = nullptr;  // the scheduler abandoned the entry; its frames are now unwound
    }
    aborting_ = false;
    finished_ = true;
    transferTo(parkTo_ != nullptr ? *std::exchange(parkTo_, nullptr) : home());
  }
  Fiber& to = home();
  sanitizer::startSwitch(nullptr, to.stackBottom_, to.stackSize_);  // nullptr: this stack dies
  to.from_ = this;
  return std::move(to.cont_);
}

void Fiber::abort() {
  if (finished_) return;
  aborting_ = true;
  resume();
}

}  // namespace interlock
