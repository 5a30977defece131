// ObjectStore, on its own: where a run's objects live, by place, and what each place keeps for
// the next run (storage of the same type, names, an array's range).
#include "interlock/core/ObjectStore.hpp"
#include "interlock/core/Scenario.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace interlock;

namespace {

struct Lockish final : KernelObject {
  explicit Lockish(int v = 0) : value(v) {}
  [[nodiscard]] const char* typeName() const noexcept override { return "LOCKISH"; }
  int value;
};

struct Plain final : KernelObject {
  [[nodiscard]] const char* typeName() const noexcept override { return "PLAIN"; }
  [[nodiscard]] bool isLock() const noexcept override { return false; }
};

}  // namespace

TEST_CASE("an object store builds the next run's object in the storage its place kept for that type") {
  ObjectStore store;
  store.beginRun(true);
  const KernelObject* first = &store.make<Lockish>("a", 1);
  store.release();
  store.beginRun(false);
  Lockish& again = store.make<Lockish>("a", 2);
  CHECK(&again == first);
  CHECK(again.value == 2);
  CHECK(again.name() == "a");
  CHECK(again.id() == 0);
}

TEST_CASE("an object store gives a place another type's object in new storage") {
  ObjectStore store;
  store.beginRun(true);
  (void)store.make<Lockish>("a");
  store.release();
  store.beginRun(false);
  const Plain& plain = store.make<Plain>("a");
  CHECK(std::string(plain.typeName()) == "PLAIN");
  CHECK(store.size() == 1);
  CHECK(store.locks().empty());
}

TEST_CASE("an object store lists its locks by id and the locks operations named, in id order") {
  ObjectStore store;
  store.beginRun(true);
  (void)store.make<Lockish>("l0");
  (void)store.make<Plain>("p1");
  (void)store.make<Lockish>("l2");
  (void)store.make<Lockish>("l3");
  store.endSetup();
  CHECK(std::vector<ObjectId>(store.locks().begin(), store.locks().end()) == std::vector<ObjectId>{0, 2, 3});
  store.noteNamed(3);
  store.noteNamed(1);          // not a lock
  store.noteNamed(0);
  store.noteNamed(3);          // named again: listed once
  store.noteNamed(kNoObject);  // no object
  CHECK(std::vector<ObjectId>(store.namedLocks().begin(), store.namedLocks().end()) == std::vector<ObjectId>{0, 3});
  store.release();
  CHECK(store.size() == 0);
  CHECK(store.locks().empty());
  CHECK(store.namedLocks().empty());
}

TEST_CASE("an array made again in the same places reuses their storage and keeps their names") {
  ObjectStore store;
  store.beginRun(true);
  const ObjectArray<Lockish> before = store.makeArray<Lockish>("lock", 3, 7);
  const KernelObject* places[] = {&before[0], &before[1], &before[2]};
  store.release();
  store.beginRun(false);  // names checked once: the range's fast path
  const ObjectArray<Lockish> after = store.makeArray<Lockish>("lock", 3, 8);
  REQUIRE(after.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(&after[i] == places[i]);
    CHECK(after[i].value == 8);
    CHECK(after[i].name() == "lock." + std::to_string(i));
  }
  CHECK(store.locks().size() == 3);
}

TEST_CASE("an object store refuses a second object of the same name while it checks names") {
  ObjectStore store;
  store.beginRun(true);
  (void)store.make<Plain>("same");
  CHECK_THROWS_WITH_AS((void)store.make<Plain>("same"), "two objects are named 'same'", ScenarioError);
  CHECK(store.size() == 1);
}
