// What the graphical reports read from a traced call: a wait's STATUS_WAIT_n is a success
// (checker/reports/CallEffect; kernel-rules.md §3.6).
#include "interlock/reports/CallEffect.hpp"

#include <doctest/doctest.h>

using namespace interlock;

namespace {

TraceView withMutex() {
  TraceView trace;
  trace.objects.push_back(TraceObject{.name = "M", .type = "KMUTEX"});
  trace.objects.push_back(TraceObject{.name = "E", .type = "KEVENT"});
  return trace;
}

TraceEvent event(TraceEventKind kind, std::string call, std::string result) {
  return TraceEvent{.kind = kind, .call = std::move(call), .result = std::move(result)};
}

}  // namespace

TEST_CASE("a WaitAny satisfied by a KMUTEX at index 1 (STATUS_WAIT_1) acquires it: STATUS_WAIT_n is a success") {
  const TraceView trace = withMutex();
  const auto immediate = effectOf(
      event(TraceEventKind::Call, "KeWaitForMultipleObjects(&M, WaitAny, Timeout NULL)", "STATUS_WAIT_1"), trace);
  CHECK(immediate.effect == Effect::Acquire);
  CHECK(immediate.object == "M");
  const auto woken = effectOf(
      event(TraceEventKind::Woken, "KeWaitForMultipleObjects(&M, WaitAny, Timeout NULL)", "STATUS_WAIT_1"), trace);
  CHECK(woken.effect == Effect::Granted);
}

TEST_CASE("a wait on a KMUTEX that times out (STATUS_TIMEOUT) acquires nothing") {
  const TraceView trace = withMutex();
  const auto polled = effectOf(
      event(TraceEventKind::Call, "KeWaitForSingleObject(&M, Timeout 0)", "STATUS_TIMEOUT"), trace);
  CHECK(polled.effect == Effect::None);
}

TEST_CASE("a wait on an event ends without a hold; a try-acquire returning FALSE acquires nothing") {
  const TraceView trace = withMutex();
  CHECK(effectOf(event(TraceEventKind::Woken, "KeWaitForSingleObject(&E, Timeout NULL)", "STATUS_SUCCESS"), trace)
            .effect == Effect::Woken);
  CHECK(effectOf(event(TraceEventKind::Call, "ExTryToAcquireFastMutex(&M)", "FALSE"), trace).effect ==
        Effect::None);
}
