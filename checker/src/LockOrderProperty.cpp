#include "interlock/checker/LockOrderProperty.hpp"

#include <algorithm>
#include <string>

namespace interlock {

void LockOrderProperty::beginExecution(Execution& execution) {
  edges_.clear();
  reported_ = false;
  if (execution.namedLocks().empty()) {  // nothing owned yet: afterStep sizes the tables as it goes
    held_.clear();
    now_.clear();
    return;
  }
  held_.assign(execution.objects().size(), 0);
  // Only a lock an operation has named can have owners.
  for (ObjectId lock : execution.namedLocks()) held_[lock] = execution.object(lock).ownerMask();
  now_ = held_;
}

bool LockOrderProperty::path(ObjectId from, ObjectId to, std::vector<const Edge*>& out,
                             std::vector<bool>& seen) const {
  if (from == to) return true;
  if (seen[from]) return false;
  seen[from] = true;
  for (const Edge& edge : edges_) {
    if (edge.before != from) continue;
    out.push_back(&edge);
    if (path(edge.after, to, out, seen)) return true;
    out.pop_back();
  }
  return false;
}

void LockOrderProperty::afterStep(Execution& execution, const Choice& choice) {
  (void)choice;  // a hand-off gives a waiter ownership during another thread's step
  const auto objects = execution.objects();
  // Objects created during the run (a work item's) start unowned.
  if (held_.size() < objects.size()) {
    held_.resize(objects.size(), 0);
    now_.resize(objects.size(), 0);
  }
  // Ownership changes only on the locks the step's operation names (Execution::stepLocks), or
  // on any lock when an APC ran first. Every gain is judged against the others' new owners.
  const auto locks = scan_ == Scan::All || execution.stepTouchesAllLocks() ? execution.locks()
                                                                             : execution.stepLocks();
  if (locks.size() == 1) {  // the common step: one lock named, its owners read once
    const ObjectId x = locks[0];
    now_[x] = objects[x]->ownerMask();
    if (const std::uint64_t gain = now_[x] & ~held_[x]; gain != 0 && !reported_) gained(execution, x, gain);
    held_[x] = now_[x];
    return;
  }
  for (ObjectId x : locks) now_[x] = objects[x]->ownerMask();
  for (ObjectId x : locks)
    if (const std::uint64_t gain = now_[x] & ~held_[x]; gain != 0 && !reported_) gained(execution, x, gain);
  for (ObjectId x : locks) held_[x] = now_[x];
}

// `threads` came to own x in this step: each lock they held before and still hold precedes x.
void LockOrderProperty::gained(Execution& execution, ObjectId x, std::uint64_t threads) {
  while (threads != 0 && !reported_) {
    const auto thread = static_cast<ThreadId>(__builtin_ctzll(threads));
    threads &= threads - 1;
    const std::uint64_t bit = std::uint64_t{1} << thread;
    for (const ObjectId y : execution.namedLocks()) {  // the locks that can be held, in id order
      if (reported_) break;
      if (y == x || (held_[y] & now_[y] & bit) == 0) continue;
      const bool known = std::any_of(edges_.begin(), edges_.end(),
                                     [&](const Edge& e) { return e.before == y && e.after == x; });
      if (!known) addEdge(execution, Edge{y, x, thread});
    }
  }
}

// Out of line: a new edge is rare (once per pair of locks per execution), a repeated one common.
void LockOrderProperty::addEdge(Execution& execution, const Edge& edge) {
  // The new edge y -> x closes a cycle if x already reaches y.
  std::vector<const Edge*> back;
  seen_.assign(now_.size(), false);
  edges_.push_back(edge);
  if (!path(edge.after, edge.before, back, seen_)) return;
  auto describe = [&](const Edge& e) {
    return execution.thread(e.thread).name() + " takes " + execution.object(e.after).name() +
           " while holding " + execution.object(e.before).name();
  };
  std::string message = "lock-order cycle: " + describe(edges_.back());
  Violation violation{.kind = ViolationKind::LockOrder, .rule = "LockOrderCycle", .code = 0x1001};
  violation.objects.push_back(edge.before);
  violation.threads.push_back(edge.thread);
  for (const Edge* e : back) {
    message += "; " + describe(*e);
    violation.objects.push_back(e->before);
    violation.threads.push_back(e->thread);
  }
  violation.message = message + ". Run concurrently, these paths deadlock";
  violation.thread = edge.thread;
  reported_ = true;
  execution.report(std::move(violation));
}

}  // namespace interlock
