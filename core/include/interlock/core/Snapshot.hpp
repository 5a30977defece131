#pragma once
// Who owns and who waits on what when an execution ended, plus the names that turn a
// counterexample's ids into words.
#include "interlock/core/Ids.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace interlock {

struct ThreadSnapshot {
  std::string name;
  std::string requester;
  std::string state;  // "ready", "waiting", "suspended", "terminated"
  Irql irql = 0;
  std::int16_t kernelApcDisable = 0;
  std::int16_t specialApcDisable = 0;
  bool suspendApcQueued = false;
};

struct HolderSnapshot {
  std::string thread;
  std::string mode;  // "exclusive", "shared", ...
  std::uint32_t count = 1;
};

struct ObjectSnapshot {
  std::string name;
  std::string type;
  std::vector<HolderSnapshot> owners;
  std::vector<HolderSnapshot> waiters;
};

struct ApcSnapshot {
  std::string name;
  ThreadId target = kNoThread;
};

struct Snapshot {
  std::vector<ThreadSnapshot> threads;
  std::vector<ObjectSnapshot> objects;
  std::vector<ApcSnapshot> apcs;
};

}  // namespace interlock
