#include "interlock/core/ObjectStore.hpp"

#include "interlock/core/Footprint.hpp"
#include "interlock/core/Scenario.hpp"
#include "Names.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace interlock {

ObjectStore::~ObjectStore() {
  release();
  for (const Place& place : places_)
    if (place.storage.storage != nullptr) place.storage.deallocate(place.storage.storage);
}

void ObjectStore::add(std::unique_ptr<KernelObject> object, std::string_view name, ObjectStorage storage) {
  const std::size_t place = objects_.size();
  if (place >= places_.size()) places_.resize(place + 1);
  attach(*object, name);  // if it throws, the unique_ptr frees the object
  Place& at = places_[place];
  if (storage.storage == nullptr) {
    at.owned = std::move(object);
    return;
  }
  // Another type's storage, unused this run, gives way to the new object's.
  if (at.storage.storage != nullptr) at.storage.deallocate(at.storage.storage);
  at.storage = storage;
  at.inStorage = true;
  (void)object.release();  // lives in the place's storage now; release() destroys it
}

void ObjectStore::addReused(KernelObject* object, std::string_view name) {
  // If attaching throws, the object is destroyed and its storage stays with its place.
  struct DestroyUnlessKept {
    KernelObject* object;
    ~DestroyUnlessKept() {
      if (object != nullptr) object->~KernelObject();
    }
  } guard{object};
  attach(*object, name);
  places_[object->id()].inStorage = true;
  guard.object = nullptr;
}

std::size_t ObjectStore::takeRange(const std::type_info& type, std::size_t count) {
  const std::size_t first = objects_.size();
  const std::size_t end = first + count;
  if (checkNames_ || end > places_.size() || end > names_.size() || end > kThreadObjectBase) return kNoRange;
  for (std::size_t place = first; place < end; ++place)
    if (!keptFor(places_[place].storage, type)) return kNoRange;
  // Empty until attachAt fills them: nothing reads the run's objects while setup makes them.
  objects_.resize(end, nullptr);
  flags_.resize(end, 0);
  return first;
}

void ObjectStore::endRange(std::size_t first, std::size_t end, bool locks) {
  objects_.resize(end);  // if building one threw: those after it were never the run's
  flags_.resize(end);
  if (!locks) return;
  // The lock list grew to this size in the first run, which made these objects one by one.
  for (std::size_t place = first; place < end; ++place)
    if ((flags_[place] & kLockFlag) != 0) locks_.push_back(static_cast<ObjectId>(place));
}

std::vector<KernelObject*>& ObjectStore::newArray() {
  if (arraysUsed_ == arrays_.size()) {
    arrays_.emplace_back();
    namedRanges_.emplace_back();
  }
  std::vector<KernelObject*>& items = arrays_[arraysUsed_++];
  items.clear();
  return items;
}

bool ObjectStore::rangeNamed(std::size_t first, std::size_t count, std::string_view base) const noexcept {
  const NamedRange& last = namedRanges_[arraysUsed_ - 1];
  // Only the run just before counts: one between may have named these places otherwise.
  return last.run + 1 == runsStarted_ && last.first == first && last.count == count &&
         detail::sameText(last.base, base);
}

void ObjectStore::noteRangeNamed(std::size_t first, std::size_t count, std::string_view base) {
  NamedRange& last = namedRanges_[arraysUsed_ - 1];
  last.first = first;
  last.count = count;
  detail::keepName(last.base, base);
  last.run = runsStarted_;
}

void ObjectStore::attach(KernelObject& object, std::string_view name) {
  const std::size_t place = objects_.size();
  if (checkNames_) [[unlikely]] checkName(name);
  if (place >= kThreadObjectBase) throw ScenarioError("too many objects");
  std::string* kept = nullptr;
  if (place < names_.size()) [[likely]] {
    kept = names_[place].get();
    detail::keepName(*kept, name);
  } else {
    kept = names_.emplace_back(std::make_unique<std::string>(name)).get();
  }
  const bool lock = object.isLock();
  object.attach(static_cast<ObjectId>(place), *kept);
  if (lock) locks_.push_back(static_cast<ObjectId>(place));
  flags_.push_back(lock ? kLockFlag : 0);
  objects_.push_back(&object);  // last: an object this throws for is not the run's
}

void ObjectStore::checkName(std::string_view name) const {
  detail::checkName(name, "object");
  for (const auto& o : objects_)
    if (o->name() == name) throw ScenarioError("two objects are named '" + std::string(name) + "'");
}

void ObjectStore::noteFirstNamed(ObjectId id) {
  flags_[id] |= kNamedFlag;
  if ((flags_[id] & kLockFlag) == 0) return;
  namedLocks_.insert(std::upper_bound(namedLocks_.begin(), namedLocks_.end(), id), id);
}

// Destroys the run's objects as it ends; make's keep their storage, by place, for the next
// run's objects (an object of another type there, or a primitive's, is freed as usual).
void ObjectStore::release() noexcept {
  const std::size_t count = objects_.size();
  for (std::size_t place = 0; place < count; ++place) {
    Place& at = places_[place];
    if (at.inStorage) {
      objects_[place]->~KernelObject();  // virtual: the whole object; the place keeps its storage
      at.inStorage = false;
    } else {
      at.owned.reset();
    }
  }
  objects_.clear();
  arraysUsed_ = 0;
  locks_.clear();
  flags_.clear();
  namedLocks_.clear();
}

}  // namespace interlock
