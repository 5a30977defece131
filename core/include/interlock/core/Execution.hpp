#pragma once
// One execution: runs a scenario from scratch under one schedule. Threads run on fibers
// and stop before each visible operation; the ChoiceSource picks what happens next.
// Deterministic: same scenario and same choices give the same events, byte for byte.
#include "interlock/core/Choice.hpp"
#include "interlock/core/Event.hpp"
#include "interlock/core/Footprint.hpp"
#include "interlock/core/KernelObject.hpp"
#include "interlock/core/ObjectStore.hpp"
#include "interlock/core/Op.hpp"
#include "interlock/core/Resume.hpp"
#include "interlock/core/Scenario.hpp"
#include "interlock/core/Snapshot.hpp"
#include "interlock/core/StackPool.hpp"
#include "interlock/core/Thread.hpp"
#include "interlock/core/Violation.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace interlock {

class Execution;

namespace detail {
// The execution running on this OS thread (each search job has its own). Inline readers:
// every modelled call asks for it.
extern constinit thread_local Execution* currentExecution;
}  // namespace detail

// Who decides: a strategy while exploring, a recorded schedule while replaying.
class ChoiceSource {
 public:
  static constexpr std::size_t kAbandon = static_cast<std::size_t>(-1);
  virtual ~ChoiceSource() = default;
  // `options` is never empty; returns an index into it, or kAbandon to end the execution.
  [[nodiscard]] virtual std::size_t choose(std::span<const Choice> options) = 0;
  // The same question when the options are exactly "run thread t" for each bit t of `runnable`
  // (never 0), lowest id first: no adversary event is open. A source that needs only how many
  // there are (naive DFS) answers without the list; this default writes it into `room` (room
  // for 64) and asks choose().
  [[nodiscard]] virtual std::size_t chooseThread(std::uint64_t runnable, std::span<Choice> room);
};

// A property watching an execution. It reports through Execution::report.
class Monitor {
 public:
  // The steps afterStep is called for (a bit set): most properties care about few of them,
  // and the execution skips the call for the others.
  enum Watch : std::uint8_t {
    kEveryStep = 1,
    kStepsNamingLocks = 2,  // steps that can change a lock's ownership (Execution::stepLocks)
    kStepsThatBlock = 4,    // steps after which the thread that ran waits
  };
  virtual ~Monitor() = default;
  [[nodiscard]] virtual std::uint8_t watches() const noexcept { return kEveryStep; }
  // Every thread has reached its first visible operation; no choice has been made yet.
  virtual void beginExecution(Execution& execution) { (void)execution; }
  virtual void afterStep(Execution& execution, const Choice& choice) {
    (void)execution, (void)choice;
  }
  // No thread can move any more; some may be unfinished.
  virtual void atQuiescence(Execution& execution) { (void)execution; }
};

// Sees the synchronization a happens-before analysis orders memory accesses by (the driver
// bridge's race detector): called on the thread concerned, after it was chosen to go on.
class SyncObserver {
 public:
  virtual ~SyncObserver() = default;
  // `thread` goes on with the visible operation `op` (its object(s) not yet acted on).
  virtual void operation(const Thread& thread, const Op& op) noexcept = 0;
  // `thread` returns from a wait some of whose blocks were satisfied.
  virtual void waited(const Thread& thread) noexcept = 0;
  // `parent` (nullptr: none) created `child`, which has not run yet.
  virtual void spawned(const Thread* parent, const Thread& child) noexcept = 0;
};

enum class Ending : std::uint8_t {
  Quiescent,   // no thread can move (all finished, or stuck)
  Violation,   // a consequence ended it
  StepBound,   // cut at Bounds::maxSteps
  Abandoned,   // the choice source gave up (a replayed schedule no longer fits)
};

// A thread created while the execution ran, and the step (top-level choice) that created it.
struct Spawn {
  ThreadId thread = kNoThread;
  std::uint32_t step = 0;
};

struct ExecutionResult {
  std::vector<Choice> schedule;
  std::vector<Spawn> spawns;
  std::vector<Event> events;
  std::vector<Violation> violations;  // causes in order; a consequence, if any, is last
  Ending ending = Ending::Quiescent;
  std::uint32_t steps = 0;
  std::uint32_t choicePoints = 0;
  bool suspensionBoundHit = false;
  bool apcBoundHit = false;
  Snapshot snapshot;                  // filled only when asked for

