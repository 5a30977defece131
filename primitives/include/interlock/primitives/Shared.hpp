#pragma once
// A shared variable: each read and write is a visible operation, so scenarios can model
// the data a lock protects and assert on it.
#include "interlock/core/Execution.hpp"
#include "interlock/core/KernelObject.hpp"

namespace interlock {

template <typename T>
class Shared final : public KernelObject {
 public:
  explicit Shared(T initial = T{}) : value_(initial) {}
  [[nodiscard]] const char* typeName() const noexcept override { return "variable"; }
  // Data, not a lock: nothing to release at exit, no place in a lock order.
  [[nodiscard]] bool isLock() const noexcept override { return false; }

  // The execution is asked for once: a thread's execution stays the same across its steps.
  [[nodiscard]] T load() {
    Execution& execution = Execution::current();
    execution.visible(Op{"read", id(), Access::Read});
    record(execution, "read");
    return value_;
  }
  void store(T value) {
    Execution& execution = Execution::current();
    execution.visible(Op{"write", id(), Access::Write});
    value_ = value;
    record(execution, "write");
  }
  // One visible operation that reads and writes: `update` gets the value by reference and
  // returns the call's result (the Interlocked family).
  template <typename Update>
  T readModifyWrite(const char* api, Update update) {
    Execution& execution = Execution::current();
    execution.visible(Op{api, id(), Access::Write});
    const T result = update(value_);
    record(execution, api);
    return result;
  }
  // The value without a scheduling point: for final-state checks after all threads ended.
  [[nodiscard]] T peek() const noexcept { return value_; }

 private:
  void record(Execution& execution, const char* api) {
    if (!execution.recordsEvents()) return;  // a search: nobody reads the events
    execution.record(Event{.kind = EventKind::Call, .thread = execution.currentThread().id(),
                           .api = api, .object = id()});
  }
  T value_;
};

}  // namespace interlock
