// Interlocked bitwise, pointer and 64-bit forms and ExInterlockedAdd* (kernel-rules §16).
#include "LockTestSupport.hpp"

#include <doctest/doctest.h>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

TEST_CASE("InterlockedOr, InterlockedAnd and InterlockedXor return the original value and store the result") {
  std::vector<LONG> results;
  LONG final = 0;
  const auto e = exploreInline([&](Setup& s) {
    results.clear();
    auto& flags = s.make<Shared<LONG>>("flags", 0x0C);
    s.systemThread("t", [&] {
      results.push_back(InterlockedOr(&flags, 0x01));   // 0x0C -> 0x0D
      results.push_back(InterlockedAnd(&flags, 0x05));  // 0x0D -> 0x05
      results.push_back(InterlockedXor(&flags, 0x0F));  // 0x05 -> 0x0A
      final = flags.peek();
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(results == std::vector<LONG>{0x0C, 0x0D, 0x05});
  CHECK(final == 0x0A);
}

TEST_CASE("InterlockedBitTestAndSet and InterlockedBitTestAndReset return the bit's old value") {
  std::vector<BOOLEAN> results;
  LONG final = 0;
  const auto e = exploreInline([&](Setup& s) {
    results.clear();
    auto& bits = s.make<Shared<LONG>>("bits");
    s.systemThread("t", [&] {
      results.push_back(InterlockedBitTestAndSet(&bits, 3));
      results.push_back(InterlockedBitTestAndSet(&bits, 3));
      results.push_back(InterlockedBitTestAndReset(&bits, 3));
      results.push_back(InterlockedBitTestAndReset(&bits, 3));
      results.push_back(InterlockedBitTestAndSet(&bits, 0));
      final = bits.peek();
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(results == std::vector<BOOLEAN>{FALSE, TRUE, TRUE, FALSE, FALSE});
  CHECK(final == 1);
}

TEST_CASE("InterlockedExchangePointer and InterlockedCompareExchangePointer return the original pointer") {
  int a = 0, b = 0;
  std::vector<PVOID> results;
  const auto e = exploreInline([&](Setup& s) {
    results.clear();
    auto& slot = s.make<Shared<PVOID>>("slot", nullptr);
    s.systemThread("t", [&] {
      results.push_back(InterlockedCompareExchangePointer(&slot, &a, nullptr));  // stores a
      results.push_back(InterlockedCompareExchangePointer(&slot, &b, nullptr));  // a stays
      results.push_back(InterlockedExchangePointer(&slot, &b));
      results.push_back(slot.peek());
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(results == std::vector<PVOID>{nullptr, &a, &a, &b});
}

TEST_CASE("the 64-bit forms: Increment64 and Decrement64 return the new value, the others the original") {
  std::vector<LONG64> results;
  const auto e = exploreInline([&](Setup& s) {
    results.clear();
    auto& big = s.make<Shared<LONG64>>("big", LONG64{1} << 40);
    s.systemThread("t", [&] {
      results.push_back(InterlockedIncrement64(&big));
      results.push_back(InterlockedDecrement64(&big));
      results.push_back(InterlockedExchangeAdd64(&big, 2));
      results.push_back(InterlockedAdd64(&big, 1));
      results.push_back(InterlockedCompareExchange64(&big, 7, (LONG64{1} << 40) + 3));
      results.push_back(InterlockedExchange64(&big, 0x0F));
      results.push_back(InterlockedOr64(&big, 0x30));
      results.push_back(InterlockedAnd64(&big, 0x3C));
      results.push_back(InterlockedXor64(&big, 0x01));
      results.push_back(big.peek());
    });
  });
  const LONG64 base = LONG64{1} << 40;
  CHECK(e.verdict.result == Result::Pass);
  CHECK(results == std::vector<LONG64>{base + 1, base, base, base + 3, base + 3, 7, 0x0F, 0x3F, 0x3C, 0x3D});
}

TEST_CASE("two threads' InterlockedIncrement64 never lose an update: the counter ends at 2 in every execution") {
  LONG64 final = 0;
  const auto e = exploreInline([&](Setup& s) {
    auto& counter = s.make<Shared<LONG64>>("counter");
    for (const char* name : {"a", "b"})
      s.systemThread(name, [&] {
        InterlockedIncrement64(&counter);
        final = counter.peek();
      });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 2);
  CHECK(final == 2);
}

TEST_CASE("ExInterlockedAddUlong and ExInterlockedAddLargeInteger return the original value under their spin lock") {
  ULONG before = 0, after = 0;
  LONGLONG largeBefore = 0, largeAfter = 0;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = s.make<KSPIN_LOCK>("L");
    KeInitializeSpinLock(&lock);
    auto& count = s.make<Shared<ULONG>>("count", 5u);
    auto& bytes = s.make<Shared<LONGLONG>>("bytes", 100);
    s.systemThread("t", [&] {
      before = ExInterlockedAddUlong(&count, 3, &lock);
      after = count.peek();
      largeBefore = ExInterlockedAddLargeInteger(&bytes, LARGE_INTEGER{50}, &lock).QuadPart;
      largeAfter = bytes.peek();
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(before == 5);
  CHECK(after == 8);
  CHECK(largeBefore == 100);
  CHECK(largeAfter == 150);
}
