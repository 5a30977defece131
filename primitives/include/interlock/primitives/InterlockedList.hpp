#pragma once
// Doubly and singly linked lists (kernel-rules §16): the inline list routines on plain
// LIST_ENTRY / SINGLE_LIST_ENTRY memory, the ExInterlocked routines that do the same under a
// spin lock in one atomic step, and the lock-free SLIST. A list head an ExInterlocked routine
// touched must not be used with the plain routines (ListMixedAccess).
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/SpinLock.hpp"
#include "interlock/primitives/WdkTypes.hpp"

#include <cstddef>
#include <cstdint>

namespace interlock::wdm {

using USHORT = std::uint16_t;

struct LIST_ENTRY {
  LIST_ENTRY* Flink = nullptr;
  LIST_ENTRY* Blink = nullptr;
  bool interlockedHead = false;  // model state: an ExInterlocked routine used this head
};
using PLIST_ENTRY = LIST_ENTRY*;

struct SINGLE_LIST_ENTRY {
  SINGLE_LIST_ENTRY* Next = nullptr;
  bool interlockedHead = false;  // model state, as LIST_ENTRY's
};
using PSINGLE_LIST_ENTRY = SINGLE_LIST_ENTRY*;

// The wdm.h inline routines: plain memory, no scheduling point.
void InitializeListHead(PLIST_ENTRY head);
[[nodiscard]] BOOLEAN IsListEmpty(const LIST_ENTRY* head);
void InsertHeadList(PLIST_ENTRY head, PLIST_ENTRY entry);
void InsertTailList(PLIST_ENTRY head, PLIST_ENTRY entry);
PLIST_ENTRY RemoveHeadList(PLIST_ENTRY head);  // the entry; the head itself when empty
PLIST_ENTRY RemoveTailList(PLIST_ENTRY head);
BOOLEAN RemoveEntryList(PLIST_ENTRY entry);  // TRUE when the list is empty afterwards
void PushEntryList(PSINGLE_LIST_ENTRY head, PSINGLE_LIST_ENTRY entry);
PSINGLE_LIST_ENTRY PopEntryList(PSINGLE_LIST_ENTRY head);  // NULL when empty

// Any IRQL, one atomic step under `lock`; return the previous first (or last) entry, the
// removed one, or NULL when the list was empty.
PLIST_ENTRY ExInterlockedInsertHeadList(PLIST_ENTRY head, PLIST_ENTRY entry, PKSPIN_LOCK lock);
PLIST_ENTRY ExInterlockedInsertTailList(PLIST_ENTRY head, PLIST_ENTRY entry, PKSPIN_LOCK lock);
PLIST_ENTRY ExInterlockedRemoveHeadList(PLIST_ENTRY head, PKSPIN_LOCK lock);
PSINGLE_LIST_ENTRY ExInterlockedPushEntryList(PSINGLE_LIST_ENTRY head, PSINGLE_LIST_ENTRY entry,
                                              PKSPIN_LOCK lock);
PSINGLE_LIST_ENTRY ExInterlockedPopEntryList(PSINGLE_LIST_ENTRY head, PKSPIN_LOCK lock);

struct SLIST_ENTRY {
  SLIST_ENTRY* Next = nullptr;
};
using PSLIST_ENTRY = SLIST_ENTRY*;

// The SLIST head: an atomic LIFO. Made with Setup::make, so each operation on it is a
// visible step of its own.
class SLIST_HEADER final : public interlock::KernelObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "SLIST_HEADER"; }
  [[nodiscard]] bool isLock() const noexcept override { return false; }
  PSLIST_ENTRY first = nullptr;  // model state; scenarios use the routines
  USHORT depth = 0;
};
using PSLIST_HEADER = SLIST_HEADER*;

void ExInitializeSListHead(PSLIST_HEADER head);
[[nodiscard]] USHORT ExQueryDepthSList(PSLIST_HEADER head);
// Return the previous first entry / the popped one / the whole chain; NULL when empty.
PSLIST_ENTRY InterlockedPushEntrySList(PSLIST_HEADER head, PSLIST_ENTRY entry);
PSLIST_ENTRY InterlockedPopEntrySList(PSLIST_HEADER head);
PSLIST_ENTRY InterlockedFlushSList(PSLIST_HEADER head);
// The Ex forms: on 64-bit Windows the lock is not used.
PSLIST_ENTRY ExInterlockedPushEntrySList(PSLIST_HEADER head, PSLIST_ENTRY entry, PKSPIN_LOCK lock);
PSLIST_ENTRY ExInterlockedPopEntrySList(PSLIST_HEADER head, PKSPIN_LOCK lock);
PSLIST_ENTRY ExInterlockedFlushSList(PSLIST_HEADER head);

}  // namespace interlock::wdm
