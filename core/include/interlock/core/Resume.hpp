#pragma once
// The counterfactual resume: when an execution ends in a hang with threads the adversary
// suspended, they are resumed (NtResumeThread, as their caller may or may not ever do) and
// the execution runs on. Whether the hang then clears tells a denial of service caused by the
// suspension from a deadlock; this record says what the resumed run did.
#include "interlock/core/Ids.hpp"

#include <array>
#include <cstdint>

namespace interlock {

struct ResumeRecord {
  bool requested = false;     // a monitor found such a hang at quiescence and asked
  bool active = false;        // the suspended threads were resumed: the run after is the tail
  bool cut = false;           // the tail reached the step bound before it settled
  std::uint64_t resumed = 0;  // the threads resumed, bit t for thread t
  std::uint32_t step = 0;     // the step at which they were resumed
  ThreadId lastRun = kNoThread;
  // Per thread: whose operation first satisfied its wait in the tail, and through which object.
  std::array<ThreadId, 64> wokenBy{};
  std::array<ObjectId, 64> wokenThrough{};
};

}  // namespace interlock
