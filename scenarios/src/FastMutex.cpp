// FAST_MUTEX and guarded mutex scenarios (kernel-rules.md §3.4, §4.4 and §4.8).
#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

// A driver's registration list: RegisterClient takes the list lock to add an entry.
struct ClientList {
  FAST_MUTEX& lock;
  Shared<LONG>& count;

  void registerClient() const {
    ExAcquireFastMutex(&lock);
    count.store(count.load() + 1);
    ExReleaseFastMutex(&lock);
  }
};

ClientList makeClientList(Setup& s) {
  auto& lock = s.make<FAST_MUTEX>("ListLock");
  auto& count = s.make<Shared<LONG>>("Clients");
  ExInitializeFastMutex(&lock);
  return ClientList{lock, count};
}

Scenario callbackReentry() {
  return Scenario{
      "reentrancy/fast-mutex-callback",
      "A driver notifies its registered clients while holding the FAST_MUTEX that protects "
      "its client list. One client's callback reacts by registering another client, which "
      "calls back into the driver's RegisterClient and takes the same FAST_MUTEX. A fast "
      "mutex is not recursive: the owner's second ExAcquireFastMutex waits for the owner "
      "itself, and the thread deadlocks alone.",
      Expectation::violation(ViolationKind::Deadlock, "SelfDeadlock"),
      Bounds{},
      [](Setup& s) {
        const ClientList list = makeClientList(s);
        s.systemThread("notifier", [list] {
          ExAcquireFastMutex(&list.lock);
          (void)list.count.load();
          list.registerClient();  // bug: the client callback runs under ListLock
          ExReleaseFastMutex(&list.lock);
        });
      }};
}

Scenario callbackReentryFixed() {
  return Scenario{
      "reentrancy/fast-mutex-callback-fixed",
      "The fix of reentrancy/fast-mutex-callback: the driver snapshots the list under the "
      "FAST_MUTEX, releases it, and only then calls the clients, so a callback may register a "
      "client while another thread registers one too.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) {
        const ClientList list = makeClientList(s);
        s.systemThread("notifier", [list] {
          ExAcquireFastMutex(&list.lock);
          (void)list.count.load();
          ExReleaseFastMutex(&list.lock);
          list.registerClient();  // the callback, now outside the lock
        });
        s.systemThread("registrar", [list] { list.registerClient(); });
      }};
}

// §4.4: an APC that takes the lock its thread may be holding.
Scenario apcReentry(bool special) {
  return Scenario{
      special ? "reentrancy/fast-mutex-special-apc" : "reentrancy/fast-mutex-normal-apc",
      special
          ? "A file system holds a FAST_MUTEX with ExAcquireFastMutexUnsafe inside a critical "
            "region, which is legal. A special kernel APC queued to the same thread (an I/O "
            "completion routine of the driver) takes the same mutex. A critical region does "
            "not hold special kernel APCs off: the APC runs on the owner's stack at APC_LEVEL "
            "and waits for a mutex its own thread holds: self-deadlock."
          : "The same code, with the re-entering routine queued as a normal kernel APC "
            "(which enters its own critical region around the unsafe acquire). The critical "
            "region defers it until KeLeaveCriticalRegion, after the release, so it finds the "
            "mutex free.",
      special ? Expectation::violation(ViolationKind::Deadlock, "SelfDeadlock")
              : Expectation::pass(),
      Bounds{},
      [special](Setup& s) {
        auto& lock = s.make<FAST_MUTEX>("FcbLock");
        auto& fcb = s.make<Shared<LONG>>("Fcb");
        ExInitializeFastMutex(&lock);
        s.systemThread("fs", [&lock, &fcb] {
          KeEnterCriticalRegion();
          ExAcquireFastMutexUnsafe(&lock);
          fcb.store(fcb.load() + 1);
          ExReleaseFastMutexUnsafe(&lock);
          KeLeaveCriticalRegion();
        });
        s.apc("CompletionApc", "fs", special ? ApcKind::Special : ApcKind::Normal, [&lock, &fcb] {
          KeEnterCriticalRegion();  // a normal APC's routine runs at PASSIVE: it needs a region
          ExAcquireFastMutexUnsafe(&lock);
          fcb.store(fcb.load() + 1);
          ExReleaseFastMutexUnsafe(&lock);
          KeLeaveCriticalRegion();
        });
      }};
}

Scenario suspendWhileHeld() {
  return Scenario{
      "fast-mutex/suspend-while-held",
      "An IOCTL handler in an unprivileged process's thread updates a global table under a "
      "FAST_MUTEX, with no critical region. ExAcquireFastMutex raises to APC_LEVEL, which "
      "holds the suspend APC off (KeAreApcsDisabled still says FALSE): a suspension requested "
      "while the handler holds the mutex takes effect in ExReleaseFastMutex, after the "
      "release, so the system thread that needs the table always gets the mutex.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) {
        auto& lock = s.make<FAST_MUTEX>("TableLock");
        auto& table = s.make<Shared<LONG>>("Table");
        ExInitializeFastMutex(&lock);
        for (const bool user : {true, false}) {
          auto body = [&lock, &table] {
            ExAcquireFastMutex(&lock);
            table.store(table.load() + 1);
            ExReleaseFastMutex(&lock);
          };
          if (user) s.userThread("handler", body); else s.systemThread("system", body);
        }
      }};
}

