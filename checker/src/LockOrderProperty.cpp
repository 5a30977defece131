#include "interlock/checker/LockOrderProperty.hpp"

#include <algorithm>
#include <string>

namespace interlock {

std::uint64_t LockOrderProperty::ownership(const KernelObject& object) {
  if (!object.isLock()) return 0;
  OwnerList list;
  object.owners(list);
  std::uint64_t threads = 0;
  for (const Owner& owner : list) threads |= std::uint64_t{1} << owner.thread;
  return threads;
}

void LockOrderProperty::beginExecution(Execution& execution) {
  edges_.clear();
  reported_ = false;
  held_.assign(execution.objects().size(), 0);
  lock_.assign(execution.objects().size(), 0);
  for (ObjectId lock : execution.locks()) {
    held_[lock] = ownership(execution.object(lock));
    lock_[lock] = 1;
  }
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

void LockOrderProperty::beforeStep(Execution& execution, const Choice& choice) {
  changed_.clear();
  rescan_ = scan_ == Scan::All;
  // Suspending a thread or queueing an APC changes no ownership; a thread's step changes only
  // that of the objects its pending operation (or the wait it returns from) names. An APC
  // that runs first may do anything: re-read everything then.
  if (rescan_ || choice.kind != ChoiceKind::Run || execution.locks().empty()) return;
  const Thread& thread = execution.thread(choice.thread);
  if (thread.deliverableApc() != Thread::kNoApc) {
    rescan_ = true;
    return;
  }
  auto note = [&](ObjectId x) {
    if (x < lock_.size() && lock_[x] != 0 &&
        std::find(changed_.begin(), changed_.end(), x) == changed_.end())
      changed_.push_back(x);
  };
  note(thread.pending.object);
  for (ObjectId other : thread.pending.others) note(other);
  if (thread.state == ThreadState::Waiting)
    for (const WaitBlock& block : thread.waitSet().used())
      if (block.object != nullptr) note(block.object->id());
  if (changed_.size() > 1) std::sort(changed_.begin(), changed_.end());  // edges in object order, as a full scan finds them
}

void LockOrderProperty::afterStep(Execution& execution, const Choice& choice) {
  (void)choice;  // a hand-off gives a waiter ownership during another thread's step
  const auto objects = execution.objects();
  // Objects created during the step (a work item's) start unowned.
  if (held_.size() != objects.size()) {
    const std::size_t known = lock_.size();
    held_.resize(objects.size(), 0);
    now_.resize(objects.size(), 0);
    lock_.resize(objects.size(), 0);
    for (std::size_t x = known; x < objects.size(); ++x) lock_[x] = objects[x]->isLock() ? 1 : 0;
  }
  if (rescan_) {
    changed_.clear();
    for (std::size_t x = 0; x < objects.size(); ++x) changed_.push_back(static_cast<ObjectId>(x));
  }
  if (changed_.empty()) return;
  for (ObjectId x : changed_) now_[x] = ownership(*objects[x]);
  for (ObjectId x : changed_)
    if (const std::uint64_t gain = now_[x] & ~held_[x]; gain != 0 && !reported_) gained(execution, x, gain);
  for (ObjectId x : changed_) held_[x] = now_[x];
}

// `threads` came to own x in this step: each lock they held before and still hold precedes x.
void LockOrderProperty::gained(Execution& execution, ObjectId x, std::uint64_t threads) {
  while (threads != 0 && !reported_) {
    const auto thread = static_cast<ThreadId>(__builtin_ctzll(threads));
    threads &= threads - 1;
    const std::uint64_t bit = std::uint64_t{1} << thread;
    for (const ObjectId y : execution.locks()) {
      if (reported_) break;
      if (y == x || (held_[y] & now_[y] & bit) == 0) continue;
      const Edge edge{y, x, thread};
      const bool known = std::any_of(edges_.begin(), edges_.end(), [&](const Edge& e) {
        return e.before == edge.before && e.after == edge.after;
      });
      if (known) continue;
      // The new edge y -> x closes a cycle if x already reaches y.
      std::vector<const Edge*> back;
      std::vector<bool> seen(now_.size(), false);
      edges_.push_back(edge);
      if (!path(edge.after, edge.before, back, seen)) continue;
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
      violation.thread = thread;
      reported_ = true;
      execution.report(std::move(violation));
    }
  }
}

}  // namespace interlock
