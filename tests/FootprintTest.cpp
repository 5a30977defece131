// Footprint: two steps are dependent when they share an object at least one of them writes.
// The quick mask test must never decide "independent" wrongly, nor "dependent" on its own.
#include "interlock/core/Footprint.hpp"

#include <doctest/doctest.h>

namespace {

using namespace interlock;

Footprint of(ObjectId object, Access access) {
  Footprint footprint;
  footprint.add(object, access);
  return footprint;
}

}  // namespace

TEST_CASE("two reads of one object commute") {
  CHECK_FALSE(of(3, Access::Read).conflictsWith(of(3, Access::Read)));
}

TEST_CASE("a write conflicts with a read or a write of the same object, either way round") {
  CHECK(of(3, Access::Write).conflictsWith(of(3, Access::Read)));
  CHECK(of(3, Access::Read).conflictsWith(of(3, Access::Write)));
  CHECK(of(3, Access::Acquire).conflictsWith(of(3, Access::Write)));
}

TEST_CASE("objects whose quick-test bits coincide are still told apart") {
  // 0 and 64 share a mask bit; so do object 63 and thread 0's pseudo-object.
  CHECK_FALSE(of(0, Access::Write).conflictsWith(of(64, Access::Write)));
  CHECK_FALSE(of(63, Access::Write).conflictsWith(of(threadObject(0), Access::Write)));
  CHECK(of(threadObject(0), Access::Write).conflictsWith(of(threadObject(0), Access::Write)));
  CHECK_FALSE(of(threadObject(0), Access::Write).conflictsWith(of(threadObject(64), Access::Write)));
}

TEST_CASE("a read that later becomes a write of the same object conflicts with a read") {
  Footprint footprint = of(5, Access::Read);
  footprint.add(5, Access::Write);
  CHECK(footprint.conflictsWith(of(5, Access::Read)));
}

TEST_CASE("a shared bit written by one and read by the other is checked object by object") {
  Footprint a = of(1, Access::Write);
  a.add(65, Access::Read);  // bit 1 written (object 1), bit 1 touched (65)
  const Footprint b = of(65, Access::Read);
  CHECK_FALSE(a.conflictsWith(b));
  CHECK_FALSE(b.conflictsWith(a));
}

TEST_CASE("a global footprint conflicts with everything, an empty one with nothing") {
  Footprint global;
  global.makeGlobal();
  CHECK(global.conflictsWith(Footprint{}));
  CHECK(Footprint{}.conflictsWith(global));
  CHECK_FALSE(Footprint{}.conflictsWith(of(1, Access::Write)));
}

TEST_CASE("a footprint past its capacity turns global") {
  Footprint footprint;
  for (ObjectId object = 0; object < Footprint::kCapacity; ++object) footprint.add(object, Access::Read);
  CHECK_FALSE(footprint.global());
  footprint.add(100, Access::Read);
  CHECK(footprint.global());
}
