#include "interlock/core/Thread.hpp"

#include "interlock/core/detail/Fiber.hpp"
#include "Names.hpp"

#include <algorithm>
#include <span>
#include <utility>

namespace interlock {

Thread::Thread(ThreadId id, ThreadSpec spec) : id_(id), spec_(std::move(spec)) {}

Thread::~Thread() = default;  // here, where Fiber is complete

void Thread::queueApc(std::uint16_t apc, ApcKind kind) noexcept {
  if (apcCount_ == apcQueue_.size()) return;  // each declared APC is queued at most once
  std::size_t at = apcCount_;
  if (kind == ApcKind::Special)
    at = static_cast<std::size_t>(std::find_if(apcQueue_.begin(), apcQueue_.begin() + apcCount_,
                                               [](const QueuedApc& q) { return q.kind == ApcKind::Normal; }) -
                                  apcQueue_.begin());
  std::move_backward(apcQueue_.begin() + static_cast<std::ptrdiff_t>(at), apcQueue_.begin() + apcCount_,
                     apcQueue_.begin() + apcCount_ + 1);
  apcQueue_[at] = QueuedApc{apc, kind};
  ++apcCount_;
}

std::uint16_t Thread::deliverableApc() const noexcept {
  for (std::size_t i = 0; i < apcCount_; ++i) {
    const QueuedApc& queued = apcQueue_[i];
    if (queued.kind == ApcKind::Special ? canTakeSpecialKernelApc() : canTakeNormalKernelApc())
      return queued.apc;
  }
  return kNoApc;
}

void Thread::dequeueApc(std::uint16_t apc) noexcept {
  const auto end = apcQueue_.begin() + apcCount_;
  const auto found = std::find_if(apcQueue_.begin(), end, [apc](const QueuedApc& q) { return q.apc == apc; });
  if (found == end) return;
  std::move(found + 1, end, found);
  --apcCount_;
}

void Thread::reuse(ThreadId id, std::string_view name, std::string_view requester,
                   ThreadKind kind, bool suspendable, Routine&& body) {
  id_ = id;
  detail::keepName(spec_.name, name);
  detail::keepName(spec_.requester, requester);
  spec_.kind = kind;
  spec_.suspendable = suspendable;
  spec_.service = false;
  spec_.body = std::move(body);
  irql = kPassiveLevel;
  kernelApcDisable = 0;
  specialApcDisable = 0;
  kernelApcInProgress = false;
  suspendCount = 0;
  suspendApcQueued = false;
  suspendApcRunning = false;
  state = ThreadState::Ready;
  pending = Op{};
  apcDepth = 0;
  exceptionHandlers = 0;
  waitObserver = nullptr;
  rundown = nullptr;
  // A wait reads only its first block until beginWait() initializes the others; levels no
  // APC reached last run are as reuse() left them.
  for (WaitSet& set : std::span(waits_.data(), std::size_t{deepestApc_} + 1)) {
    set.count = 1;
    set.type = WaitType::Any;
    set.timed = false;
    set.satisfiedBy = WaitSet::kNoBlock;
    set.resumed = nullptr;
    set.blocks[0] = WaitBlock{};
  }
  apcCount_ = 0;
  deepestApc_ = 0;
}

bool WaitSet::satisfiedMany() const noexcept {
  const auto inUse = used();
  auto done = [](const WaitBlock& block) { return block.satisfied; };
  if (type == WaitType::All) return std::all_of(inUse.begin(), inUse.end(), done);
  return std::any_of(inUse.begin(), inUse.end(), done);
}

WaitSet* Thread::waitSetOf(const WaitBlock& block) noexcept {
  // Compared by address one by one: pointers into different arrays have no defined order.
  for (WaitSet& set : waits_)
    for (const WaitBlock& candidate : set.blocks)
      if (&candidate == &block) return &set;
  return nullptr;
}

std::span<WaitBlock> Thread::beginWait(std::size_t count, WaitType type, bool timed) noexcept {
  WaitSet& set = waitSet();
  set.count = static_cast<std::uint8_t>(std::min(count, kMaxWaitObjects));
  set.type = type;
  set.timed = timed;
  set.satisfiedBy = WaitSet::kNoBlock;
  set.resumed = nullptr;
  for (WaitBlock& block : set.used()) block = WaitBlock{.thread = this};
  return set.used();
}

void Thread::endWait() noexcept {
  WaitSet& set = waitSet();
  set.count = 1;
  set.type = WaitType::Any;
  set.timed = false;
  set.resumed = nullptr;
}

std::span<WaitBlock> Thread::blockSatisfied(const WaitBlock& block) noexcept {
  WaitSet* set = waitSetOf(block);
  if (set == nullptr) return {};
  set->satisfiedBy = static_cast<std::uint8_t>(&block - set->blocks.data());
  if (set->type == WaitType::All || set->count == 1) return {};
  return set->used();
}

}  // namespace interlock
