// The explanation a counterexample opens with: the consequence in the kernel's words, the
// cycle or the chains to the suspended owner, the cause, and the fix for its rule.
#include "ReportSupport.hpp"

#include "interlock/reports/Explanation.hpp"
#include "interlock/reports/FixPatterns.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace interlock;
using interlock::test::liveView;
using nlohmann::json;

namespace {

json violationJson(const char* kind, const char* rule, json threads, json objects,
                   const char* message = "described by the property") {
  return {{"kind", kind}, {"rule", rule}, {"thread", ""}, {"step", 7}, {"message", message},
          {"objects", std::move(objects)}, {"threads", std::move(threads)}};
}

json threadJson(const char* name, const char* requester, const char* state) {
  return {{"name", name}, {"requester", requester}, {"state", state}, {"irql", 0},
          {"kernel_apc_disable", 0}, {"special_apc_disable", 0}, {"suspend_apc_queued", false}};
}

// Only what viewTrace reads: a verdict, no events, and the final state.
TraceView synthetic(json violation, json threads, json objects, json causes = json::array()) {
  const json doc = {{"scenario", {{"name", "test/synthetic"}}},
                    {"verdict", {{"result", "violation"}, {"violation", std::move(violation)},
                                 {"causes", std::move(causes)}}},
                    {"events", json::array()},
                    {"final_state", {{"threads", std::move(threads)}, {"objects", std::move(objects)}}}};
  return viewTrace(doc, "synthetic.json");
}

}  // namespace

TEST_CASE("a suspended owner is explained with the chain, the cause and the fix") {
  CHECK(explain(liveView("eresource/suspended-owner")) ==
        "user (unprivileged process) was suspended while it owned ERESOURCE Resource; system (system) waits\n"
        "for it forever.\n"
        "  chain: system -> ERESOURCE Resource (exclusive) -> user [suspended]\n"
        "Cause: ExAcquireResourceExclusiveLite with normal kernel APCs enabled (WithinCriticalRegion,\n"
        "       DV 0xC4/0x37), in user at step 0.\n"
        "Fix: enter a critical region (KeEnterCriticalRegion) before acquiring, or use\n"
        "     ExEnterCriticalRegionAndAcquireResourceExclusive; leave it (KeLeaveCriticalRegion) after the\n"
        "     release.\n");
}

TEST_CASE("a deadlock is explained by its cycle, thread to object to owner and back") {
  CHECK(explain(liveView("lock-order/abba")) ==
        "create (system) and rename (system) wait for each other forever: each owns what the other waits for.\n"
        "  cycle: create -> ERESOURCE FileLock (exclusive) -> rename -> ERESOURCE VolumeLock (exclusive) ->\n"
        "         create\n"
        "Fix: acquire the locks in one global order on every path, or release the first before waiting for\n"
        "     the second.\n");
}

TEST_CASE("a DoS names the chain from every stuck waiter to the suspended owner") {
  const TraceView trace = synthetic(
      violationJson("SuspendedOwnerDoS", "SuspendedOwner", {"worker", "middle", "owner"}, {"B", "A"}),
      {threadJson("owner", "unprivileged process", "suspended"),
       threadJson("worker", "system", "waiting"), threadJson("middle", "system", "waiting"),
       threadJson("reader", "service", "waiting"), threadJson("idle", "system", "terminated")},
      {{{"name", "A"}, {"type", "ERESOURCE"},
        {"owners", {{{"thread", "owner"}, {"mode", "exclusive"}, {"count", 1}}}},
        {"waiters", {{{"thread", "middle"}, {"mode", "exclusive"}}, {{"thread", "reader"}, {"mode", "shared"}}}}},
       {{"name", "B"}, {"type", "FAST_MUTEX"},
        {"owners", {{{"thread", "middle"}, {"mode", "exclusive"}, {"count", 1}}}},
        {"waiters", {{{"thread", "worker"}, {"mode", "wait"}}}}}});
  CHECK(explain(trace) ==
        "owner (unprivileged process) was suspended while it owned ERESOURCE A; worker (system), middle\n"
        "(system) and reader (service) wait for it forever.\n"
        "  chain: worker -> FAST_MUTEX B (wait) -> middle -> ERESOURCE A (exclusive) -> owner [suspended]\n"
        "  chain: middle -> ERESOURCE A (exclusive) -> owner [suspended]\n"
        "  chain: reader -> ERESOURCE A (shared) -> owner [suspended]\n"
        "Fix: keep normal kernel APCs disabled while the lock is held (KeEnterCriticalRegion before the\n"
        "     acquire, KeLeaveCriticalRegion after the release), so a suspend APC waits until the lock is\n"
        "     free.\n");
}

