#include "ExclusiveLock.hpp"

#include "interlock/primitives/Call.hpp"

#include <cstddef>
#include <string>

namespace interlock::wdm::detail {

void acquireOrWait(Thread& thread, KernelObject& object, ThreadId& owner, std::uint8_t mode,
                   const char* api) {
  const ThreadId me = thread.id();
  if (owner == kNoThread) {
    owner = me;
    recordCall(api, &object, nullptr, nullptr);
    return;
  }
  const char* blocked = "waits";
  for (;;) {
    waitFor(thread, object, mode, api, nullptr, blocked);
    if (owner == me) {  // handed off before we ran
      recordWoken(api, object, nullptr, "acquired: handed over by the release");
      return;
    }
    if (owner == kNoThread) {  // woken to retry and nobody barged in
      owner = me;
      recordWoken(api, object, nullptr, "acquired on retry");
      return;
    }
    // A newcomer barged in between the release and our retry: wait again, at the tail.
    blocked = "woken, but another thread took it first: waits again";
  }
}

void releaseOwnership(KernelObject& object, ThreadId& owner, Grant grant) {
  owner = kNoThread;
  WaitQueue& waiters = object.waiters();
  if (waiters.empty()) return;  // no waiter, no choice point
  Execution& execution = Execution::current();
  if (grant == Grant::Fifo) {
    WaitBlock& first = *waiters.front();
    owner = first.thread->id();
    execution.satisfy(first);
    return;
  }
  const bool handOff = execution.branch(2) == 0;
  WaitBlock* block = waiters.front();
  for (std::size_t skip = execution.branch(waiters.size()); skip != 0; --skip) block = block->next;
  if (handOff) owner = block->thread->id();
  execution.satisfy(*block);
}

std::string notOwnedText(const KernelObject& object, ThreadId owner) {
  std::string text = std::string(object.typeName()) + " " + object.name();
  if (owner == kNoThread) return text + ", which is not owned";
  return text + ", owned by " + Execution::current().thread(owner).name();
}

std::uint32_t notOwnedCode(ThreadId owner) noexcept { return owner == kNoThread ? 0x1007 : 0x1004; }

}  // namespace interlock::wdm::detail
