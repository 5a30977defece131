#include "interlock/checker/DporStrategy.hpp"

#include "interlock/checker/PartitionedStrategy.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace interlock {

namespace {

constexpr std::uint32_t kSuspendKey = 0x10000;
constexpr std::uint32_t kApcKey = 0x20000;

}  // namespace

DporStrategy::DporStrategy(Mode mode, std::uint64_t expandedProduct)
    : mode_(mode), expandedProduct_(expandedProduct),
      wakeupTrees_(mode == Mode::OptimalDpor && expandedProduct == 0) {
  nodes_.reserve(256);
  spawnEvent_.assign(64, -1);
}

bool DporStrategy::Node::asleep(ThreadId thread) const noexcept {
  for (const Sleeper& sleeper : sleep)
    if (sleeper.thread == thread) return true;
  return false;
}

std::uint32_t DporStrategy::procOf(const Choice& choice) const noexcept {
  switch (choice.kind) {
    case ChoiceKind::Run: return choice.thread;
    case ChoiceKind::Suspend: return kSuspendKey + choice.thread;
    case ChoiceKind::Apc: return kApcKey + choice.value;
    case ChoiceKind::Branch: break;
  }
  return 0xFFFFFFFF;
}

void DporStrategy::beginExecution(const Execution& execution) {
  execution_ = &execution;
  depth_ = 0;
  blocked_ = false;
}

std::size_t DporStrategy::choose(std::span<const Choice> options) {
  if (depth_ < size_) {
    const Node& node = nodes_[depth_++];
    // The same prefix must offer the same options, or the scenario is not deterministic.
    if (node.options.size() != options.size())
      throw std::logic_error("scenario is not deterministic: a replayed prefix offered " +
                             std::to_string(options.size()) + " options where it had offered " +
                             std::to_string(node.options.size()));
    return node.chosen;
  }
  Node& node = newNode(options);
  if (!pickNext(node)) {
    blocked_ = true;  // every thread is asleep: this prefix is covered by an earlier execution
    ++reduction_.sleepSetBlocked;
    return kAbandon;
  }
  return node.chosen;
}

DporStrategy::Node& DporStrategy::newNode(std::span<const Choice> options) {
  if (nodes_.size() <= size_) nodes_.emplace_back();
  Node& node = nodes_[size_++];
  ++depth_;
  node.branch = options.front().kind == ChoiceKind::Branch;
  node.productBefore = 1;
  if (size_ >= 2) {
    const Node& above = nodes_[size_ - 2];
    node.productBefore = cutProductAfter(above.productBefore, above.options.size());
  }
  node.chosen = 0;
  node.options.clear();
  node.sleep.clear();
  for (const Choice& choice : options) {
    Option option{choice};
    if (!node.branch) {
      option.footprint = execution_->footprintOf(choice);
      option.waitReturn = choice.kind == ChoiceKind::Run &&
                          execution_->thread(choice.thread).state == ThreadState::Waiting;
    }
    node.options.push_back(option);
  }
  if (node.branch) {
    for (Option& option : node.options) option.status = kBacktrack;
    return node;  // a followed wakeup subtree passes on to the next schedule node
  }
  inheritSleep(node);
  // Adversary and completion events are optional: every node tries all of them. Above a
  // split search's cut every option is tried, so races need not reach there.
  const bool tryAll = node.productBefore < expandedProduct_;
  for (Option& option : node.options)
    if (mode_ == Mode::SleepSetsOnly || tryAll || option.choice.kind != ChoiceKind::Run)
      option.status = kBacktrack;
  if (wakeupTrees_) {
    planWakeup(node);
    return node;
  }
  if (mode_ != Mode::SleepSetsOnly) {
    for (Option& option : node.options) {
      if (option.choice.kind != ChoiceKind::Run || node.asleep(option.choice.thread)) continue;
      option.status = kBacktrack;
      break;
    }
  }
  return node;
}