Scenario guardedRecursive() {
  return Scenario{
      "guarded-mutex/recursive",
      "A routine that holds a guarded mutex calls a helper written to be called without it; "
      "the helper calls KeAcquireGuardedMutex on the same mutex. Guarded mutexes are not "
      "recursive (unlike KMUTEX): the owner waits for itself and deadlocks.",
      Expectation::violation(ViolationKind::Deadlock, "SelfDeadlock"),
      Bounds{},
      [](Setup& s) {
        auto& lock = s.make<KGUARDED_MUTEX>("StateLock");
        auto& state = s.make<Shared<LONG>>("State");
        KeInitializeGuardedMutex(&lock);
        s.systemThread("worker", [&lock, &state] {
          KeAcquireGuardedMutex(&lock);
          state.store(1);
          KeAcquireGuardedMutex(&lock);  // bug: the helper takes the lock again
          state.store(2);
          KeReleaseGuardedMutex(&lock);
          KeReleaseGuardedMutex(&lock);
        });
      }};
}

// The unsafe forms assume the caller already holds APCs off.
void unsafeUser(Setup& s, KGUARDED_MUTEX& lock, Shared<LONG>& state, bool user, bool region) {
  auto body = [&lock, &state, region] {
    if (region) KeEnterGuardedRegion();
    KeAcquireGuardedMutexUnsafe(&lock);
    state.store(state.load() + 1);
    KeReleaseGuardedMutexUnsafe(&lock);
    if (region) KeLeaveGuardedRegion();
  };
  if (user) s.userThread("handler", body); else s.systemThread("worker", body);
}

Scenario unsafeWithoutRegion() {
  return Scenario{
      "guarded-mutex/unsafe-without-region",
      "A system worker thread, ported from code that ran inside a guarded region, calls "
      "KeAcquireGuardedMutexUnsafe at PASSIVE_LEVEL outside any region. The routine requires "
      "APC_LEVEL or a guarded region and Windows does not check. Nothing here suspends the "
      "worker or queues it an APC, so mutual exclusion still holds and no hang follows: the "
      "breach is the verdict.",
      Expectation::violation(ViolationKind::ContractViolation, "GuardedMutexUnsafe"),
      Bounds{},
      [](Setup& s) {
        auto& lock = s.make<KGUARDED_MUTEX>("StateLock");
        auto& state = s.make<Shared<LONG>>("State");
        KeInitializeGuardedMutex(&lock);
        unsafeUser(s, lock, state, false, false);
        s.systemThread("system", [&lock, &state] {
          KeAcquireGuardedMutex(&lock);
          state.store(state.load() + 1);
          KeReleaseGuardedMutex(&lock);
        });
      }};
}

Scenario unsafeSuspendedOwner(bool region) {
  return Scenario{
      region ? "guarded-mutex/unsafe-in-guarded-region" : "guarded-mutex/unsafe-suspended-owner",
      region ? "The fix of guarded-mutex/unsafe-suspended-owner: the handler enters a guarded "
               "region before KeAcquireGuardedMutexUnsafe and leaves it after the release. The "
               "suspend APC is held off until KeLeaveGuardedRegion, when the mutex is free."
             : "The same unsafe acquire at PASSIVE_LEVEL outside any region, made by an IOCTL "
               "handler in the thread of an unprivileged process. Nothing holds the suspend "
               "APC off, so the process can suspend its thread while it owns the mutex, and "
               "the system thread that needs it waits forever.",
      region ? Expectation::pass()
             : Expectation::violation(ViolationKind::SuspendedOwnerDoS, "SuspendedOwner"),
      Bounds{},
      [region](Setup& s) {
        auto& lock = s.make<KGUARDED_MUTEX>("StateLock");
        auto& state = s.make<Shared<LONG>>("State");
        KeInitializeGuardedMutex(&lock);
        unsafeUser(s, lock, state, true, region);
        s.systemThread("system", [&lock, &state] {
          KeAcquireGuardedMutex(&lock);
          state.store(state.load() + 1);
          KeReleaseGuardedMutex(&lock);
        });
      }};
}

}  // namespace

std::vector<Scenario> fastMutexScenarios() {
  return {callbackReentry(),     callbackReentryFixed(),      apcReentry(true),
          apcReentry(false),     suspendWhileHeld(),          guardedRecursive(),
          unsafeWithoutRegion(), unsafeSuspendedOwner(false), unsafeSuspendedOwner(true)};
}

}  // namespace interlock::scenarios
