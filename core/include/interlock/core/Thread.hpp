#pragma once
// The KTHREAD model: IRQL, both APC-disable counts, suspension, wait and requester
// (kernel-rules.md §2.1). Owned by one Execution; never moves once created.
#include "interlock/core/Ids.hpp"
#include "interlock/core/Op.hpp"
#include "interlock/core/Routine.hpp"
#include "interlock/core/WaitQueue.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace interlock {

class Fiber;  // the engine's (detail/Fiber.hpp): a thread's stack and context

enum class ThreadKind : std::uint8_t {
  SystemCall,  // a user thread inside a system call: its body ends by returning to user mode
  System,      // a system thread: its body ends with PsTerminateSystemThread
  Worker,      // a system worker thread running one work item: its body is the routine
  // Pseudo-threads of the processor model (kernel-rules.md §7, §11, §13): not suspendable, no APCs.
  Dpc,          // one run of a DPC routine at DISPATCH_LEVEL on the processor it preempted
  ThreadedDpc,  // one run of a threaded DPC at PASSIVE_LEVEL in a DPC thread
  Interrupt,    // one run of an ISR at its DIRQL
};

// A context of the processor model: whether it is a pseudo-thread (a DPC or ISR run).
[[nodiscard]] constexpr bool isPseudoThread(ThreadKind kind) noexcept {
  return kind == ThreadKind::Dpc || kind == ThreadKind::ThreadedDpc || kind == ThreadKind::Interrupt;
}

struct ThreadSpec {
  std::string name;
  std::string requester = "system";  // who the thread runs for
  ThreadKind kind = ThreadKind::System;
  bool suspendable = false;          // the adversary may call NtSuspendThread on it
  Routine body;
  // It serves work (a polling thread, a queue's worker): waiting for work objects nobody owns
  // at the end of an execution is idle, not a hang.
  bool service = false;
};

enum class ApcKind : std::uint8_t {
  Special,  // kernel routine only: runs at APC_LEVEL, blocked only by a guarded region or IRQL
  Normal,   // normal routine at PASSIVE: blocked by either region, IRQL, or another normal APC
};

// A kernel APC the scenario may queue to a thread (the adversary's or the I/O manager's).
struct ApcSpec {
  std::string name;
  ThreadId target = kNoThread;
  ApcKind kind = ApcKind::Normal;
  Routine routine;
  // The model's own APC (the I/O manager's completion): the environment always queues it
  // eventually, so it is a progress choice, not bounded like the adversary's.
  bool environment = false;
  // Not an APC: a device interrupt (kernel-rules.md §13) the environment may raise at any
  // point, bounded by Bounds::maxInterrupts; `routine` starts the ISR's context.
  bool interrupt = false;
};

// Wait blocks: the thread's own wait plus one per APC nested inside it (an APC may wait
// while the wait it interrupted stays queued on its object).
inline constexpr std::size_t kMaxApcNesting = 3;
// Objects one wait may name (KeWaitForMultipleObjects, §3.6). Windows allows 64 with a
// caller-supplied KWAIT_BLOCK array; the model keeps 8 inline so waiting never allocates.
inline constexpr std::size_t kMaxWaitObjects = 8;

enum class WaitType : std::uint8_t {
  Any,  // satisfied by one object; the thread leaves its other objects' queues
  All,  // satisfied only when every object can be taken at once (the primitive decides)
};

// One wait of a thread: the blocks it is queued with at one APC nesting depth. A
// single-object wait (detail::waitFor) uses block 0 only, with the defaults below.
struct WaitSet {
  static constexpr std::uint8_t kNoBlock = 0xFF;

  std::array<WaitBlock, kMaxWaitObjects> blocks{};
  std::uint8_t count = 1;
  WaitType type = WaitType::Any;
  // A finite timeout: if nobody satisfies it, it times out instead of hanging (§3.6).
  bool timed = false;
  std::uint8_t satisfiedBy = kNoBlock;  // the block that satisfied it (WaitAny), last wait
  // Called when the wait resumes after kernel APCs ran inside it: the kernel took the thread
  // out of the wait for them (§2.2), so a dispatcher wait looks at its objects again.
  void (*resumed)(Thread& thread) = nullptr;

