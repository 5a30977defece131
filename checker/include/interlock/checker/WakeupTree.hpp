#pragma once
// Optimal DPOR's wakeup tree (Abdulla, Aronis, Jonsson, Sagonas, "Optimal dynamic partial
// order reduction", POPL 2014, section 6; JACM 2017 "Source sets"): at one choice point, the
// ordered tree of event sequences that are still to be explored from there. Exploration takes
// the leftmost branch first and follows its subtree below; a race inserts the sequence that
// reverses it unless a branch already covers it (a leaf that is a weak prefix of it).
#include "interlock/core/Choice.hpp"
#include "interlock/core/Footprint.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace interlock {

// One event of a sequence: the choice, what it may touch, and who takes it.
struct WakeupEvent {
  Choice choice;
  Footprint footprint;
  std::uint32_t proc = 0;  // equal for the steps of one thread, or one adversary event's kind and target
  // Adversary events (suspensions, APCs, I/O completions) are optional: an execution without
  // one is not covered by one with it, so they are weak initials only by having an event.
  [[nodiscard]] bool optional() const noexcept { return choice.kind != ChoiceKind::Run; }
};

// Whether a step of `proc` whose next step touches `next` is a weak initial of `sequence`
// (skipping the events `taken` marks, when given): its first event in the sequence depends on
// no event before it, or it has none there, is not optional, and `next` is independent of all.
[[nodiscard]] bool weakInitial(std::span<const WakeupEvent> sequence, std::uint32_t proc, const Footprint& next,
                               bool optional, std::span<const std::uint8_t> taken = {});
// Whether sequence[at] depends on no earlier event of the sequence (skipping the taken ones).
[[nodiscard]] bool initialAt(std::span<const WakeupEvent> sequence, std::size_t at,
                             std::span<const std::uint8_t> taken = {});

class WakeupTree {
 public:
  WakeupTree();

  void clear() noexcept;
  void swap(WakeupTree& other) noexcept;
  [[nodiscard]] bool empty() const noexcept { return nodes_.front().firstChild < 0; }
  // The first event of the leftmost branch; the tree must not be empty.
  [[nodiscard]] const WakeupEvent& front() const noexcept { return nodes_[nodes_.front().firstChild].event; }
  // Drops the leftmost branch; what lay below its first event goes to `below`.
  void popFront(WakeupTree& below);
  [[nodiscard]] bool startsWith(std::uint32_t proc) const noexcept;
  // Appends a branch of one event.
  void addLeaf(const WakeupEvent& event);
  // Calls f(event) for the first event of each branch, in order.
  template <class F>
  void forEachFirst(F&& f) const {
    for (std::int32_t child = nodes_.front().firstChild; child >= 0; child = nodes_[child].next)
      f(nodes_[child].event);
  }
  // Drops every branch whose first event `drop` accepts; true if one was dropped.
  template <class Drop>
  bool dropFirstIf(Drop&& drop) {
    bool dropped = false;
    std::int32_t* link = &nodes_.front().firstChild;
    nodes_.front().lastChild = -1;
    while (*link >= 0) {
      if (drop(nodes_[*link].event)) {
        *link = nodes_[*link].next;
        dropped = true;
        continue;
      }
      nodes_.front().lastChild = *link;
      link = &nodes_[*link].next;
    }
    return dropped;
  }
  // insert_[E](v, tree): follow, from the root, the leftmost child whose event is a weak initial
  // of what is left of v (removing its event from v when v has one); reaching a leaf, or using
  // up v, means a branch already covers v; where no child fits, the rest of v becomes a new
  // rightmost branch. True if the tree grew.
  bool insert(std::span<const WakeupEvent> sequence);

 private:
  struct Node {
    WakeupEvent event;
    std::int32_t firstChild = -1;
    std::int32_t lastChild = -1;
    std::int32_t next = -1;  // the next sibling
  };
  std::int32_t append(std::int32_t parent, const WakeupEvent& event);

  std::vector<Node> nodes_;  // [0] is the root; dropped branches stay until the tree empties
  std::vector<std::uint8_t> taken_;                           // insert's scratch
  std::vector<std::pair<std::int32_t, std::int32_t>> copy_;  // popFront's scratch
};

}  // namespace interlock