  // Empty again for the next run, keeping the lists' buffers (a run appends without allocating).
  void reset() noexcept;
  [[nodiscard]] const Violation* consequence() const noexcept;
  [[nodiscard]] bool hasCause() const noexcept;
  [[nodiscard]] const Violation* lockOrder() const noexcept;
};

// Runs executions: threads on fibers, the choices between their steps, APCs and suspensions,
// and the step loop. The objects a run's setup makes live in its ObjectStore.
class Execution {
 public:
  explicit Execution(StackPool& stacks);
  ~Execution();
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // Runs one execution. The result stays valid until the next run.
  const ExecutionResult& run(const Scenario& scenario, const Bounds& bounds, ChoiceSource& chooser,
                             std::span<Monitor* const> monitors, bool captureSnapshot = false);

  // Whether runs keep their events (the story a counterexample tells). A search does not need
  // them: it replays the schedule it reports, events on, at the end.
  void recordEvents(bool on) noexcept { recordEvents_ = on; }
  // Whether record() keeps anything now: callers skip building events nobody reads.
  [[nodiscard]] bool recordsEvents() const noexcept { return recordEvents_ && !run_.tearingDown; }
  // Driver Verifier enabled (--verifier): a breach it catches stops the machine at once (0xC4).
  void verifier(bool on) noexcept { verifier_ = on; }
  [[nodiscard]] bool verifier() const noexcept { return verifier_; }

  // --- the counterfactual resume (ExecutionResume.cpp) ---
  // In Monitor::atQuiescence: the hang found involves threads the adversary suspended; once
  // every monitor has looked, they are resumed and the execution runs on (its steps after the
  // Resume events are the tail, chosen round robin, not by the choice source), and the monitors
  // are asked again at its quiescence.
  void requestResume() noexcept { resume_.requested = true; }
  [[nodiscard]] const ResumeRecord& resumed() const noexcept { return resume_; }

  // --- for primitives, on the current thread's fiber ---
  [[nodiscard]] static Execution& current() {
    if (detail::currentExecution == nullptr) throwOutside();
    return *detail::currentExecution;
  }
  [[nodiscard]] static Execution* currentOrNull() noexcept { return detail::currentExecution; }
  [[nodiscard]] Thread& currentThread() {
    if (run_.current == nullptr) [[unlikely]] throwNoThread();
    return *run_.current;
  }
  [[nodiscard]] Thread* currentThreadOrNull() noexcept { return run_.current; }

