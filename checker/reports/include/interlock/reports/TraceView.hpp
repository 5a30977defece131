#pragma once
// A trace file's counterexample as typed values, checked field by field, so every report
// (text, Mermaid, Perfetto, DOT) renders from the file alone, without the scenario.
#include "interlock/core/Violation.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace interlock {

struct TraceViolation {
  ViolationKind kind = ViolationKind::ContractViolation;
  std::string rule;
  std::string code;     // "0x37", or empty
  std::string thread;   // empty when no one thread is to blame (a deadlock, a DoS)
  std::uint32_t step = 0;
  std::string message;
  std::vector<std::string> objects;
  std::vector<std::string> threads;  // a deadlock cycle, or a chain ending at a suspended owner

  // "DV 0xC4/0x37" for a Driver Verifier code, "bug check 0xE3", or empty.
  [[nodiscard]] std::string codeText() const;
};

enum class TraceEventKind : std::uint8_t {
  Call,       // an API call that completed
  Blocked,    // an API call that started waiting
  Woken,      // the wait was satisfied and the call returned
  Adversary,  // the environment acted on the thread (NtSuspendThread, an APC queued)
  Apc,        // an APC started running on the thread
  ApcReturn,  // an APC routine returned
  Exit,       // the thread finished
  Violation,
  Other,      // a kind this interlock does not know; shown as it is
};

struct TraceEvent {
  std::uint32_t step = 0;
  TraceEventKind kind = TraceEventKind::Call;
  std::string kindName;  // as written in the file
  std::string thread;
  std::string call;      // "ExAcquireResourceExclusiveLite(&Resource, TRUE)"
  std::optional<std::string> result;
  int irql = 0;
  int kernelApcDisable = 0;
  int specialApcDisable = 0;
  std::optional<TraceViolation> violation;  // Violation only
  std::optional<std::string> site;          // "driver.c:120": the line of the code under test

  // "ExAcquireResourceExclusiveLite"
  [[nodiscard]] std::string_view api() const noexcept;
  // "Resource" for "...(&Resource, TRUE)"; empty when the call names no object.
  [[nodiscard]] std::string_view object() const noexcept;
};

struct TraceThread {
  std::string name;
  std::string requester;
  std::string state;  // "ready", "waiting", "suspended", "terminated", ...
  int irql = 0;
  int kernelApcDisable = 0;
  int specialApcDisable = 0;
};

struct TraceHolder {
  std::string thread;
  std::string mode;
  std::uint32_t count = 1;
};

struct TraceObject {
  std::string name;
  std::string type;
  std::vector<TraceHolder> owners;
  std::vector<TraceHolder> waiters;
};

struct TraceVerdict {
  std::string result;  // "pass", "violation", "incomplete"
  std::optional<TraceViolation> violation;
  std::vector<TraceViolation> causes;
};

struct TraceView {
  std::string scenario;
  TraceVerdict verdict;
  std::vector<TraceEvent> events;
  std::vector<TraceThread> threads;  // final state, in scenario order
  std::vector<TraceObject> objects;  // final state, in scenario order

  [[nodiscard]] const TraceThread* thread(std::string_view name) const noexcept;
  [[nodiscard]] const TraceObject* object(std::string_view name) const noexcept;
  // The object `thread` waits on at the end, if any.
  [[nodiscard]] const TraceObject* waitingOn(std::string_view thread) const noexcept;
  [[nodiscard]] std::uint32_t lastStep() const noexcept;
};

// Reads the counterexample parts of a trace document (already checked by readTrace for
// format and version). Throws InputError naming `path` and the field at fault.
[[nodiscard]] TraceView viewTrace(const nlohmann::json& document, const std::string& path);

}  // namespace interlock
