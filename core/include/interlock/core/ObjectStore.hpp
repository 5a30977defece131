#pragma once
// Where an execution's objects live, by place (a place is an object's id): the storage each
// place keeps from run to run, the names it keeps, and which of this run's objects are locks
// and have been named by an operation. Setup::make and makeArray build through it: a setup
// that makes the same objects as the run before builds each in the storage its place kept
// (same type), so it allocates nothing, moves no storage and names nothing anew (Relacy pools
// its objects so). Setup's templates are its only callers outside the engine.
#include "interlock/core/Ids.hpp"
#include "interlock/core/IndexedName.hpp"
#include "interlock/core/KernelObject.hpp"
#include "interlock/core/KeptName.hpp"
#include "interlock/core/ObjectArray.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace interlock {

// Gives back the storage of an object ObjectStore::make allocated (the type's operator new).
using ObjectDeallocate = void (*)(void* storage) noexcept;

// Where make built an object and how to reuse its storage: its complete object, its type, how
// to free the storage. The store keeps the storage between runs.
struct ObjectStorage {
  void* storage = nullptr;
  const std::type_info* type = nullptr;
  ObjectDeallocate deallocate = nullptr;
};

class ObjectStore {
 public:
  ObjectStore() = default;
  ~ObjectStore();
  ObjectStore(const ObjectStore&) = delete;
  ObjectStore& operator=(const ObjectStore&) = delete;

  // --- this run's objects ---
  [[nodiscard]] std::span<KernelObject* const> objects() const noexcept { return objects_; }
  [[nodiscard]] std::size_t size() const noexcept { return objects_.size(); }
  [[nodiscard]] KernelObject& operator[](ObjectId id) const noexcept { return *objects_[id]; }
  [[nodiscard]] KernelObject& at(ObjectId id) const { return *objects_.at(id); }
  // The objects that are locks (KernelObject::isLock), in id order.
  [[nodiscard]] std::span<const ObjectId> locks() const noexcept { return locks_; }
  [[nodiscard]] bool isLock(ObjectId id) const noexcept {
    return id < flags_.size() && (flags_[id] & kLockFlag) != 0;
  }
  // The locks some visible operation of this run has named so far, in id order.
  [[nodiscard]] std::span<const ObjectId> namedLocks() const noexcept { return namedLocks_; }
  [[nodiscard]] bool named(ObjectId id) const noexcept { return (flags_[id] & kNamedFlag) != 0; }
  // A visible operation names `id` (any id: kNoObject and threads' ids are no objects).
  void noteNamed(ObjectId id) {
    if (id < flags_.size() && (flags_[id] & kNamedFlag) == 0) noteFirstNamed(id);
  }

  // --- a run ---
  // A run's setup starts: `checkNames`, whether each name is checked (a setup whose names passed
  // once repeats them). Only a run's setup makes objects.
  void beginRun(bool checkNames) noexcept {
    ++runsStarted_;
    checkNames_ = checkNames;
  }
  // The setup is over: objects made later (by primitives, as the run goes) have their names checked.
  void endSetup() noexcept { checkNames_ = true; }
  // Destroys this run's objects; their places keep make's storage and the names.
  void release() noexcept;

  // --- building (Setup::make, Setup::makeArray, primitives' objects) ---
  // An object owned by this run, named as traces will show it, built in the storage its place
  // kept if the object there last had type T.
  template <typename T, typename... Args>
  T& make(std::string_view name, Args&&... args);
  // `count` objects "base.0" ... "base.<count-1>", each built from `args`, as one array.
  template <typename T, typename... Args>
  ObjectArray<T> makeArray(std::string_view base, int count, const Args&... args);
  // An object made elsewhere (a primitive's); `storage`, when given, is make's.
  void add(std::unique_ptr<KernelObject> object, std::string_view name, ObjectStorage storage = {});

