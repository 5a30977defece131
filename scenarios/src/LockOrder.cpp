// Lock-order scenarios (kernel-semantics.md §4 pattern 5).
#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

void takeInOrder(Setup& s, const char* name, ERESOURCE& first, ERESOURCE& second) {
  s.systemThread(name, [&first, &second] {
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&first, TRUE);
    ExAcquireResourceExclusiveLite(&second, TRUE);
    ExReleaseResourceLite(&second);
    ExReleaseResourceLite(&first);
    KeLeaveCriticalRegion();
  });
}

Scenario abba() {
  return Scenario{
      "lock-order/abba",
      "Two system threads take the same two ERESOURCEs in opposite orders: the create path "
      "takes the volume lock then the file lock, the rename path the file lock then the "
      "volume lock. If each takes its first lock before the other takes its second, both wait "
      "forever.",
      Expectation::violation(ViolationKind::Deadlock, "WaitCycle"),
      Bounds{},
      [](Setup& s) {
        auto& volume = s.make<ERESOURCE>("VolumeLock");
        auto& file = s.make<ERESOURCE>("FileLock");
        ExInitializeResourceLite(&volume);
        ExInitializeResourceLite(&file);
        takeInOrder(s, "create", volume, file);
        takeInOrder(s, "rename", file, volume);
      }};
}

Scenario consistent() {
  return Scenario{
      "lock-order/consistent",
      "The fix of lock-order/abba: both paths take the volume lock before the file lock, so "
      "no interleaving can close a cycle.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) {
        auto& volume = s.make<ERESOURCE>("VolumeLock");
        auto& file = s.make<ERESOURCE>("FileLock");
        ExInitializeResourceLite(&volume);
        ExInitializeResourceLite(&file);
        takeInOrder(s, "create", volume, file);
        takeInOrder(s, "rename", volume, file);
      }};
}

}  // namespace

std::vector<Scenario> lockOrderScenarios() { return {abba(), consistent()}; }

}  // namespace interlock::scenarios
