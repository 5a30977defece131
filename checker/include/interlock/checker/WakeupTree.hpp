#pragma once
// Optimal DPOR's wakeup trees (Abdulla, Aronis, Jonsson, Sagonas, "Optimal dynamic partial
// order reduction", POPL 2014, section 6; JACM 2017 "Source sets"): at each choice point of the
// search path, the ordered tree of event sequences still to be explored from there. Exploration
// takes the leftmost branch first and follows its subtree below; a race inserts the sequence
// that reverses it unless a branch already covers it (a leaf that is a weak prefix of it).
// The trees of one search share one store, and a tree is named by its root: taking the
// leftmost branch makes its first node the root of the next choice point's tree, copying nothing.
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
  using Root = std::int32_t;
  static constexpr Root kNone = -1;

  [[nodiscard]] Root newTree();
  // Frees the tree (kNone: nothing to free).
  void release(Root root);
  [[nodiscard]] bool empty(Root root) const noexcept { return at(root).firstChild < 0; }
  // The first event of the leftmost branch; the tree must not be empty.
  [[nodiscard]] const WakeupEvent& front(Root root) const noexcept { return at(at(root).firstChild).event; }
  // Detaches the leftmost branch and returns the tree below its first event (to release too).
  [[nodiscard]] Root popFront(Root root) noexcept;
  [[nodiscard]] bool startsWith(Root root, std::uint32_t proc) const noexcept;
  // Appends a branch of one event.
  void addLeaf(Root root, const WakeupEvent& event);
  // Calls f(event) for the first event of each branch, in order.
  template <class F>
  void forEachFirst(Root root, F&& f) const {
    for (std::int32_t child = at(root).firstChild; child >= 0; child = at(child).next) f(at(child).event);
  }
  // Drops every branch whose first event `drop` accepts; true if one was dropped.
  template <class Drop>
  bool dropFirstIf(Root root, Drop&& drop) {
    bool dropped = false;
    std::int32_t last = -1;
    for (std::int32_t child = at(root).firstChild; child >= 0;) {
      const std::int32_t next = at(child).next;
      if (drop(at(child).event)) {
        (last < 0 ? at(root).firstChild : at(last).next) = next;
        at(child).next = -1;
        release(child);
        dropped = true;
      } else {
        last = child;
      }
      child = next;
    }
    at(root).lastChild = last;
    return dropped;
  }
  // insert_[E](v, tree): follow, from the root, the leftmost child whose event is a weak initial
  // of what is left of v (removing its event from v when v has one); reaching a leaf, or using
  // up v, means a branch already covers v; where no child fits, the rest of v becomes a new
  // rightmost branch. True if the tree grew.
  bool insert(Root root, std::span<const WakeupEvent> sequence);

 private:
  struct Node {
    WakeupEvent event;
    std::int32_t firstChild = -1;
    std::int32_t lastChild = -1;
    std::int32_t next = -1;  // the next sibling
  };
  [[nodiscard]] Node& at(std::int32_t index) noexcept { return nodes_[static_cast<std::size_t>(index)]; }
  [[nodiscard]] const Node& at(std::int32_t index) const noexcept { return nodes_[static_cast<std::size_t>(index)]; }
  std::int32_t allocate(const WakeupEvent& event);
  std::int32_t append(std::int32_t parent, const WakeupEvent& event);

  std::vector<Node> nodes_;           // every tree's nodes
  std::vector<std::int32_t> free_;    // nodes to reuse
  std::vector<std::int32_t> stack_;   // release's scratch
  std::vector<std::uint8_t> taken_;   // insert's scratch
};

}  // namespace interlock
