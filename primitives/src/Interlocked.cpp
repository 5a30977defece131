#include "interlock/primitives/Interlocked.hpp"

namespace interlock::wdm {

namespace {
// One scheduling point, then the whole read-modify-write: no thread runs in between.
template <typename Update>
LONG atomically(PSharedLong variable, const char* api, Update update) {
  return variable->readModifyWrite(api, update);
}
}  // namespace

LONG InterlockedIncrement(PSharedLong addend) {
  return atomically(addend, "InterlockedIncrement", [](LONG& v) { return ++v; });
}

LONG InterlockedDecrement(PSharedLong addend) {
  return atomically(addend, "InterlockedDecrement", [](LONG& v) { return --v; });
}

LONG InterlockedExchange(PSharedLong target, LONG value) {
  return atomically(target, "InterlockedExchange", [value](LONG& v) {
    const LONG old = v;
    v = value;
    return old;
  });
}

LONG InterlockedCompareExchange(PSharedLong destination, LONG exchange, LONG comparand) {
  return atomically(destination, "InterlockedCompareExchange", [exchange, comparand](LONG& v) {
    const LONG old = v;
    if (old == comparand) v = exchange;
    return old;
  });
}

LONG InterlockedExchangeAdd(PSharedLong addend, LONG value) {
  return atomically(addend, "InterlockedExchangeAdd", [value](LONG& v) {
    const LONG old = v;
    v += value;
    return old;
  });
}

LONG InterlockedAdd(PSharedLong addend, LONG value) {
  return atomically(addend, "InterlockedAdd", [value](LONG& v) { return v += value; });
}

}  // namespace interlock::wdm