void DporStrategy::inheritSleep(Node& node) const {
  const Node* parent = nullptr;
  for (std::size_t i = size_ - 1; i-- > 0;) {
    if (nodes_[i].branch) continue;
    parent = &nodes_[i];
    break;
  }
  if (parent == nullptr) return;
  const Option& taken = parent->options[parent->chosen];
  // Godefroid's sleep sets: a thread explored before, or asleep, stays asleep across an
  // independent step.
  auto keep = [&](ThreadId thread, const Footprint& footprint) {
    if (taken.choice.kind == ChoiceKind::Run && thread == taken.choice.thread) return;
    if (footprint.conflictsWith(taken.footprint)) return;
    node.sleep.push_back(Sleeper{thread, footprint});
  };
  for (const Sleeper& sleeper : parent->sleep) keep(sleeper.thread, sleeper.footprint);
  for (const Option& option : parent->options)
    if (&option != &taken && option.status == kDone && option.choice.kind == ChoiceKind::Run &&
        !parent->asleep(option.choice.thread))
      keep(option.choice.thread, option.footprint);
}

bool DporStrategy::pickNext(Node& node) {
  if (!node.branch && wakeupTrees_) return pickWakeup(node);
  for (std::size_t i = 0; i < node.options.size(); ++i) {
    Option& option = node.options[i];
    if (option.status != kBacktrack) continue;
    if (!node.branch && option.choice.kind == ChoiceKind::Run && node.asleep(option.choice.thread))
      continue;
    option.status = kDone;
    node.chosen = static_cast<std::uint32_t>(i);
    return true;
  }
  return false;
}

bool DporStrategy::nextExecution() {
  if (mode_ != Mode::SleepSetsOnly) analyseRaces();
  if (!blocked_) ++complete_;
  explored_ = exploredFraction();
  while (size_ > 0) {
    Node& node = nodes_[size_ - 1];
    handDown(WakeupTree::kNone);  // a branch node's other alternatives start without one
    if (pickNext(node)) {
      firstNew_ = size_ - 1;
      return true;
    }
    for (const Option& option : node.options) reduction_.alternativesSkipped += option.status != kDone;
    wakeups_.release(node.wakeup);
    node.wakeup = WakeupTree::kNone;
    --size_;
  }
  validEvents_ = 0;  // the search is over: nothing is shared with what might come next
  firstNew_ = 0;
  return false;
}

double DporStrategy::estimatedExecutions() const {
  return explored_ > 0 ? static_cast<double>(complete_) / explored_ : 0;
}

// The share of the tree behind the current path, the path's own leaf included, reading it as
// an odometer: at each node the options finished before the current one, each weighing the
// inverse of the options tried there times the weight of the node. Reduction adds options as
// races appear, so this is a guess that improves; it is exactly 1 when the search ends.
double DporStrategy::exploredFraction() const {
  double fraction = 0;
  double weight = 1;
  for (std::size_t i = 0; i < size_; ++i) {
    const Node& node = nodes_[i];
    if (blocked_ && i + 1 == size_) break;  // cut by its sleep set: a leaf of the nodes above
    std::size_t tried = 0;
    std::size_t finished = 0;
    for (const Option& option : node.options) {
      const bool asleep = !node.branch && option.choice.kind == ChoiceKind::Run && node.asleep(option.choice.thread);
      tried += option.status == kDone || (option.status == kBacktrack && !asleep);
      finished += option.status == kDone;
    }
    if (tried == 0) break;
    const double share = weight / static_cast<double>(tried);
    fraction += share * static_cast<double>(finished - 1);  // the chosen option is still in progress
    weight = share;
  }
  return fraction + weight;
}

