// The objects of an execution (part of Execution; its own file because it is its own concern):
// built by Setup::make into storage kept from the run before, named by place, and which of them
// the operations of the run and of each step name.
#include "interlock/core/Execution.hpp"

#include "Names.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace interlock {

void Execution::addObject(std::unique_ptr<KernelObject> object, std::string_view name,
                          ObjectStorage storage) {
  const std::size_t place = objects_.size();
  if (place >= places_.size()) places_.resize(place + 1);
  attachObject(*object, name);  // if it throws, the unique_ptr frees the object
  ObjectPlace& at = places_[place];
  if (storage.storage == nullptr) {
    at.owned = std::move(object);
    return;
  }
  // Another type's storage, unused this run, gives way to the new object's.
  if (at.storage.storage != nullptr) at.storage.deallocate(at.storage.storage);
  at.storage = storage;
  at.inStorage = true;
  (void)object.release();  // lives in the place's storage now; releaseObjects destroys it
}

void Execution::addReusedObject(KernelObject* object, std::string_view name) {
  // If attaching throws, the object is destroyed and its storage stays with its place.
  struct DestroyUnlessKept {
    KernelObject* object;
    ~DestroyUnlessKept() {
      if (object != nullptr) object->~KernelObject();
    }
  } guard{object};
  attachObject(*object, name);
  places_[object->id()].inStorage = true;
  guard.object = nullptr;
}

std::size_t Execution::takeRange(const std::type_info& type, std::size_t count) {
  const std::size_t first = objects_.size();
  const std::size_t end = first + count;
  if (checkNames_ || end > places_.size() || end > objectNames_.size() || end > kThreadObjectBase) return kNoRange;
  for (std::size_t place = first; place < end; ++place)
    if (!keptFor(places_[place].storage, type)) return kNoRange;
  // Empty until attachAt fills them: nothing reads the run's objects while setup makes them.
  objects_.resize(end, nullptr);
  objectFlags_.resize(end, 0);
  return first;
}

void Execution::endRange(std::size_t first, std::size_t end, bool locks) {
  objects_.resize(end);  // if building one threw: those after it were never the run's
  objectFlags_.resize(end);
  if (!locks) return;
  // The lock list grew to this size in the first run, which made these objects one by one.
  for (std::size_t place = first; place < end; ++place)
    if ((objectFlags_[place] & kLockFlag) != 0) locks_.push_back(static_cast<ObjectId>(place));
}

std::vector<KernelObject*>& Execution::newObjectArray() {
  if (objectArraysUsed_ == objectArrays_.size()) {
    objectArrays_.emplace_back();
    namedRanges_.emplace_back();
  }
  std::vector<KernelObject*>& items = objectArrays_[objectArraysUsed_++];
  items.clear();
  return items;
}

bool Execution::rangeNamed(std::size_t first, std::size_t count, std::string_view base) const noexcept {
  const NamedRange& last = namedRanges_[objectArraysUsed_ - 1];
  // Only the run just before counts: one between may have named these places otherwise.
  return last.run + 1 == runsStarted_ && last.first == first && last.count == count &&
         detail::sameText(last.base, base);
}

void Execution::noteRangeNamed(std::size_t first, std::size_t count, std::string_view base) {
  NamedRange& last = namedRanges_[objectArraysUsed_ - 1];
  last.first = first;
  last.count = count;
  detail::keepName(last.base, base);
  last.run = runsStarted_;
}

void Execution::attachObject(KernelObject& object, std::string_view name) {
  const std::size_t place = objects_.size();
  if (checkNames_) [[unlikely]] checkObjectName(name);
  if (place >= kThreadObjectBase) throw ScenarioError("too many objects");
  std::string* kept = nullptr;
  if (place < objectNames_.size()) [[likely]] {
    kept = objectNames_[place].get();
    detail::keepName(*kept, name);
  } else {
    kept = objectNames_.emplace_back(std::make_unique<std::string>(name)).get();
  }
  const bool lock = object.isLock();
  object.attach(static_cast<ObjectId>(place), *kept);
  if (lock) locks_.push_back(static_cast<ObjectId>(place));
  objectFlags_.push_back(lock ? kLockFlag : 0);
  objects_.push_back(&object);  // last: an object this throws for is not the run's
}

void Execution::checkObjectName(std::string_view name) const {
  detail::checkName(name, "object");
  for (const auto& o : objects_)
    if (o->name() == name) throw ScenarioError("two objects are named '" + std::string(name) + "'");
}

// Suspending a thread or queueing an APC changes no ownership; a thread's step changes only that
// of the objects its pending operation (or the wait it returns from) names, unless an APC runs
// first (it may do anything).
void Execution::findStepLocksSlow(const Thread& thread) {
  if (thread.apcPending() && thread.deliverableApc() != Thread::kNoApc) {
    stepAllLocks_ = true;
    return;
  }
  forEachStepObject(thread, [this](ObjectId object, Access) { addStepLock(object); });
}

// Keeps stepLocks_ sorted and unique; too many for it make the step touch all locks.
void Execution::insertStepLock(ObjectId object) noexcept {
  std::size_t at = stepLockCount_;
  while (at > 0 && stepLocks_[at - 1] > object) --at;
  if (at > 0 && stepLocks_[at - 1] == object) return;
  if (stepLockCount_ == stepLocks_.size()) {
    stepAllLocks_ = true;
    return;
  }
  for (std::size_t i = stepLockCount_; i > at; --i) stepLocks_[i] = stepLocks_[i - 1];
  stepLocks_[at] = object;
  ++stepLockCount_;
}

void Execution::noteFirstNamed(ObjectId object) {
  objectFlags_[object] |= kNamedFlag;
  if ((objectFlags_[object] & kLockFlag) == 0) return;
  namedLocks_.insert(std::upper_bound(namedLocks_.begin(), namedLocks_.end(), object), object);
}

// Destroys the run's objects as it ends; Setup::make's keep their storage, by place, for the
// next run's objects (an object of another type there, or a primitive's, is freed as usual).
void Execution::releaseObjects() noexcept {
  const std::size_t count = objects_.size();
  for (std::size_t place = 0; place < count; ++place) {
    ObjectPlace& at = places_[place];
    if (at.inStorage) {
      objects_[place]->~KernelObject();  // virtual: the whole object; the place keeps its storage
      at.inStorage = false;
    } else {
      at.owned.reset();
    }
  }
  objects_.clear();
  objectArraysUsed_ = 0;
}

}  // namespace interlock
