#include "interlock/checker/WaitForGraph.hpp"

#include <algorithm>

namespace interlock {

namespace {

constexpr std::uint64_t bit(ThreadId thread) noexcept { return std::uint64_t{1} << thread; }

bool ownedWithin(const KernelObject& object, std::uint64_t threads) {
  return (object.ownerMask() & threads) != 0;
}

bool waitsAny(const WaitSet& wait) noexcept { return wait.type == WaitType::Any && wait.count > 1; }

// Stuck given `threads` stuck: a WaitAny waiter if every object it waits on is owned by one
// of them; any other waiter if one of its objects is (it needs them all).
bool stuckGiven(const Thread& thread, std::uint64_t threads) {
  const WaitSet& wait = thread.waitSet();
  const bool any = waitsAny(wait);
  for (const WaitBlock& block : wait.used()) {
    if (!WaitForGraph::waitsOn(block)) continue;
    const bool held = ownedWithin(*block.object, threads);
    if (any && !held) return false;
    if (!any && held) return true;
  }
  return any;
}

const char* waitTypeText(const WaitSet& wait) noexcept {
  return wait.type == WaitType::Any ? "WaitAny" : "WaitAll";
}

}  // namespace

bool WaitForGraph::blocked(ThreadId thread) const {
  const Thread& t = execution_.thread(thread);
  if (t.terminated() || t.state != ThreadState::Waiting || t.waitSatisfied() || t.waitSet().timed)
    return false;
  const auto blocks = t.waitBlocks();
  return std::any_of(blocks.begin(), blocks.end(), [](const WaitBlock& block) { return waitsOn(block); });
}

WaitForGraph::ThreadSet WaitForGraph::stuck() const {
  ThreadSet set = 0;
  for (const auto& thread : execution_.threads())
    if (blocked(thread->id())) set |= bit(thread->id());
  // Greatest fixed point: drop every thread that could move while the others stay stuck.
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& thread : execution_.threads()) {
      if ((set & bit(thread->id())) == 0 || stuckGiven(*thread, set)) continue;
      set &= ~bit(thread->id());
      changed = true;
    }
  }
  return set;
}

bool WaitForGraph::reachesItself(ThreadId start) const {
  ThreadSet reached = 0;
  for (ThreadSet frontier = bit(start); frontier != 0;) {
    const auto thread = static_cast<ThreadId>(__builtin_ctzll(frontier));
    frontier &= frontier - 1;
    if (thread != start && !blocked(thread)) continue;
    for (const WaitBlock& block : execution_.thread(thread).waitBlocks()) {
      if (!waitsOn(block)) continue;
      const ThreadSet owners = block.object->ownerMask();
      if ((owners & bit(start)) != 0) return true;
      frontier |= owners & ~reached;
      reached |= owners;
    }
  }
  return false;
}

// Depth-first over wait-for edges, objects in the order the wait names them and owners in
// the order each object lists them; `goal` decides, for each owner reached, whether the
// chain ends there. Only threads in `allowed` are passed through.
template <typename Goal>
bool WaitForGraph::search(ThreadId thread, Goal& goal, WaitChain& path, ThreadSet allowed,
                          ThreadSet& visited) const {
  if (!blocked(thread) || (allowed & bit(thread)) == 0 || (visited & bit(thread)) != 0) return false;
  visited |= bit(thread);
  path.threads.push_back(thread);
  for (const WaitBlock& block : execution_.thread(thread).waitBlocks()) {
    if (!WaitForGraph::waitsOn(block)) continue;
    path.objects.push_back(block.object->id());
    OwnerList owners;
    block.object->owners(owners);
    for (const Owner& owner : owners) {
      if (goal(owner.thread)) {
        path.threads.push_back(owner.thread);
        return true;
      }
      if (search(owner.thread, goal, path, allowed, visited)) return true;
    }
    path.objects.pop_back();
  }
  path.threads.pop_back();
  return false;
}

std::optional<WaitChain> WaitForGraph::cycleThrough(ThreadId start) const {
  thread_local WaitChain path;  // scratch kept between calls: most blocking steps close no cycle
  auto closesCycle = [start](ThreadId owner) { return owner == start; };
  auto found = [&](ThreadSet allowed) {
    path.threads.clear();
    path.objects.clear();
    ThreadSet visited = 0;
    return search(start, closesCycle, path, allowed, visited);
  };
  // Stuck threads are blocked ones: without a cycle through blocked threads there is none
  // through stuck ones, and the fixed point (every thread, every owner) is not needed. Most
  // blocking steps close no cycle: the owner masks tell so without a search (which checks
  // that `start` itself is blocked).
  if (!reachesItself(start) || !found(stuck())) return std::nullopt;
  WaitChain cycle = path;
  cycle.threads.pop_back();  // the cycle's last owner is `start` again
  return cycle;
}

std::optional<WaitChain> WaitForGraph::chainToSuspendedOwner(ThreadId start) const {
  WaitChain path;
  ThreadSet visited = 0;
  const std::string& requester = execution_.thread(start).spec().requester;
  auto suspendedStranger = [&](ThreadId owner) {
    const Thread& t = execution_.thread(owner);
    return t.suspended() && t.spec().requester != requester;
  };
  if (!search(start, suspendedStranger, path, ~ThreadSet{0}, visited)) return std::nullopt;
  return path;
}

std::string WaitForGraph::describe(const WaitChain& chain) const {
  std::string text;
  for (std::size_t i = 0; i < chain.objects.size(); ++i) {
    const Thread& waiter = execution_.thread(chain.threads[i]);
    const KernelObject& object = execution_.object(chain.objects[i]);
    const ThreadId ownerId = i + 1 < chain.threads.size() ? chain.threads[i + 1] : chain.threads[0];
    const Thread& owner = execution_.thread(ownerId);
    std::uint8_t mode = 0;
    for (const WaitBlock& block : waiter.waitBlocks())
      if (block.object == &object) mode = block.mode;
    const WaitSet& wait = waiter.waitSet();
    if (!text.empty()) text += "; ";
    text += waiter.name() + " waits for " + object.typeName() + " " + object.name() + " (" +
            object.waitModeName(mode);
    if (wait.count > 1)
      text += std::string(", ") + waitTypeText(wait) + " of " + std::to_string(wait.count) + " objects";
    text += "), owned by " + (ownerId == waiter.id() ? std::string("itself") : owner.name());
  }
  return text;
}

}  // namespace interlock