  [[nodiscard]] std::span<WaitBlock> used() noexcept { return {blocks.data(), count}; }
  [[nodiscard]] std::span<const WaitBlock> used() const noexcept { return {blocks.data(), count}; }
  // WaitAny: one block satisfied; WaitAll: every block satisfied.
  [[nodiscard]] bool satisfied() const noexcept {
    return count == 1 ? blocks[0].satisfied : satisfiedMany();
  }
  [[nodiscard]] bool satisfiedMany() const noexcept;
};

// Told when its thread stops running (blocks in a wait, is suspended, ends) and when it runs
// again (its wait is satisfied, it is resumed): a KQUEUE counts the running threads associated
// with it. Most threads have none, and pay one pointer test per wait.
class WaitObserver {
 public:
  // Idempotent: a thread already counted as stopped stays so.
  virtual void stopsRunning(Thread& thread) noexcept = 0;
  // `satisfier`: the object whose wait ended (nullptr for a resume).
  virtual void runsAgain(Thread& thread, const KernelObject* satisfier) noexcept = 0;
  virtual void ends(Thread& thread) noexcept = 0;
  // The object these calls change: every step of an observed thread may touch it (footprints).
  [[nodiscard]] virtual ObjectId observedObject() const noexcept = 0;

 protected:
  ~WaitObserver() = default;
};

enum class ThreadState : std::uint8_t {
  Ready,       // stopped before its pending visible operation
  Waiting,     // in a wait; runnable once its wait is satisfied (WaitSet::satisfied)
  Terminated,
};

class Thread {
 public:
  Thread(ThreadId id, ThreadSpec spec);
  ~Thread();
  Thread(const Thread&) = delete;
  Thread& operator=(const Thread&) = delete;
  // The state of a new thread with this id and spec, keeping the fiber object (Execution
  // reuses thread objects between executions instead of allocating them).
  // Names are assigned into the strings already there: no allocation once they are long enough.
  void reuse(ThreadId id, std::string_view name, std::string_view requester, ThreadKind kind,
             bool suspendable, Routine&& body);
  // Drops the body (its captures) once the execution that ran it is over.
  void retire() { spec_.body = nullptr; }
  // Setup's: this thread serves work (ThreadSpec::service); reuse() clears it.
  void markService() noexcept { spec_.service = true; }

  [[nodiscard]] ThreadId id() const noexcept { return id_; }
  [[nodiscard]] const ThreadSpec& spec() const noexcept { return spec_; }
  [[nodiscard]] const std::string& name() const noexcept { return spec_.name; }

  // §2.1: a non-zero count, negative or positive, blocks delivery.
  [[nodiscard]] std::int32_t combinedApcDisable() const noexcept {
    return static_cast<std::int32_t>(
        (static_cast<std::uint32_t>(static_cast<std::uint16_t>(specialApcDisable)) << 16) |
        static_cast<std::uint16_t>(kernelApcDisable));
  }
  // §2.2: a normal kernel APC (suspension included) runs only at PASSIVE, outside both
  // regions, and not inside another normal kernel APC.
  [[nodiscard]] bool canTakeNormalKernelApc() const noexcept {
    return irql == kPassiveLevel && kernelApcDisable == 0 && specialApcDisable == 0 &&
           !kernelApcInProgress;
  }
  [[nodiscard]] bool canTakeSpecialKernelApc() const noexcept {
    return irql == kPassiveLevel && specialApcDisable == 0;
  }
  // Stopped by the adversary: the suspend APC ran and waits on the suspend semaphore.
  [[nodiscard]] bool suspended() const noexcept { return suspendApcRunning; }
  [[nodiscard]] bool terminated() const noexcept { return state == ThreadState::Terminated; }
  [[nodiscard]] bool runnable() const noexcept {
    if (state == ThreadState::Ready) return !suspended();  // the common case first
    if (terminated() || suspended()) return false;
    return waitSatisfied() || (apcCount_ != 0 && deliverableApc() != kNoApc);
  }
  // Block 0 of the current depth's wait: all a single-object wait uses.
  [[nodiscard]] WaitBlock& wait() noexcept { return waits_[apcDepth].blocks[0]; }
  [[nodiscard]] const WaitBlock& wait() const noexcept { return waits_[apcDepth].blocks[0]; }
  // The current depth's wait: its blocks, count, type and which block satisfied it.
  [[nodiscard]] WaitSet& waitSet() noexcept { return waits_[apcDepth]; }
  [[nodiscard]] const WaitSet& waitSet() const noexcept { return waits_[apcDepth]; }
  [[nodiscard]] std::span<WaitBlock> waitBlocks() noexcept { return waitSet().used(); }
  [[nodiscard]] std::span<const WaitBlock> waitBlocks() const noexcept { return waitSet().used(); }
  [[nodiscard]] bool waitSatisfied() const noexcept { return waitSet().satisfied(); }
  // The waits at every APC nesting depth in use, the outermost first.
  [[nodiscard]] std::span<const WaitSet> waitSets() const noexcept {
    return {waits_.data(), static_cast<std::size_t>(apcDepth) + 1};
  }
  // The wait (at any depth) that `block` belongs to, or nullptr if it is not this thread's.
  [[nodiscard]] WaitSet* waitSetOf(const WaitBlock& block) noexcept;