  // A scheduling point before a visible operation.
  void visible(const Op& op);
  // Blocks the current thread on its `wait` block (queued by the caller) until satisfied.
  void wait(const char* api);
  // Hands a waiter what it waited for; it becomes runnable (unless suspended).
  void satisfy(WaitBlock& block);
  // A behaviour Windows leaves open: the strategy picks one of `count`.
  [[nodiscard]] std::size_t branch(std::size_t count);
  // A kernel APC of the model itself (e.g. I/O completion) that the environment will queue
  // to `target` at a moment the exploration chooses. Returns its index.
  std::uint16_t addEnvironmentApc(const char* prefix, ThreadId target, ApcKind kind,
                                  Routine routine);
  // Queues an environment APC at once, not at a moment the exploration chooses (the I/O
  // manager completing a request inline queues IopCompleteRequest before IoCallDriver returns).
  void queueEnvironmentApcNow(std::uint16_t index);
  // A thread created while the execution runs (a system worker); it starts at its first step.
  ThreadId spawnThread(ThreadSpec spec);
  // --- the processor model (kernel-rules.md §7) ---
  // A DPC or ISR context: spawned like a thread, on `processor` (kOwnProcessor: a processor
  // of its own, idle), at `irql` from its first step.
  static constexpr std::uint8_t kOwnProcessor = 0xFF;
  ThreadId spawnContext(ThreadSpec spec, std::uint8_t processor, Irql irql);
  // Turns on processor exclusion (a DPC or interrupt object exists): a context at IRQL >=
  // DISPATCH_LEVEL, or a threaded DPC, keeps the other contexts of its processor from running.
  void useProcessors() noexcept { run_.processors = true; }
  // The processors the threads share (Bounds::processors); 0: one processor per thread.
  [[nodiscard]] std::uint32_t processorCount() const noexcept {
    return run_.bounds != nullptr ? run_.bounds->processors : 0;
  }
  // Bit t: context t is live but another context of its processor holds it (§7), so t cannot run.
  [[nodiscard]] std::uint64_t preemptedContexts() const noexcept;
  // A device interrupt the environment may raise (ApcSpec::interrupt); `fire` starts its ISR.
  // Returns its index among the APCs (the choice that raises it names it so).
  std::uint16_t addInterrupt(std::string name, Routine fire);
  // The ISR started by interrupt `index` has returned: the device may interrupt again.
  void interruptDone(std::uint16_t index) noexcept;
  // Call after lowering IRQL or leaving a region: delivers what became deliverable (§2.2).
  void apcStateChanged();
  // `hook(context)` runs once when this run ends, after its threads are unwound and its
  // objects released: what a primitive keeps beside the run's objects is dropped there.
  using EndHook = void (*)(void* context) noexcept;
  void atRunEnd(EndHook hook, void* context) noexcept {
    endHook_ = hook;
    endHookContext_ = context;
  }
  void record(Event event);
  // While events are recorded, each event of the thread running now is given the site
  // `hook(context)` names (a string that outlives the run, or nullptr), asked on that thread's
  // stack: a layer running code of its own (a driver's C source) says where in it the thread
  // stands. For this run only; searches never call it.
  using SiteHook = const char* (*)(void* context);
  void siteOfEvents(SiteHook hook, void* context) noexcept {
    siteHook_ = hook;
    siteHookContext_ = context;
  }
  // The run's synchronization goes to `observer` too, until the run ends (nullptr: nobody).
  void observeSync(SyncObserver* observer) noexcept { sync_ = observer; }
  // A cause is recorded and the execution goes on; a consequence ends it.
  void report(Violation violation);

  // The execution run last (or running): schedule, spawns, events so far.
  [[nodiscard]] const ExecutionResult& result() const noexcept { return result_; }
  // What taking `choice` now may touch (partial-order reduction's dependency relation).
  [[nodiscard]] Footprint footprintOf(const Choice& choice) const;

  // --- views for properties ---
  [[nodiscard]] std::span<const std::unique_ptr<Thread>> threads() const noexcept { return threads_; }
  [[nodiscard]] std::span<KernelObject* const> objects() const noexcept { return objects_.objects(); }
  [[nodiscard]] const Thread& thread(ThreadId id) const {
    if (id >= threads_.size()) throwNoSuchThread(id);
    return *threads_[id];
  }
  [[nodiscard]] const KernelObject& object(ObjectId id) const { return objects_.at(id); }
  // The objects that are locks (KernelObject::isLock), in id order.
  [[nodiscard]] std::span<const ObjectId> locks() const noexcept { return objects_.locks(); }
  // The locks some visible operation of this run has named so far, in id order: the only ones
  // that can have owners (an acquire, a wait, a hand-off's release all name their object).
  [[nodiscard]] std::span<const ObjectId> namedLocks() const noexcept { return objects_.namedLocks(); }
  // In Monitor::afterStep: the locks whose ownership the step just taken can have changed, in
  // id order: those its operation (or the wait it returned from) named. All of them when
  // stepTouchesAllLocks() (an APC ran first, and may have done anything).
  [[nodiscard]] std::span<const ObjectId> stepLocks() const noexcept {
    return {run_.stepLocks.data(), run_.stepLockCount};
  }
  [[nodiscard]] bool stepTouchesAllLocks() const noexcept { return run_.stepAllLocks; }
  // Bit t: thread t is neither terminated nor suspended (at quiescence: it waits forever).
  [[nodiscard]] std::uint64_t liveThreads() const noexcept { return run_.ready | run_.waiting; }
  [[nodiscard]] const std::deque<ApcSpec>& apcs() const noexcept { return apcs_; }
  [[nodiscard]] std::uint32_t step() const noexcept { return result_.steps; }
  [[nodiscard]] bool ended() const noexcept { return run_.terminal; }
  [[nodiscard]] bool tearingDown() const noexcept { return run_.tearingDown; }