void DporStrategy::analyseRaces() {
  // Events: the steps taken, one per schedule node (a blocked last node took none).
  events_.clear();
  for (std::size_t i = 0; i < size_; ++i)
    if (!nodes_[i].branch && !(blocked_ && i + 1 == size_)) events_.push_back(static_cast<std::uint32_t>(i));
  const std::size_t count = events_.size();
  procKeys_.clear();
  eventProc_.clear();
  for (std::uint32_t node : events_) {
    const std::uint32_t key = procOf(nodes_[node].options[nodes_[node].chosen].choice);
    std::size_t proc = 0;
    while (proc < procKeys_.size() && procKeys_[proc] != key) ++proc;
    if (proc == procKeys_.size()) procKeys_.push_back(key);
    eventProc_.push_back(static_cast<std::uint32_t>(proc));
  }
  std::fill(spawnEvent_.begin(), spawnEvent_.end(), -1);
  for (const Spawn& spawn : execution_->result().spawns)
    if (spawn.thread < spawnEvent_.size() && spawn.step < count)
      spawnEvent_[spawn.thread] = static_cast<std::int32_t>(spawn.step);

  std::size_t firstNewEvent = 0;
  while (firstNewEvent < count && events_[firstNewEvent] < firstNew_) ++firstNewEvent;

  // The events before the new choice are the previous execution's, with the same clocks (a
  // clock depends only on earlier events): with as many processes, only the rest is computed.
  const std::size_t start = procKeys_.size() == procs_ ? std::min(validEvents_, firstNewEvent) : 0;
  procs_ = procKeys_.size();
  clocks_.resize(count * procs_);
  std::fill(clocks_.begin() + static_cast<std::ptrdiff_t>(start * procs_), clocks_.end(), 0);
  lastOfProc_.assign(procs_, -1);
  for (std::size_t x = 0; x < start; ++x) lastOfProc_[eventProc_[x]] = static_cast<std::int32_t>(x);
  validEvents_ = count;

  for (std::size_t j = start; j < count; ++j) {
    const Node& nodeJ = nodes_[events_[j]];
    const Option& eventJ = nodeJ.options[nodeJ.chosen];
    const std::uint32_t procJ = eventProc_[j];
    std::uint32_t* clockJ = &clocks_[j * procs_];
    const std::int32_t previous = lastOfProc_[procJ];
    std::int32_t origin = previous;
    if (origin < 0 && eventJ.choice.kind == ChoiceKind::Run && eventJ.choice.thread < spawnEvent_.size())
      origin = spawnEvent_[eventJ.choice.thread];  // a worker's first step follows its spawn
    if (origin >= 0)
      for (std::size_t p = 0; p < procs_; ++p) clockJ[p] = clocks_[origin * procs_ + p];
    for (std::size_t k = j; k-- > 0;) {
      const std::uint32_t procK = eventProc_[k];
      if (procK == procJ) continue;
      const Node& nodeK = nodes_[events_[k]];
      if (!nodeK.options[nodeK.chosen].footprint.conflictsWith(eventJ.footprint)) continue;
      const bool ordered = clockJ[procK] >= k + 1;
      if (!ordered && j >= firstNewEvent && eventJ.choice.kind == ChoiceKind::Run)
        wakeupTrees_ ? addWakeup(k, j) : addBacktrack(k, j);
      const std::uint32_t* clockK = &clocks_[k * procs_];
      for (std::size_t p = 0; p < procs_; ++p) clockJ[p] = std::max(clockJ[p], clockK[p]);
    }
    clockJ[procJ] = static_cast<std::uint32_t>(j + 1);
    lastOfProc_[procJ] = static_cast<std::int32_t>(j);
  }
}

