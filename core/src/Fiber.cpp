#include "interlock/core/detail/Fiber.hpp"

#include "interlock/core/detail/Sanitizer.hpp"

#include <cstdlib>
#include <memory>
#include <utility>

namespace interlock {

Fiber::Fiber(StackPool& pool, Entry entry, void* argument)
    : ownHome_(std::make_unique<Fiber>()), entry_(entry), argument_(argument), pool_(&pool) {
  home_ = ownHome_.get();
  makeStack();
}

Fiber::Fiber(StackPool& pool, Fiber& home, Entry entry, void* argument)
    : home_(&home), entry_(entry), argument_(argument), pool_(&pool) {
  makeStack();
}

void Fiber::makeStack() {
  stack_ = pool_->allocate();
  stackBottom_ = static_cast<char*>(stack_.sp) - stack_.size;
  stackSize_ = stack_.size;
  cont_ = detail::makeContext(stack_.sp, stack_.size, &Fiber::start);
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
  resume();  // a parked or never-started fiber leaves its loop for good
  pool_->deallocate(stack_);  // nothing runs on it any more
}

void Fiber::start(detail::Transfer first) {
  auto& self = *static_cast<Fiber*>(first.data);
  self.arrive(first.fctx, nullptr);
  self.run();
}

void Fiber::run() {
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
  (void)detail::switchContext(std::exchange(to.cont_, nullptr), nullptr);
  std::abort();  // never continued: the destructor gives the stack back
}

void Fiber::abort() {
  if (finished_) return;
  aborting_ = true;
  resume();
}

}  // namespace interlock