 private:
  static constexpr std::uint8_t kLockFlag = 1;   // KernelObject::isLock, read once
  static constexpr std::uint8_t kNamedFlag = 2;  // some operation of this run named it
  static constexpr std::size_t kNoRange = static_cast<std::size_t>(-1);

  struct Place {
    ObjectStorage storage;                // make's storage, once allocated
    std::unique_ptr<KernelObject> owned;  // or this run's object, if it is not in that storage
    bool inStorage = false;               // this run's object lives in `storage`
  };
  // By makeArray call, the range it named last and in which run (runsStarted_ then): within a
  // run each place is named once, so the names stand until a later run's objects take them.
  struct NamedRange {
    std::size_t first = kNoRange;
    std::size_t count = 0;
    std::string base;
    std::uint64_t run = 0;
  };

  // How make_unique<T>'s storage is given back once its place is done with it.
  template <typename T>
  static ObjectDeallocate deallocator() noexcept {
    return [](void* storage) noexcept {
      if constexpr (alignof(T) > __STDCPP_DEFAULT_NEW_ALIGNMENT__)
        ::operator delete(storage, std::align_val_t{alignof(T)});
      else
        ::operator delete(storage);
    };
  }
  // Whether `slot` holds storage an object of `type` was built in (reusable for another).
  [[nodiscard]] static bool keptFor(const ObjectStorage& slot, const std::type_info& type) noexcept {
    // type_info's == may compare names: the same type's object is nearly always the same one.
    return slot.storage != nullptr && (slot.type == &type || *slot.type == type);
  }
  // Storage the run before kept at the next place, if the object it held had type `type`.
  [[nodiscard]] void* reusableStorage(const std::type_info& type) const noexcept {
    const std::size_t place = objects_.size();  // not in use: only earlier places are
    return place < places_.size() && keptFor(places_[place].storage, type) ? places_[place].storage.storage : nullptr;
  }
  // make's object built in its place's kept storage: attached, or destroyed if that throws.
  void addReused(KernelObject* object, std::string_view name);
  // makeArray's fast path: whether the next `count` places all kept storage of `type` from the
  // run before and this run's names need no check. If so (the first place, else kNoRange) they
  // are this run's from now on: makeArray names each place (nameAt), builds its object in
  // storageAt(place) and attaches it (attachAt), in order, then calls endRange(first, end, locks)
  // with the end of those it attached (all of them, or fewer if one threw) and whether any of
  // them is a lock.
  [[nodiscard]] std::size_t takeRange(const std::type_info& type, std::size_t count);
  [[nodiscard]] void* storageAt(std::size_t place) const noexcept { return places_[place].storage.storage; }
  // Inline, without addReused's checks: its calls were most of what each of filesystem's 116
  // objects cost. Naming comes first: if it throws, nothing is built at the place.
  void nameAt(std::size_t place, std::string_view name) { detail::keepName(*names_[place], name); }
  void attachAt(std::size_t place, KernelObject& object, bool lock) noexcept {
    object.attach(static_cast<ObjectId>(place), *names_[place]);
    places_[place].inStorage = true;
    objects_[place] = &object;  // the run's now: release() destroys it
    flags_[place] = lock ? kLockFlag : 0;
  }
  void endRange(std::size_t first, std::size_t end, bool locks);
  // Whether the places first.. first+count-1 still carry the names "base.0".. that this
  // makeArray call (the array newArray gave last) gave them in the run just before: a setup
  // repeats its names every run, and naming filesystem's 116 objects was a tenth of it.
  [[nodiscard]] bool rangeNamed(std::size_t first, std::size_t count, std::string_view base) const noexcept;
  // makeArray named every place of its range (or found them named): the next run may skip it.
  void noteRangeNamed(std::size_t first, std::size_t count, std::string_view base);
  // An empty list for makeArray to fill, kept (with its capacity) for the next run's.
  [[nodiscard]] std::vector<KernelObject*>& newArray();
  // Names the object, gives it the next id and counts it as this run's.
  void attach(KernelObject& object, std::string_view name);
  void checkName(std::string_view name) const;  // throws ScenarioError
  void noteFirstNamed(ObjectId id);

