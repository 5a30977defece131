#include "interlock/checker/WakeupTree.hpp"

namespace interlock {

namespace {

bool isTaken(std::span<const std::uint8_t> taken, std::size_t at) noexcept {
  return at < taken.size() && taken[at] != 0;
}

}  // namespace

bool initialAt(std::span<const WakeupEvent> sequence, std::size_t at, std::span<const std::uint8_t> taken) {
  const WakeupEvent& event = sequence[at];
  for (std::size_t before = 0; before < at; ++before) {
    if (isTaken(taken, before)) continue;
    if (sequence[before].proc == event.proc || sequence[before].footprint.conflictsWith(event.footprint))
      return false;
  }
  return true;
}

bool weakInitial(std::span<const WakeupEvent> sequence, std::uint32_t proc, const Footprint& next, bool optional,
                 std::span<const std::uint8_t> taken) {
  for (std::size_t at = 0; at < sequence.size(); ++at)
    if (!isTaken(taken, at) && sequence[at].proc == proc) return initialAt(sequence, at, taken);
  if (optional) return false;
  for (std::size_t at = 0; at < sequence.size(); ++at)
    if (!isTaken(taken, at) && sequence[at].footprint.conflictsWith(next)) return false;
  return true;
}

std::int32_t WakeupTree::allocate(const WakeupEvent& event) {
  if (free_.empty()) {
    nodes_.push_back(Node{event});
    return static_cast<std::int32_t>(nodes_.size() - 1);
  }
  const std::int32_t index = free_.back();
  free_.pop_back();
  at(index) = Node{event};
  return index;
}

WakeupTree::Root WakeupTree::newTree() { return allocate(WakeupEvent{}); }

void WakeupTree::release(Root root) {
  if (root == kNone) return;
  stack_.clear();
  stack_.push_back(root);
  while (!stack_.empty()) {
    const std::int32_t index = stack_.back();
    stack_.pop_back();
    for (std::int32_t child = at(index).firstChild; child >= 0; child = at(child).next) stack_.push_back(child);
    free_.push_back(index);
  }
}

std::int32_t WakeupTree::append(std::int32_t parent, const WakeupEvent& event) {
  const std::int32_t index = allocate(event);
  Node& above = at(parent);
  if (above.lastChild < 0)
    above.firstChild = index;
  else
    at(above.lastChild).next = index;
  above.lastChild = index;
  return index;
}

WakeupTree::Root WakeupTree::popFront(Root root) noexcept {
  Node& node = at(root);
  const std::int32_t first = node.firstChild;
  node.firstChild = at(first).next;
  if (node.firstChild < 0) node.lastChild = -1;
  at(first).next = -1;
  return first;
}

bool WakeupTree::startsWith(Root root, std::uint32_t proc) const noexcept {
  for (std::int32_t child = at(root).firstChild; child >= 0; child = at(child).next)
    if (at(child).event.proc == proc) return true;
  return false;
}

void WakeupTree::addLeaf(Root root, const WakeupEvent& event) { (void)append(root, event); }

bool WakeupTree::insert(Root root, std::span<const WakeupEvent> sequence) {
  taken_.assign(sequence.size(), 0);
  std::size_t left = sequence.size();
  std::int32_t node = root;
  for (;;) {
    if (left == 0 || (node != root && at(node).firstChild < 0)) return false;  // covered
    std::int32_t fit = -1;
    for (std::int32_t child = at(node).firstChild; child >= 0 && fit < 0; child = at(child).next) {
      const WakeupEvent& event = at(child).event;
      if (!weakInitial(sequence, event.proc, event.footprint, event.optional(), taken_)) continue;
      fit = child;
      for (std::size_t i = 0; i < sequence.size(); ++i)
        if (taken_[i] == 0 && sequence[i].proc == event.proc) {
          taken_[i] = 1;
          --left;
          break;
        }
    }
    if (fit < 0) break;
    node = fit;
  }
  for (std::size_t i = 0; i < sequence.size(); ++i)
    if (taken_[i] == 0) node = append(node, sequence[i]);
  return true;
}

}  // namespace interlock
