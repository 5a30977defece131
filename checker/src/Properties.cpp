#include "interlock/checker/Properties.hpp"

#include "interlock/checker/WaitForGraph.hpp"

namespace interlock {

namespace {

Violation fromChain(ViolationKind kind, const char* rule, std::string message,
                    const WaitChain& chain) {
  return Violation{.kind = kind, .rule = rule, .message = std::move(message),
                   .objects = chain.objects, .threads = chain.threads};
}

}  // namespace

void DeadlockProperty::afterStep(Execution& execution, const Choice& choice) {
  if (choice.kind != ChoiceKind::Run) return;
  const WaitForGraph graph(execution);
  if (!graph.blocked(choice.thread)) return;
  // Before this thread blocked there was no cycle, so a new one must pass through it.
  const auto cycle = graph.cycleThrough(choice.thread);
  if (!cycle) return;
  const bool self = cycle->threads.size() == 1;
  execution.report(fromChain(ViolationKind::Deadlock, self ? "SelfDeadlock" : "WaitCycle",
                             (self ? "self-deadlock: " : "deadlock: ") + graph.describe(*cycle),
                             *cycle));
}

void DeadlockProperty::atQuiescence(Execution& execution) {
  const WaitForGraph graph(execution);
  for (const auto& thread : execution.threads()) {
    if (thread->terminated() || thread->suspended()) continue;
    // Stuck behind a suspended thread of its own requester: that requester hurt only itself.
    WaitChain chain;
    if (graph.blocked(thread->id())) {
      const KernelObject& object = *thread->wait().object;
      OwnerList owners;
      object.owners(owners);
      bool behindOwnSuspended = false;
      for (const Owner& owner : owners)
        behindOwnSuspended = behindOwnSuspended || execution.thread(owner.thread).suspended();
      if (behindOwnSuspended) continue;
      chain.threads.push_back(thread->id());
      chain.objects.push_back(object.id());
      std::string who = owners.empty() ? std::string("no thread will release or signal it")
                                       : "its owner " + execution.thread(owners.begin()->thread).name() +
                                             " cannot release it";
      execution.report(fromChain(ViolationKind::Deadlock, "NoThreadCanMove",
                                 "no thread can move: " + thread->name() + " waits for " +
                                     object.typeName() + " " + object.name() + ", and " + who,
                                 chain));
      return;
    }
  }
}

void SuspendedOwnerProperty::atQuiescence(Execution& execution) {
  const WaitForGraph graph(execution);
  for (const auto& thread : execution.threads()) {
    if (thread->terminated() || thread->suspended()) continue;
    const auto chain = graph.chainToSuspendedOwner(thread->id());
    if (!chain) continue;
    const Thread& owner = execution.thread(chain->threads.back());
    execution.report(fromChain(
        ViolationKind::SuspendedOwnerDoS, "SuspendedOwner",
        graph.describe(*chain) + " (" + owner.spec().requester + "), which the adversary " +
            "suspended: " + thread->name() + " (" + thread->spec().requester + ") waits forever",
        *chain));
    return;
  }
}

}  // namespace interlock
