// Lock-order scenarios (kernel-rules.md §4.5).
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

struct VolumeLocks {
  ERESOURCE* volume;
  ERESOURCE* file;
};

// The cleanup work item: file lock first, then the volume lock (the reverse order).
void cleanupWorker(PDEVICE_OBJECT, PVOID context) {
  const VolumeLocks locks = static_cast<Shared<VolumeLocks>*>(context)->peek();  // set once, read-only
  KeEnterCriticalRegion();
  ExAcquireResourceExclusiveLite(locks.file, TRUE);
  ExAcquireResourceExclusiveLite(locks.volume, TRUE);
  ExReleaseResourceLite(locks.volume);
  ExReleaseResourceLite(locks.file);
  KeLeaveCriticalRegion();
}

Scenario latent() {
  return Scenario{
      "lock-order/latent",
      "The create path takes the volume lock then the file lock, and after releasing both "
      "queues a cleanup work item that takes the file lock then the volume lock. The two never "
      "overlap here, so no explored schedule hangs; but the locks are taken in both orders, and "
      "the day a second create runs while a cleanup is in flight the two deadlock. Driver "
      "Verifier's deadlock detection reports such a cycle (0xC4/0x1001) without waiting for it.",
      Expectation::violation(ViolationKind::LockOrder, "LockOrderCycle"),
      Bounds{},
      [](Setup& s) {
        auto& volume = s.make<ERESOURCE>("VolumeLock");
        auto& file = s.make<ERESOURCE>("FileLock");
        auto& device = s.make<DEVICE_OBJECT>("VolumeDevice");
        auto& locks = s.make<Shared<VolumeLocks>>("Locks", VolumeLocks{&volume, &file});
        ExInitializeResourceLite(&volume);
        ExInitializeResourceLite(&file);
        s.systemThread("create", [&volume, &file, &device, &locks] {
          KeEnterCriticalRegion();
          ExAcquireResourceExclusiveLite(&volume, TRUE);
          ExAcquireResourceExclusiveLite(&file, TRUE);
          ExReleaseResourceLite(&file);
          ExReleaseResourceLite(&volume);
          KeLeaveCriticalRegion();
          IoQueueWorkItem(IoAllocateWorkItem(&device), &cleanupWorker, DelayedWorkQueue, &locks);
        });
      }};
}

}  // namespace

std::vector<Scenario> lockOrderScenarios() { return {abba(), consistent(), latent()}; }

}  // namespace interlock::scenarios
