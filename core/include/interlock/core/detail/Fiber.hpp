#pragma once
// One cooperative fiber (Boost.Context's fcontext) standing in for a kernel thread's stack.
// resume() runs it until it calls suspend() or its entry returns, or until a fiber it switched
// to (switchTo) does; every switch is annotated for ASan. Switching allocates nothing, and
// neither does starting over: a finished fiber parks on its own stack and restart() hands it
// the next entry (Relacy's threads loop so). Internal to the engine: no installed header
// includes it (it brings in the switch's assembly and Boost.Context's private headers).
#include "interlock/core/StackPool.hpp"
#include "interlock/core/detail/ContextSwitch.hpp"
#include "interlock/core/detail/Sanitizer.hpp"

#include <cstddef>
#include <memory>
#include <utility>

namespace interlock {

// Thrown on a fiber stack to unwind an abandoned fiber; scenario code must not catch it.
struct FiberAbort {};

class Fiber {
 public:
  using Entry = void (*)(void* argument);

  // A home: the calling OS thread's own stack, as a context. Fibers made with it resume from
  // it, suspend back to it, and can switch to one another directly (switchTo).
  Fiber() noexcept = default;
  // A fiber with a home of its own (the creating stack).
  Fiber(StackPool& pool, Entry entry, void* argument);
  // A fiber of `home`, which must outlive it.
  Fiber(StackPool& pool, Fiber& home, Entry entry, void* argument);
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // From the home: run the fiber until it (or a fiber it switched to) goes back home.
  void resume();
  // From inside the fiber: hand control back to the home. Throws FiberAbort when the home
  // abandons the fiber (abort()).
  void suspend();
  // From inside the fiber: hand control straight to `next` (another fiber of the same home,
  // or the home). Throws FiberAbort, as suspend() does, when this fiber is abandoned.
  void switchTo(Fiber& next);
  // Where control goes when the running entry returns, instead of home (once).
  void parkTo(Fiber& next) noexcept { parkTo_ = &next; }
  // From the home: unwind an unfinished fiber's stack (destructors run).
  void abort();
  // The fiber starts over with a new entry on the same stack, unwinding first if it has not
  // finished (a thread object reused by the next execution keeps its fiber).
  void restart(Entry entry, void* argument);

  [[nodiscard]] bool finished() const noexcept { return finished_; }

 private:
  // A stack from pool_, and a context that starts on it.
  void makeStack();
  // The first code on a new fiber's stack: `start.data` is the fiber, switched to for the first time.
  static void start(detail::Transfer first);
  // The fiber's life on its own stack: one entry after another, until it dies.
  [[noreturn]] void run();
  [[nodiscard]] Fiber& home() noexcept { return home_ != nullptr ? *home_ : *this; }
  // Runs on this context's stack: continues `to`; returns when some context continues this one.
  // Inline: every return between a switch and the code that goes on is a mispredicted one (the
  // return stack buffer holds the other stack's calls), so the switch adds no frame of its own.
  [[gnu::always_inline]] void transferTo(Fiber& to);
  // Back on this stack: keeps the continuation of the context that switched here.
  void arrive(detail::Context from, void* fakeStack);

  Fiber* home_ = nullptr;           // nullptr: this is a home
  std::unique_ptr<Fiber> ownHome_;  // the home of a fiber made without one
  Fiber* from_ = nullptr;           // on a home: the context that switched last
  Fiber* parkTo_ = nullptr;
  Entry entry_ = nullptr;
  void* argument_ = nullptr;
  detail::Context cont_ = nullptr;  // what continues this context while it does not run
  StackPool* pool_ = nullptr;       // where stack_ came from (a home has none)
  FiberStack stack_{};
  const void* stackBottom_ = nullptr;  // for ASan; a home's is learned on its first switch
  std::size_t stackSize_ = 0;
  bool finished_ = false;
  bool aborting_ = false;
  bool dying_ = false;  // the destructor ends the fiber's loop
};

inline void Fiber::transferTo(Fiber& to) {
  void* fakeStack = nullptr;
  sanitizer::startSwitch(&fakeStack, to.stackBottom_, to.stackSize_);
  home().from_ = this;
  // `to` goes as the transfer's data: a fiber switched to for the first time learns who it is.
  const detail::Transfer from = detail::switchContext(std::exchange(to.cont_, nullptr), &to);
  arrive(from.fctx, fakeStack);
}

inline void Fiber::arrive(detail::Context from, void* fakeStack) {
  Fiber& source = *home().from_;
  // ASan names the stack left behind: how a home learns its own bounds.
  sanitizer::finishSwitch(fakeStack, &source.stackBottom_, &source.stackSize_);
  source.cont_ = from;
}

inline void Fiber::resume() { home().transferTo(*this); }

inline void Fiber::suspend() {
  transferTo(home());
  if (aborting_) throw FiberAbort{};
}

inline void Fiber::switchTo(Fiber& next) {
  transferTo(next);
  if (aborting_) throw FiberAbort{};
}

}  // namespace interlock
