#include "interlock/checker/WaitForGraph.hpp"

namespace interlock {

bool WaitForGraph::blocked(ThreadId thread) const {
  const Thread& t = execution_.thread(thread);
  return !t.terminated() && t.state == ThreadState::Waiting && !t.wait().satisfied &&
         t.wait().object != nullptr;
}

// Depth-first over wait-for edges, owners in the order the object lists them; `goal`
// decides, for each owner reached, whether the chain ends there.
template <typename Goal>
bool WaitForGraph::search(ThreadId thread, Goal& goal, WaitChain& path,
                          std::vector<bool>& visited) const {
  if (!blocked(thread) || visited[thread]) return false;
  visited[thread] = true;
  const KernelObject& object = *execution_.thread(thread).wait().object;
  path.threads.push_back(thread);
  path.objects.push_back(object.id());
  OwnerList owners;
  object.owners(owners);
  for (const Owner& owner : owners) {
    if (goal(owner.thread)) {
      path.threads.push_back(owner.thread);
      return true;
    }
    if (search(owner.thread, goal, path, visited)) return true;
  }
  path.threads.pop_back();
  path.objects.pop_back();
  return false;
}

std::optional<WaitChain> WaitForGraph::cycleThrough(ThreadId start) const {
  WaitChain path;
  std::vector<bool> visited(execution_.threads().size(), false);
  auto closesCycle = [start](ThreadId owner) { return owner == start; };
  if (!search(start, closesCycle, path, visited)) return std::nullopt;
  path.threads.pop_back();  // the cycle's last owner is `start` again
  return path;
}

std::optional<WaitChain> WaitForGraph::chainToSuspendedOwner(ThreadId start) const {
  WaitChain path;
  std::vector<bool> visited(execution_.threads().size(), false);
  const std::string& requester = execution_.thread(start).spec().requester;
  auto suspendedStranger = [&](ThreadId owner) {
    const Thread& t = execution_.thread(owner);
    return t.suspended() && t.spec().requester != requester;
  };
  if (!search(start, suspendedStranger, path, visited)) return std::nullopt;
  return path;
}

std::string WaitForGraph::describe(const WaitChain& chain) const {
  std::string text;
  for (std::size_t i = 0; i < chain.objects.size(); ++i) {
    const Thread& waiter = execution_.thread(chain.threads[i]);
    const KernelObject& object = execution_.object(chain.objects[i]);
    const ThreadId ownerId = i + 1 < chain.threads.size() ? chain.threads[i + 1] : chain.threads[0];
    const Thread& owner = execution_.thread(ownerId);
    if (!text.empty()) text += "; ";
    text += waiter.name() + " waits for " + object.typeName() + " " + object.name() + " (" +
            object.waitModeName(waiter.wait().mode) + "), owned by " +
            (ownerId == waiter.id() ? std::string("itself") : owner.name());
  }
  return text;
}

}  // namespace interlock
