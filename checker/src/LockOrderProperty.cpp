#include "interlock/checker/LockOrderProperty.hpp"

#include <algorithm>
#include <string>

namespace interlock {

void LockOrderProperty::ownership(const Execution& execution, std::vector<std::uint64_t>& owners) const {
  owners.assign(execution.objects().size(), 0);
  thread_local OwnerList list;  // 32 owners: too big to build afresh for every object of every step
  for (const auto& object : execution.objects()) {
    if (!object->isLock()) continue;
    list.clear();
    object->owners(list);
    for (const Owner& owner : list) owners[object->id()] |= std::uint64_t{1} << owner.thread;
  }
}

void LockOrderProperty::beginExecution(Execution& execution) {
  edges_.clear();
  reported_ = false;
  ownership(execution, held_);
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
  ownership(execution, now_);
  held_.resize(now_.size(), 0);
  for (std::size_t x = 0; x < now_.size(); ++x) {
    std::uint64_t gained = now_[x] & ~held_[x];
    while (gained != 0 && !reported_) {
      const auto thread = static_cast<ThreadId>(__builtin_ctzll(gained));
      gained &= gained - 1;
      const std::uint64_t bit = std::uint64_t{1} << thread;
      for (std::size_t y = 0; y < now_.size() && !reported_; ++y) {
        if (y == x || (held_[y] & now_[y] & bit) == 0) continue;
        const Edge edge{static_cast<ObjectId>(y), static_cast<ObjectId>(x), thread};
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
  held_.swap(now_);
}

}  // namespace interlock