  std::vector<KernelObject*> objects_;  // this run's, by id; their places own them
  std::vector<Place> places_;           // kept between runs
  // By place, kept between runs; each string stays put for KernelObject::name to point at.
  std::vector<std::unique_ptr<std::string>> names_;
  std::vector<ObjectId> locks_;
  std::vector<std::uint8_t> flags_;  // per object of this run
  // Locks some visible operation of this run has named, in id order: only they can be owned,
  // so thread exit checks them instead of every lock (a 116-lock setup, two threads).
  std::vector<ObjectId> namedLocks_;
  // makeArray's pointer lists, in the order made; each keeps its buffer between runs (the vector
  // of them may grow, which moves no list's buffer: the views stay valid).
  std::vector<std::vector<KernelObject*>> arrays_;
  std::size_t arraysUsed_ = 0;
  std::vector<NamedRange> namedRanges_;  // by makeArray call, as arrays_
  std::uint64_t runsStarted_ = 0;        // the run's number
  bool checkNames_ = true;
};

// Declared inline: a setup's make calls are inlined into it, as they were when Setup held them.
template <typename T, typename... Args>
inline T& ObjectStore::make(std::string_view name, Args&&... args) {
  static_assert(std::is_base_of_v<KernelObject, T>, "make<T>: T must be a modelled object");
  if (void* storage = reusableStorage(typeid(T))) {
    // If the constructor throws, the storage stays with its place.
    T* object = ::new (storage) T(std::forward<Args>(args)...);
    addReused(object, name);
    return *object;
  }
  auto object = std::make_unique<T>(std::forward<Args>(args)...);
  T& ref = *object;
  add(std::move(object), name, ObjectStorage{static_cast<void*>(&ref), &typeid(T), deallocator<T>()});
  return ref;
}

template <typename T, typename... Args>
inline ObjectArray<T> ObjectStore::makeArray(std::string_view base, int count, const Args&... args) {
  static_assert(std::is_base_of_v<KernelObject, T>, "makeArray<T>: T must be a modelled object");
  std::vector<KernelObject*>& items = newArray();
  IndexedName name(base, 0);
  const auto size = static_cast<std::size_t>(std::max(count, 0));
  // The run before made the same objects here: each is built in its place's storage.
  if (const std::size_t first = size == 0 ? kNoRange : takeRange(typeid(T), size); first != kNoRange) {
    items.resize(size);
    std::size_t built = 0;
    bool locks = false;  // whether endRange has locks to list
    // However the loop ends early (a constructor throws, a fiber unwinds), the objects built
    // before stay the run's, as make's do. endRange allocates nothing here: the run before
    // made these places' objects, so the lock list already had room for them.
    struct EndEarly {
      ObjectStore& store;
      std::vector<KernelObject*>& items;
      std::size_t first;
      const std::size_t& built;
      const bool& locks;
      bool done = false;
      ~EndEarly() {
        if (done) return;
        items.resize(built);
        store.endRange(first, first + built, locks);
      }
    } early{*this, items, first, built, locks};
    const bool named = rangeNamed(first, size, base);
    for (; built < size; ++built) {
      if (!named) [[unlikely]] {
        nameAt(first + built, name);
        name.increment();
      }
      T* object = ::new (storageAt(first + built)) T(args...);
      const bool lock = object->T::isLock();  // T's own: no virtual call
      attachAt(first + built, *object, lock);
      locks = locks || lock;
      items[built] = object;
    }
    early.done = true;
    endRange(first, first + size, locks);
    noteRangeNamed(first, size, base);
  } else {
    for (int i = 0; i < count; ++i, name.increment()) items.push_back(&make<T>(name, args...));
  }
  return ObjectArray<T>(items.data(), items.size());
}

}  // namespace interlock