  // --- for Setup ---
  void addThread(ThreadSpec spec);
  // `body` is moved from once, into the thread (a Routine moves through an indirect call).
  // Inline: every run's setup calls it for each thread, and a call costs a tenth of it.
  void addThread(std::string_view name, std::string_view requester, ThreadKind kind,
                 bool suspendable, Routine&& body) {
    if (checkNames_ || !body || threads_.size() >= 64) [[unlikely]] checkNewThread(name, body);
    const auto id = static_cast<ThreadId>(threads_.size());
    run_.adversary = run_.adversary || suspendable;
    run_.ready |= std::uint64_t{1} << id;  // a new thread is Ready (Thread's constructor, reuse())
    // The usual run: thread i is last run's, reset in place; the first run makes the slots.
    if (id < threadSlots_.size() && options_.size() >= 2 * (std::size_t{id} + 1)) [[likely]]
      threadSlots_[id]->reuse(id, name, requester, kind, suspendable, std::move(body));
    else
      addThreadSlot(id, name, requester, kind, suspendable, std::move(body));
    threads_ = std::span(threadSlots_.data(), std::size_t{id} + 1);
    // Thread i on processor i mod N (Bounds::processors), else on its own (§7).
    const std::uint32_t processors = run_.bounds != nullptr ? run_.bounds->processors : 0;
    threadSlots_[id]->processor = static_cast<std::uint8_t>(processors == 0 ? id : id % processors);
    if (processors != 0 && id >= processors) [[unlikely]] run_.processors = true;
  }
  // An object made by a primitive as the run goes (an IRP, a work item), owned by this run.
  void addObject(std::unique_ptr<KernelObject> object, std::string_view name) {
    objects_.add(std::move(object), name);
  }
  // Where Setup makes the run's objects.
  [[nodiscard]] ObjectStore& objectStore() noexcept { return objects_; }
  void addApc(std::string name, const std::string& target, ApcKind kind, Routine routine);

