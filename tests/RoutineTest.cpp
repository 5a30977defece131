// Routine: the move-only callable thread bodies and APC routines are kept in.
#include "interlock/core/Routine.hpp"

#include <doctest/doctest.h>

#include <array>
#include <functional>
#include <memory>
#include <utility>

using interlock::Routine;

namespace {

// Counts how many copies of it are alive: each capture must be destroyed exactly once.
struct Alive {
  int* count;
  explicit Alive(int* c) : count(c) { ++*count; }
  Alive(const Alive& other) : count(other.count) { ++*count; }
  Alive(Alive&& other) noexcept : count(other.count) { ++*count; }
  Alive& operator=(const Alive&) = delete;
  ~Alive() { --*count; }
};

}  // namespace

TEST_CASE("a routine calls the lambda it was made from, with its captures") {
  int calls = 0;
  const Routine routine([&calls, step = 2] { calls += step; });
  routine();
  routine();
  CHECK(calls == 4);
}

TEST_CASE("a routine whose captures exceed its inline bytes still calls them") {
  int sum = 0;
  std::array<int, 40> big{};  // 160 bytes: kept on the heap
  big[39] = 7;
  static_assert(sizeof(big) > Routine::kInlineBytes);
  const Routine routine([&sum, big] { sum += big[39]; });
  routine();
  CHECK(sum == 7);
}

TEST_CASE("moving a routine leaves the source empty and keeps one live copy of the captures") {
  int alive = 0;
  int calls = 0;
  {
    Routine first([guard = Alive(&alive), &calls] { ++calls; });
    CHECK(alive == 1);
    Routine second = std::move(first);
    CHECK_FALSE(static_cast<bool>(first));
    CHECK(static_cast<bool>(second));
    CHECK(alive == 1);
    second();
    Routine third;
    third = std::move(second);
    third();
    CHECK(alive == 1);
  }
  CHECK(calls == 2);
  CHECK(alive == 0);
}

TEST_CASE("a boxed routine's captures are destroyed once, when it is") {
  int alive = 0;
  {
    std::array<char, 100> padding{};
    Routine routine([guard = Alive(&alive), padding] { (void)padding; });
    Routine moved = std::move(routine);
    CHECK(alive == 1);
  }
  CHECK(alive == 0);
}

TEST_CASE("an empty std::function or a null pointer makes an empty routine") {
  const std::function<void()> empty;
  void (*none)() = nullptr;
  CHECK_FALSE(static_cast<bool>(Routine(empty)));
  CHECK_FALSE(static_cast<bool>(Routine(none)));
  CHECK_FALSE(static_cast<bool>(Routine(nullptr)));
  CHECK(static_cast<bool>(Routine(std::function<void()>([] {}))));
}

TEST_CASE("assigning nullptr destroys the captures") {
  int alive = 0;
  Routine routine([guard = Alive(&alive)] {});
  CHECK(alive == 1);
  routine = nullptr;
  CHECK(alive == 0);
  CHECK_FALSE(static_cast<bool>(routine));
}
