// Interlocked operations are atomic visible operations on shared variables (§16).
#include "Support.hpp"

#include <doctest/doctest.h>

using namespace interlock;
using namespace interlock::wdm;
using interlock::test::exploreInline;

TEST_CASE("two InterlockedIncrements never lose an update: 2 interleavings, both end at 2") {
  const auto e = exploreInline([](Setup& s) {
    auto& counter = s.make<Shared<LONG>>("counter");
    auto& done = s.make<Shared<LONG>>("done");
    for (const char* name : {"a", "b"})
      s.systemThread(name, [&counter, &done] {
        (void)InterlockedIncrement(&counter);
        if (InterlockedIncrement(&done) == 2) check(counter.peek() == 2, "no increment is lost");
      });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 6);  // 2 operations per thread: 4!/(2!2!) interleavings
}

TEST_CASE("a read then a write can lose an update where InterlockedIncrement cannot") {
  const auto e = exploreInline([](Setup& s) {
    auto& counter = s.make<Shared<LONG>>("counter");
    auto& done = s.make<Shared<LONG>>("done");
    for (const char* name : {"a", "b"})
      s.systemThread(name, [&counter, &done] {
        counter.store(counter.load() + 1);
        if (InterlockedIncrement(&done) == 2) check(counter.peek() == 2, "no increment is lost");
      });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Assertion);
}

TEST_CASE("Interlocked results follow the WDK: new value, old value, compare-exchange") {
  const auto e = exploreInline([](Setup& s) {
    auto& x = s.make<Shared<LONG>>("x", 5);
    s.systemThread("t", [&x] {
      check(InterlockedIncrement(&x) == 6, "Increment returns the new value");
      check(InterlockedDecrement(&x) == 5, "Decrement returns the new value");
      check(InterlockedExchange(&x, 9) == 5, "Exchange returns the old value");
      check(InterlockedCompareExchange(&x, 1, 7) == 9, "no exchange when the comparand differs");
      check(x.peek() == 9, "value unchanged");
      check(InterlockedCompareExchange(&x, 1, 9) == 9, "exchange when it matches");
      check(InterlockedExchangeAdd(&x, 3) == 1, "ExchangeAdd returns the old value");
      check(InterlockedAdd(&x, 3) == 7, "Add returns the new value");
    });
  });
  CHECK(e.verdict.result == Result::Pass);
}
