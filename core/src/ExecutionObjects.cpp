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
  attachObject(std::move(object), name, storage);
}

void Execution::addReusedObject(KernelObject* object, std::string_view name) {
  // The slot's storage is the object's now: if attaching throws, deleting the object frees it.
  const ObjectStorage storage = std::exchange(objectPool_[objects_.size()], ObjectStorage{});
  attachObject(std::unique_ptr<KernelObject>(object), name, storage);
}

void Execution::attachObject(std::unique_ptr<KernelObject> object, std::string_view name,
                             ObjectStorage storage) {
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
  const bool lock = object->isLock();
  object->attach(static_cast<ObjectId>(place), *kept);
  if (lock) locks_.push_back(static_cast<ObjectId>(place));
  objects_.push_back(std::move(object));
  objectFlags_.push_back(lock ? kLockFlag : 0);
  objectStorage_.push_back(storage);
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
  if (objectPool_.size() < count) objectPool_.resize(count);
  for (std::size_t place = 0; place < count; ++place) {
    const ObjectStorage& storage = objectStorage_[place];
    if (storage.storage == nullptr) {
      objects_[place].reset();
      continue;
    }
    ObjectStorage& slot = objectPool_[place];
    if (slot.storage != nullptr) slot.deallocate(slot.storage);  // unused this run
    slot = storage;
    objects_[place].release()->~KernelObject();  // virtual: the whole object; the slot keeps its storage
  }
  objects_.clear();
  objectStorage_.clear();
}

}  // namespace interlock