TEST_CASE("a self-deadlock says the thread waits for what it already owns") {
  const TraceView trace = synthetic(
      violationJson("Deadlock", "SelfDeadlock", {"lookup"}, {"R"}),
      {threadJson("lookup", "system", "waiting")},
      {{{"name", "R"}, {"type", "ERESOURCE"},
        {"owners", {{{"thread", "lookup"}, {"mode", "shared"}, {"count", 1}}}},
        {"waiters", {{{"thread", "lookup"}, {"mode", "exclusive"}}}}}});
  const std::string text = explain(trace);
  CHECK(text.rfind("lookup (system) waits forever for ERESOURCE R (exclusive), which it already owns "
                   "(shared x1).\n  cycle: lookup -> ERESOURCE R (exclusive) -> lookup\nFix: do not acquire",
                   0) == 0);
}

TEST_CASE("a bug check names the stop code and that Windows stops there") {
  json v = violationJson("BugCheck", "RESOURCE_NOT_OWNED", json::array(), {"R"},
                         "ExReleaseResourceLite on ERESOURCE R by a thread that does not own it");
  v["thread"] = "worker";
  v["code"] = "0xE3";
  const std::string text = explain(synthetic(v, {threadJson("worker", "system", "ready")}, json::array()));
  CHECK(text.rfind("worker (system): ExReleaseResourceLite on ERESOURCE R by a thread that does not own "
                   "it. Windows\nstops the machine here with bug check 0xE3 (RESOURCE_NOT_OWNED).\nFix: "
                   "release an ERESOURCE only",
                   0) == 0);
}

TEST_CASE("a rule without a known fix gets no Fix line") {
  json v = violationJson("Assertion", "Assertion", json::array(), json::array(), "x is 2, expected 1");
  v["thread"] = "observer";
  CHECK(explain(synthetic(v, {threadJson("observer", "system", "terminated")}, json::array())) ==
        "Assertion failed in observer (system): X is 2, expected 1.\n");
}

TEST_CASE("the fix table covers the rules the catalogue reports, once each") {
  std::set<std::string_view> rules;
  for (const FixPattern& pattern : fixPatterns()) {
    CHECK_MESSAGE(rules.insert(pattern.rule).second, "duplicate rule " << pattern.rule);
    CHECK_FALSE(pattern.fix.empty());
    CHECK(pattern.fix.back() != '.');  // the explanation ends the sentence
  }
  for (const char* rule : {"WithinCriticalRegion", "SuspendedOwner", "SelfDeadlock", "WaitCycle",
                           "RESOURCE_NOT_OWNED", "APC_INDEX_MISMATCH", "KERNEL_APC_PENDING_DURING_EXIT"})
    CHECK_MESSAGE(fixFor(rule).has_value(), "no fix for " << rule);
  CHECK_FALSE(fixFor("NoSuchRule").has_value());
}

TEST_CASE("the explanation is coloured only when asked, and says the same either way") {
  const TraceView trace = liveView("eresource/suspended-owner");
  const std::string plain = explain(trace, TextStyle{false});
  const std::string coloured = explain(trace, TextStyle{true});
  CHECK(plain.find('\x1b') == std::string::npos);
  CHECK(coloured.find("\x1b[") != std::string::npos);
  CHECK(stripAnsi(coloured) == plain);
}
