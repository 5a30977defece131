#include "interlock/checker/WakeupTree.hpp"

#include <utility>

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

WakeupTree::WakeupTree() { nodes_.emplace_back(); }

void WakeupTree::clear() noexcept {
  nodes_.resize(1);
  nodes_.front().firstChild = -1;
  nodes_.front().lastChild = -1;
}

void WakeupTree::swap(WakeupTree& other) noexcept {
  nodes_.swap(other.nodes_);
  taken_.swap(other.taken_);
  copy_.swap(other.copy_);
}

std::int32_t WakeupTree::append(std::int32_t parent, const WakeupEvent& event) {
  const auto index = static_cast<std::int32_t>(nodes_.size());
  nodes_.push_back(Node{event});
  Node& above = nodes_[static_cast<std::size_t>(parent)];
  if (above.lastChild < 0)
    above.firstChild = index;
  else
    nodes_[static_cast<std::size_t>(above.lastChild)].next = index;
  above.lastChild = index;
  return index;
}

void WakeupTree::popFront(WakeupTree& below) {
  below.clear();
  const std::int32_t first = nodes_.front().firstChild;
  // Copy breadth first: each pair is (node here, its copy in `below`).
  copy_.clear();
  copy_.emplace_back(first, 0);
  for (std::size_t i = 0; i < copy_.size(); ++i) {
    const auto [from, to] = copy_[i];
    for (std::int32_t child = nodes_[static_cast<std::size_t>(from)].firstChild; child >= 0;
         child = nodes_[static_cast<std::size_t>(child)].next)
      copy_.emplace_back(child, below.append(to, nodes_[static_cast<std::size_t>(child)].event));
  }
  Node& root = nodes_.front();
  root.firstChild = nodes_[static_cast<std::size_t>(first)].next;
  if (root.firstChild < 0) clear();  // nothing left: reclaim the dropped branches
}

bool WakeupTree::startsWith(std::uint32_t proc) const noexcept {
  for (std::int32_t child = nodes_.front().firstChild; child >= 0; child = nodes_[static_cast<std::size_t>(child)].next)
    if (nodes_[static_cast<std::size_t>(child)].event.proc == proc) return true;
  return false;
}

void WakeupTree::addLeaf(const WakeupEvent& event) { (void)append(0, event); }

bool WakeupTree::insert(std::span<const WakeupEvent> sequence) {
  taken_.assign(sequence.size(), 0);
  std::size_t left = sequence.size();
  std::int32_t at = 0;
  for (;;) {
    const Node& node = nodes_[static_cast<std::size_t>(at)];
    if (left == 0 || (at != 0 && node.firstChild < 0)) return false;  // covered
    std::int32_t fit = -1;
    for (std::int32_t child = node.firstChild; child >= 0 && fit < 0;
         child = nodes_[static_cast<std::size_t>(child)].next) {
      const WakeupEvent& event = nodes_[static_cast<std::size_t>(child)].event;
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
    at = fit;
  }
  for (std::size_t i = 0; i < sequence.size(); ++i)
    if (taken_[i] == 0) at = append(at, sequence[i]);
  return true;
}

}  // namespace interlock
