// Interlocked bitwise, pointer and 64-bit forms; ExInterlockedAdd* (kernel-rules §16).
#include "interlock/primitives/InterlockedForms.hpp"

#include "SpinLockRules.hpp"
#include "interlock/primitives/Call.hpp"

namespace interlock::wdm {

namespace {

template <typename T, typename Update>
T atomically(interlock::Shared<T>* variable, const char* api, Update update) {
  return variable->readModifyWrite(api, update);
}

template <typename T>
auto original(T operand, T (*combine)(T, T)) {
  return [operand, combine](T& v) {
    const T old = v;
    v = combine(v, operand);
    return old;
  };
}

template <typename T>
T bitOr(T a, T b) { return a | b; }
template <typename T>
T bitAnd(T a, T b) { return a & b; }
template <typename T>
T bitXor(T a, T b) { return a ^ b; }
template <typename T>
T plus(T a, T b) { return static_cast<T>(a + b); }
template <typename T>
T second(T, T b) { return b; }

LONG bitMask(LONG offset) { return static_cast<LONG>(std::uint32_t{1} << (offset & 31)); }

}  // namespace

LONG InterlockedOr(PSharedLong destination, LONG value) {
  return atomically(destination, "InterlockedOr", original(value, bitOr<LONG>));
}

LONG InterlockedAnd(PSharedLong destination, LONG value) {
  return atomically(destination, "InterlockedAnd", original(value, bitAnd<LONG>));
}

LONG InterlockedXor(PSharedLong destination, LONG value) {
  return atomically(destination, "InterlockedXor", original(value, bitXor<LONG>));
}

BOOLEAN InterlockedBitTestAndSet(PSharedLong base, LONG offset) {
  const LONG old = atomically(base, "InterlockedBitTestAndSet", original(bitMask(offset), bitOr<LONG>));
  return (old & bitMask(offset)) != 0 ? TRUE : FALSE;
}

BOOLEAN InterlockedBitTestAndReset(PSharedLong base, LONG offset) {
  const LONG old =
      atomically(base, "InterlockedBitTestAndReset", original(static_cast<LONG>(~bitMask(offset)), bitAnd<LONG>));
  return (old & bitMask(offset)) != 0 ? TRUE : FALSE;
}

PVOID InterlockedExchangePointer(PSharedPointer target, PVOID value) {
  return atomically(target, "InterlockedExchangePointer", original(value, second<PVOID>));
}

PVOID InterlockedCompareExchangePointer(PSharedPointer destination, PVOID exchange, PVOID comparand) {
  return atomically(destination, "InterlockedCompareExchangePointer", [exchange, comparand](PVOID& v) {
    const PVOID old = v;
    if (old == comparand) v = exchange;
    return old;
  });
}

LONG64 InterlockedIncrement64(PSharedLong64 addend) {
  return atomically(addend, "InterlockedIncrement64", [](LONG64& v) { return ++v; });
}

LONG64 InterlockedDecrement64(PSharedLong64 addend) {
  return atomically(addend, "InterlockedDecrement64", [](LONG64& v) { return --v; });
}

LONG64 InterlockedExchange64(PSharedLong64 target, LONG64 value) {
  return atomically(target, "InterlockedExchange64", original(value, second<LONG64>));
}

LONG64 InterlockedExchangeAdd64(PSharedLong64 addend, LONG64 value) {
  return atomically(addend, "InterlockedExchangeAdd64", original(value, plus<LONG64>));
}

LONG64 InterlockedAdd64(PSharedLong64 addend, LONG64 value) {
  return atomically(addend, "InterlockedAdd64", [value](LONG64& v) { return v += value; });
}

LONG64 InterlockedCompareExchange64(PSharedLong64 destination, LONG64 exchange, LONG64 comparand) {
  return atomically(destination, "InterlockedCompareExchange64", [exchange, comparand](LONG64& v) {
    const LONG64 old = v;
    if (old == comparand) v = exchange;
    return old;
  });
}

LONG64 InterlockedOr64(PSharedLong64 destination, LONG64 value) {
  return atomically(destination, "InterlockedOr64", original(value, bitOr<LONG64>));
}

LONG64 InterlockedAnd64(PSharedLong64 destination, LONG64 value) {
  return atomically(destination, "InterlockedAnd64", original(value, bitAnd<LONG64>));
}

LONG64 InterlockedXor64(PSharedLong64 destination, LONG64 value) {
  return atomically(destination, "InterlockedXor64", original(value, bitXor<LONG64>));
}

namespace detail {

Thread& interlockedLockStep(PKSPIN_LOCK lock, const char* api) {
  Thread& thread = visibleCall(api, lock, Access::Acquire);
  spin::checkUse(*lock, KSPIN_LOCK::Use::Interlocked, api);
  // Only a misuse leaves the lock held between calls: spin until it is free (its holder
  // spins on itself), then hold it for the one atomic step and free it again.
  if (lock->owner != kNoThread) {
    acquireOrWait(thread, *lock, lock->owner, KSPIN_LOCK::kSpinner, api);
    releaseOwnership(*lock, lock->owner, Grant::HandOffOrBarge);
  }
  return thread;
}

}  // namespace detail

ULONG ExInterlockedAddUlong(PSharedUlong addend, ULONG increment, PKSPIN_LOCK lock) {
  constexpr const char* api = "ExInterlockedAddUlong";
  (void)detail::interlockedLockStep(lock, api);
  return atomically(addend, api, original(increment, plus<ULONG>));
}

LARGE_INTEGER ExInterlockedAddLargeInteger(PSharedLargeInteger addend, LARGE_INTEGER increment,
                                           PKSPIN_LOCK lock) {
  constexpr const char* api = "ExInterlockedAddLargeInteger";
  (void)detail::interlockedLockStep(lock, api);
  return LARGE_INTEGER{atomically(addend, api, original(increment.QuadPart, plus<LONGLONG>))};
}

}  // namespace interlock::wdm