  // Starts a multi-object wait at the current depth: `count` fresh blocks owned by this
  // thread, for the caller to point at objects and queue. End it with endWait().
  std::span<WaitBlock> beginWait(std::size_t count, WaitType type, bool timed) noexcept;
  // Back to the single-object shape detail::waitFor expects; keeps satisfiedBy readable.
  void endWait() noexcept;
  // For Execution::satisfy: records `block` as the one that satisfied its wait and returns
  // the blocks a WaitAny wait must now leave (all of its blocks; none for WaitAll).
  [[nodiscard]] std::span<WaitBlock> blockSatisfied(const WaitBlock& block) noexcept;

  // §2.1: special kernel APCs queue ahead of normal ones, FIFO within a kind.
  static constexpr std::uint16_t kNoApc = 0xFFFF;
  void queueApc(std::uint16_t apc, ApcKind kind) noexcept;
  // The first queued APC §2.2 lets run now, or kNoApc.
  [[nodiscard]] std::uint16_t deliverableApc() const noexcept;
  // Whether any APC (the suspend APC included) waits for delivery: the common answer is no.
  [[nodiscard]] bool apcPending() const noexcept { return apcCount_ != 0 || suspendApcQueued; }
  void dequeueApc(std::uint16_t apc) noexcept;

  Irql irql = kPassiveLevel;
  std::int16_t kernelApcDisable = 0;
  std::int16_t specialApcDisable = 0;
  bool kernelApcInProgress = false;
  std::uint8_t suspendCount = 0;
  bool suspendApcQueued = false;   // queued, not yet deliverable
  bool suspendApcRunning = false;  // delivered; never resumed (the adversary's DoS)
  ThreadState state = ThreadState::Ready;
  Op pending;                      // the visible operation it will perform next
  std::uint8_t apcDepth = 0;       // APC routines running on this thread, nested
  std::uint8_t exceptionHandlers = 0;  // __try frames (tryExcept) on the thread's stack
  std::uint8_t processor = 0;          // the processor it runs on (Execution assigns it)
  // An APC routine starts on this thread: one level deeper (reuse() resets the levels used).
  void enterApc() noexcept {
    ++apcDepth;
    if (apcDepth > deepestApc_) deepestApc_ = apcDepth;
  }
  WaitObserver* waitObserver = nullptr;  // the KQUEUE it is associated with, if any
  // Runs on the thread when its body returns, before the exit checks: the I/O manager's
  // rundown of the requests still queued to it (IoCancelThreadIo). Set by the I/O layer.
  void (*rundown)(Thread& thread) = nullptr;
  std::unique_ptr<Fiber> fiber;

 private:
  struct QueuedApc {
    std::uint16_t apc;
    ApcKind kind;
  };
  // What every step and every run's setup touch first, the APC levels' waits and the APC queue
  // last: a thread's hot state spans a few cache lines, not both ends of 1.5 KiB.
  ThreadId id_;
  std::uint8_t apcCount_ = 0;
  std::uint8_t deepestApc_ = 0;  // the deepest wait level used since reuse()
  ThreadSpec spec_;
  std::array<WaitSet, kMaxApcNesting + 1> waits_{};
  std::array<QueuedApc, 16> apcQueue_{};
};

}  // namespace interlock