 private:
  [[noreturn]] static void throwOutside();
  [[noreturn]] static void throwNoThread();
  [[noreturn]] static void throwBadChoice(std::size_t index, std::size_t count);
  [[noreturn]] static void throwNoSuchThread(ThreadId id);
  static void threadEntry(void* argument);
  void startThreads();
  // The threads that can run a step now, a bit per id. A ready thread runs; a waiting one if
  // its wait is satisfied or an APC is deliverable. The masks are kept as threads change state
  // (markReady and the others).
  [[nodiscard]] [[gnu::always_inline]] std::uint64_t runnableThreads() const {
#ifndef NDEBUG
    checkRunnableMasks();
#endif
    std::uint64_t runnable = run_.ready;
    for (std::uint64_t left = run_.waiting; left != 0; left &= left - 1)
      if (threads_[static_cast<std::size_t>(__builtin_ctzll(left))]->runnable()) runnable |= left & -left;
    if (run_.processors) [[unlikely]] runnable &= ~preemptedContexts();
    return runnable;
  }
  // The choices open now, into options_ (a buffer kept at its largest: a step pushes nothing):
  // the runnable threads in id order, then the adversary's events.
  void collectOptions(std::uint64_t runnable) {
    optionCount_ = storeRunChoices(runnable, options_.data());  // addThread keeps room for all
    collectAdversaryOptions();
  }
  void checkRunnableMasks() const;
  // Builds watchersFor_ and watched_ from run_.monitors.
  void tableWatchers();
  void collectAdversaryOptions();
  // The next choice, recorded as run_.lastChoice; false when the run ends instead (result_.ending
  // says why).
  [[nodiscard]] [[gnu::always_inline]] inline bool chooseNext();
  // A step is over: counted, and shown to the monitors that watch its kind.
  [[gnu::always_inline]] inline void finishStep(const Choice& choice);
  // A thread stops before its next operation (or in a wait): its step is over, and the next is
  // chosen here.
  void endStep(Thread& thread);
  // A thread's entry returns: the next step is chosen here too, and its fiber parks into it.
  void exitStep(Thread& thread);
  // Ends the step and chooses on the thread's stack; true if the choice is a thread to run
  // (run_.lastChoice), else run_.handoff tells run() what to do.
  [[nodiscard]] bool scheduleHere(Thread& thread);
  // While the threads start: the one to start after the thread stopping now, if any.
  [[nodiscard]] Thread* nextToStart() noexcept;
  void apply(const Choice& choice);
  void queueApc(std::uint16_t index);
  void suspend(Thread& thread);
  void deliverSuspendApc(Thread& thread);
  bool deliverApcs(Thread& thread);
  void runApc(Thread& thread, std::uint16_t apc);
  // addThread's cold paths: the checks of a first run (or of a bad scenario), and a slot to make.
  [[gnu::noinline]] void checkNewThread(std::string_view name, const Routine& body) const;
  [[gnu::noinline]] void addThreadSlot(ThreadId id, std::string_view name, std::string_view requester,
                                       ThreadKind kind, bool suspendable, Routine&& body);
  void exitChecks(Thread& thread);
  [[gnu::noinline]] void reportThreadedDpcWait(const Thread& thread, const char* api);
  // Out of line: what exitChecks reports when the thread owns a lock or left a region open.
  [[gnu::noinline]] void reportExitViolations(Thread& thread);
  // Whether `thread` owns `lock` (its ownerMask bit): what every exit check asks of a lock.
  [[nodiscard]] bool owns(const Thread& thread, ObjectId lock) const noexcept {
    return (objects_[lock].ownerMask() & (std::uint64_t{1} << thread.id())) != 0;
  }
  [[gnu::noinline]] void recordExit(const Thread& thread);  // the Exit event, when events are kept
  // Thread state changes go through these, which keep run_.ready and run_.waiting in step.
  void markReady(Thread& thread) noexcept {
    thread.state = ThreadState::Ready;
    const std::uint64_t bit = std::uint64_t{1} << thread.id();
    if (!thread.suspended()) run_.ready |= bit;
    run_.waiting &= ~bit;
  }
  void markWaiting(Thread& thread) noexcept {
    thread.state = ThreadState::Waiting;
    const std::uint64_t bit = std::uint64_t{1} << thread.id();
    run_.ready &= ~bit;
    if (!thread.suspended()) run_.waiting |= bit;
  }
  void markTerminated(Thread& thread) noexcept {
    thread.state = ThreadState::Terminated;
    forgetRunnable(thread);
  }
  void forgetRunnable(const Thread& thread) noexcept {  // terminated, or suspended for good
    const std::uint64_t bit = std::uint64_t{1} << thread.id();
    run_.ready &= ~bit;
    run_.waiting &= ~bit;
  }
  // Calls f(object, access) for each object `thread`'s next step names: its pending operation's
  // (further objects as acquired) and, while it waits, those of its wait. What footprints and
  // stepLocks are read from.
  template <typename F>
  static void forEachStepObject(const Thread& thread, F&& f) {
    f(thread.pending.object, thread.pending.access);
    for (ObjectId other : thread.pending.others) f(other, Access::Acquire);
    if (thread.state == ThreadState::Waiting)
      for (const WaitBlock& block : thread.waitSet().used())
        if (block.object != nullptr) f(block.object->id(), Access::Wait);
  }
  [[gnu::always_inline]] void findStepLocks(const Choice& choice) {
    run_.stepLockCount = 0;
    run_.stepAllLocks = false;
    if (choice.kind != ChoiceKind::Run || objects_.locks().empty()) return;
    const Thread& thread = *threads_[choice.thread];
    // The common step: one object named, no wait to return from, no APC to run first.
    if (thread.pending.others.empty() && thread.state == ThreadState::Ready && !thread.apcPending()) {
      addStepLock(thread.pending.object);
      return;
    }
    findStepLocksSlow(thread);
  }
  void findStepLocksSlow(const Thread& thread);
  [[gnu::always_inline]] void addStepLock(ObjectId object) noexcept {
    if (!objects_.isLock(object)) return;
    if (run_.stepLockCount == 0) {  // the common case: the step's one lock
      run_.stepLocks[0] = object;
      run_.stepLockCount = 1;
      return;
    }
    insertStepLock(object);
  }
  void insertStepLock(ObjectId object) noexcept;
  void startFiber(Thread& thread);
  void resumeFiber(Thread& thread);
  void stopCurrentThread();
  void captureSnapshot();
  void teardown();
  // The counterfactual resume: NtResumeThread on every suspended thread, then the tail.
  void runResumed();
  void resumeThread(Thread& thread);
  [[nodiscard]] bool chooseResumed();
  void noteWoken(const WaitBlock& block) noexcept;

