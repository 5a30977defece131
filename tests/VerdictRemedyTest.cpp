// An incomplete verdict says what would let the search finish, one remedy per cause.
#include "interlock/checker/Verdict.hpp"

#include <doctest/doctest.h>

namespace {

interlock::Verdict incomplete(const char* reason) {
  interlock::Verdict verdict;
  verdict.result = interlock::Result::Incomplete;
  verdict.incompleteReason = reason;
  return verdict;
}

}  // namespace

TEST_CASE("a bound cut names the option that raises it") {
  CHECK(incomplete("step bound").remedy() == "raise --max-steps");
  CHECK(incomplete("suspension bound").remedy() == "raise --max-suspensions");
  CHECK(incomplete("execution budget").remedy() == "raise --max-executions");
}

TEST_CASE("a time limit suggests a longer limit or a split search") {
  CHECK(incomplete("time limit").remedy() == "raise --time-limit or split the search with --jobs or --shard");
}

TEST_CASE("a sampling or preemption-bounded strategy points to an exhaustive one") {
  CHECK(incomplete("random sampling").remedy() == "prove it with an exhaustive strategy (dpor)");
  CHECK(incomplete("preemption bound 2").remedy() == "raise --preemptions or prove it with dpor");
}

TEST_CASE("several causes get one remedy each, in a fixed order") {
  CHECK(incomplete("step bound, time limit").remedy() ==
        "raise --max-steps; raise --time-limit or split the search with --jobs or --shard");
}