// The race (k, j): j's process must get a chance to go before k (Abdulla et al., Algorithm 1).
void DporStrategy::addBacktrack(std::size_t k, std::size_t j) {
  constexpr std::uint32_t kUnseen = 0xFFFFFFFF;
  constexpr std::uint32_t kExcluded = 0xFFFFFFFE;
  Node& nodeK = nodes_[events_[k]];
  const std::uint32_t procK = eventProc_[k];
  // v = the events after k that do not happen after it, then j. Once one event of a process
  // happens after k, all its later ones do, so only its first event after k decides.
  firstAfter_.assign(procs_, kUnseen);
  for (std::size_t x = k + 1; x <= j; ++x) {
    std::uint32_t& first = firstAfter_[eventProc_[x]];
    if (first != kUnseen) continue;
    first = (x == j || clocks_[x * procs_ + procK] < k + 1) ? static_cast<std::uint32_t>(x) : kExcluded;
  }
  const std::uint32_t keyJ = procKeys_[eventProc_[j]];
  std::size_t pick = nodeK.options.size();
  bool enabledInitial = false;
  for (std::size_t proc = 0; proc < procs_; ++proc) {
    const std::uint32_t x = firstAfter_[proc];
    if (x >= kExcluded) continue;
    // An initial of v: no other v-event happens before it.
    const std::uint32_t* clockX = &clocks_[x * procs_];
    bool initial = true;
    for (std::size_t other = 0; other < procs_ && initial; ++other)
      if (other != proc && firstAfter_[other] < kExcluded) initial = clockX[other] < firstAfter_[other] + 1;
    if (!initial) continue;
    for (std::size_t i = 0; i < nodeK.options.size(); ++i) {
      const Option& option = nodeK.options[i];
      if (procOf(option.choice) != procKeys_[proc]) continue;
      enabledInitial = true;
      const bool sleeping = option.choice.kind == ChoiceKind::Run && nodeK.asleep(option.choice.thread);
      if (option.status != kUntried || sleeping) return;  // an initial is already covered there
      if (pick == nodeK.options.size() || procKeys_[proc] == keyJ) pick = i;
    }
  }
  if (enabledInitial) {
    nodeK.options[pick].status = kBacktrack;
    return;
  }
  // j returns from a wait that k (or what followed it) satisfied: j could not go first.
  const Node& nodeJ = nodes_[events_[j]];
  if (nodeJ.options[nodeJ.chosen].waitReturn && firstAfter_[eventProc_[j]] == j) return;
  // No initial can go first at k's node: try every thread there.
  for (Option& option : nodeK.options)
    if (option.status == kUntried) option.status = kBacktrack;
}

// --- odpor: wakeup trees (Abdulla et al., POPL 2014, Algorithm 2) ---

WakeupEvent DporStrategy::eventOf(const Option& option) const noexcept {
  return WakeupEvent{option.choice, option.footprint, procOf(option.choice)};
}

std::size_t DporStrategy::optionOf(const Node& node, std::uint32_t proc) const noexcept {
  std::size_t i = 0;
  while (i < node.options.size() && procOf(node.options[i].choice) != proc) ++i;
  return i;
}

void DporStrategy::markWakeup(Node& node) const {
  wakeups_.forEachFirst(node.wakeup, [&](const WakeupEvent& event) {
    const std::size_t i = optionOf(node, event.proc);
    if (i < node.options.size() && node.options[i].status == kUntried) node.options[i].status = kBacktrack;
  });
}

// Every thread not yet explored here and not asleep gets a branch of its own.
void DporStrategy::tryEveryThread(Node& node) {
  for (const Option& option : node.options) {
    if (option.choice.kind != ChoiceKind::Run || option.status == kDone || node.asleep(option.choice.thread))
      continue;
    if (!wakeups_.startsWith(node.wakeup, procOf(option.choice))) wakeups_.addLeaf(node.wakeup, eventOf(option));
  }
  markWakeup(node);
}

// The tree the next schedule node follows; the one it replaces is dropped.
void DporStrategy::handDown(WakeupTree::Root tree) {
  wakeups_.release(pending_);
  pending_ = tree;
}

// A new node follows the wakeup subtree handed down and tries at least one
// thread: with none handed down, the first that is not asleep. Its adversary options (already
// kBacktrack: optional, no other execution covers the ones without them) come after the tree.
void DporStrategy::planWakeup(Node& node) {
  node.wakeup = pending_ != WakeupTree::kNone ? pending_ : wakeups_.newTree();
  pending_ = WakeupTree::kNone;
  // A followed sequence names a step this prefix does not offer, or a sleeping thread: the
  // footprints over-approximated what was reordered. Trying every thread here is sound.
  const bool fallback = wakeups_.dropFirstIf(node.wakeup, [&](const WakeupEvent& event) {
    const std::size_t i = optionOf(node, event.proc);
    return i == node.options.size() || (event.choice.kind == ChoiceKind::Run && node.asleep(event.choice.thread));
  });
  if (fallback) tryEveryThread(node);
  bool thread = false;
  wakeups_.forEachFirst(node.wakeup, [&](const WakeupEvent& event) { thread = thread || !event.optional(); });
  for (const Option& option : node.options) {
    if (thread) break;
    if (option.choice.kind != ChoiceKind::Run || node.asleep(option.choice.thread)) continue;
    wakeups_.addLeaf(node.wakeup, eventOf(option));
    thread = true;
  }
  markWakeup(node);
}