  StackPool& stacks_;
  // This OS thread's stack, as a fiber: declared before the threads, whose fibers return to it.
  std::unique_ptr<Fiber> home_;
  // Every thread object made so far, kept with its fiber between runs: a run's thread i is
  // threadSlots_[i], reset in place (Thread::reuse), so it keeps its name and moves nowhere.
  std::vector<std::unique_ptr<Thread>> threadSlots_;
  std::span<std::unique_ptr<Thread>> threads_;  // this run's: the first ones of threadSlots_
  ObjectStore objects_;
  OwnerList exitOwners_;  // scratch for exitChecks' debug check: 32 owners are too many to clear per exit
  std::deque<ApcSpec> apcs_;  // stable: an APC routine may add one (I/O it issues)
  std::vector<bool> apcQueued_;
  std::vector<Choice> options_;  // a buffer: the first optionCount_ are this choice's options
  std::size_t optionCount_ = 0;
  ExecutionResult result_;
  struct Watchers {
    std::array<Monitor*, 8> monitors{};
    std::size_t count = 0;
  };
  // By the kinds of a step (Monitor::Watch bits): the monitors afterStep goes to, in order.
  std::array<Watchers, 8> watchersFor_{};
  std::uint8_t watched_ = 0;           // the union of their watches
  struct WatchedBy {
    Monitor* monitor;
    std::uint8_t watches;
  };
  std::vector<WatchedBy> watchedBy_;   // what watchersFor_ was built from
  // How a thread that ran handed control back to run(): it may have ended its step and chosen.
  enum class Handoff : std::uint8_t { None, Chosen, Ended };
  // What a run changes as it goes: one value, made afresh when the next run starts. Trivially
  // copyable, so that costs a few stores; the two error slots below are cleared apart.
  struct RunState {
    const Bounds* bounds = nullptr;
    ChoiceSource* chooser = nullptr;
    std::span<Monitor* const> monitors;
    Thread* current = nullptr;
    // Bit i: thread i is Ready and not suspended; Waiting and not suspended. Neither: terminated
    // or suspended (never resumed, §3.9), so never runnable again.
    std::uint64_t ready = 0;
    std::uint64_t waiting = 0;
    Choice lastChoice;             // the step being taken, or (Chosen) the one run() takes next
    Handoff handoff = Handoff::None;
    bool stepping = false;         // run()'s loop is on: a thread's endStep may choose
    bool starting = false;         // startThreads() is on: a stopping thread starts the next
    bool adversary = false;        // APCs declared or a thread suspendable: more than threads move
    bool processors = false;       // processor exclusion on (useProcessors, or shared processors)
    bool terminal = false;
    bool tearingDown = false;
    bool stepAllLocks = false;
    std::size_t stepLockCount = 0;
    std::array<ObjectId, 16> stepLocks{};
    std::size_t nextToStart = 0;
    std::uint32_t suspensions = 0;
    std::uint32_t apcsUsed = 0;
    std::uint32_t interruptsUsed = 0;
  };
  static_assert(std::is_trivially_copyable_v<RunState>);
  RunState run_;
  std::exception_ptr schedulerError_;  // a strategy or monitor threw on a thread's stack
  std::string fiberError_;             // a scenario thread threw: reported after the execution
  bool recordEvents_ = true;
  bool verifier_ = false;
  ResumeRecord resume_;  // the counterfactual resume: reset by run() with the rest of a run
  bool checkNames_ = true;
  const Scenario* namesChecked_ = nullptr;  // whose setup passed the name checks last
  std::string namesCheckedFor_;
  EndHook endHook_ = nullptr;
  void* endHookContext_ = nullptr;
  SiteHook siteHook_ = nullptr;
  void* siteHookContext_ = nullptr;
  SyncObserver* sync_ = nullptr;
};

}  // namespace interlock
