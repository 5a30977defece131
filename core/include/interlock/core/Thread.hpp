#pragma once
// The KTHREAD model: IRQL, both APC-disable counts, suspension, wait and requester
// (kernel-semantics.md §2.1). Owned by one Execution; never moves once created.
#include "interlock/core/Fiber.hpp"
#include "interlock/core/Ids.hpp"
#include "interlock/core/Op.hpp"
#include "interlock/core/WaitQueue.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace interlock {

enum class ThreadKind : std::uint8_t {
  SystemCall,  // a user thread inside a system call: its body ends by returning to user mode
  System,      // a system thread: its body ends with PsTerminateSystemThread
  Worker,      // a system worker thread running one work item: its body is the routine
};

struct ThreadSpec {
  std::string name;
  std::string requester = "system";  // who the thread runs for
  ThreadKind kind = ThreadKind::System;
  bool suspendable = false;          // the adversary may call NtSuspendThread on it
  std::function<void()> body;
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
  std::function<void()> routine;
  // The model's own APC (the I/O manager's completion): the environment always queues it
  // eventually, so it is a progress choice, not bounded like the adversary's.
  bool environment = false;
};

// Wait blocks: the thread's own wait plus one per APC nested inside it (an APC may wait
// while the wait it interrupted stays queued on its object).
inline constexpr std::size_t kMaxApcNesting = 3;

enum class ThreadState : std::uint8_t {
  Ready,       // stopped before its pending visible operation
  Waiting,     // in a wait; runnable once its wait block is satisfied
  Terminated,
};

class Thread {
 public:
  Thread(ThreadId id, ThreadSpec spec) : id_(id), spec_(std::move(spec)) {}

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
    if (terminated() || suspended()) return false;
    return state == ThreadState::Ready || wait().satisfied || deliverableApc() != kNoApc;
  }
  [[nodiscard]] WaitBlock& wait() noexcept { return waits_[apcDepth]; }
  [[nodiscard]] const WaitBlock& wait() const noexcept { return waits_[apcDepth]; }

  // §2.1: special kernel APCs queue ahead of normal ones, FIFO within a kind.
  static constexpr std::uint16_t kNoApc = 0xFFFF;
  void queueApc(std::uint16_t apc, ApcKind kind) noexcept;
  // The first queued APC §2.2 lets run now, or kNoApc.
  [[nodiscard]] std::uint16_t deliverableApc() const noexcept;
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
  std::unique_ptr<Fiber> fiber;

 private:
  struct QueuedApc {
    std::uint16_t apc;
    ApcKind kind;
  };
  std::array<WaitBlock, kMaxApcNesting + 1> waits_{};
  std::array<QueuedApc, 16> apcQueue_{};
  std::uint8_t apcCount_ = 0;

  ThreadId id_;
  ThreadSpec spec_;
};

}  // namespace interlock