// The leftmost branch goes next, its subtree handed to the node after this one; once the
// tree is done, the adversary options not taken yet, with nothing handed down.
bool DporStrategy::pickWakeup(Node& node) {
  while (!wakeups_.empty(node.wakeup)) {
    const std::size_t i = optionOf(node, wakeups_.front(node.wakeup).proc);
    handDown(wakeups_.popFront(node.wakeup));
    if (i == node.options.size()) {  // not offered here (never inserted so): try every thread
      handDown(WakeupTree::kNone);
      tryEveryThread(node);
      continue;
    }
    node.options[i].status = kDone;
    node.chosen = static_cast<std::uint32_t>(i);
    return true;
  }
  handDown(WakeupTree::kNone);
  for (std::size_t i = 0; i < node.options.size(); ++i) {
    Option& option = node.options[i];
    if (option.status != kBacktrack || option.choice.kind == ChoiceKind::Run) continue;
    option.status = kDone;
    node.chosen = static_cast<std::uint32_t>(i);
    return true;
  }
  return false;
}

// An explored or sleeping thread of `node` that is a weak initial of sequence_ already covers it.
bool DporStrategy::sleeperIsWeakInitial(const Node& node) const {
  for (const Sleeper& sleeper : node.sleep)
    if (weakInitial(sequence_, sleeper.thread, sleeper.footprint, false)) return true;
  for (std::size_t i = 0; i < node.options.size(); ++i) {
    const Option& option = node.options[i];
    if (i == node.chosen || option.status != kDone) continue;
    // An explored adversary event covers only the sequences that contain it.
    if (weakInitial(sequence_, procOf(option.choice), option.footprint, option.choice.kind != ChoiceKind::Run))
      return true;
  }
  return false;
}

// The race (k, j): insert v = notdep(k).j, the events between k and j that do not happen after
// k and then j, into the wakeup tree of k's node (Algorithm 2), unless a sleeper covers it.
void DporStrategy::addWakeup(std::size_t k, std::size_t j) {
  Node& nodeK = nodes_[events_[k]];
  const std::uint32_t procK = eventProc_[k];
  sequence_.clear();
  if (position_.size() <= j) position_.resize(j + 1, -1);
  for (std::size_t x = k + 1; x <= j; ++x) {
    if (x < j && clocks_[x * procs_ + procK] >= k + 1) continue;
    const Node& node = nodes_[events_[x]];
    position_[x] = static_cast<std::int32_t>(sequence_.size());
    sequence_.push_back(eventOf(node.options[node.chosen]));
  }
  // A thread created inside v starts after the step that created it.
  for (const Spawn& spawn : execution_->result().spawns)
    if (spawn.step <= j && position_[spawn.step] >= 0)
      sequence_[static_cast<std::size_t>(position_[spawn.step])].footprint.add(threadObject(spawn.thread),
                                                                                Access::Write);
  for (std::size_t x = k + 1; x <= j; ++x) position_[x] = -1;
  const Node& nodeJ = nodes_[events_[j]];
  const std::size_t last = sequence_.size() - 1;
  // j returns from a wait that k satisfied: j could not go first.
  if (nodeJ.options[nodeJ.chosen].waitReturn && optionOf(nodeK, sequence_[last].proc) == nodeK.options.size() &&
      initialAt(sequence_, last))
    return;
  if (sleeperIsWeakInitial(nodeK)) return;
  // An equivalent v that starts with an initial offered at k's node.
  std::size_t first = 0;
  while (first < sequence_.size() &&
         !(optionOf(nodeK, sequence_[first].proc) < nodeK.options.size() && initialAt(sequence_, first)))
    ++first;
  if (first == sequence_.size()) {  // no initial can go first at k's node: try every thread there
    tryEveryThread(nodeK);
    return;
  }
  const auto begin = sequence_.begin();
  std::rotate(begin, begin + static_cast<std::ptrdiff_t>(first), begin + static_cast<std::ptrdiff_t>(first) + 1);
  if (wakeups_.insert(nodeK.wakeup, sequence_)) markWakeup(nodeK);
}

}  // namespace interlock
