// Linked lists: the plain inline routines, the ExInterlocked list routines and SLISTs
// (kernel-rules §16).
#include "interlock/primitives/InterlockedList.hpp"

#include "SpinLockRules.hpp"
#include "interlock/primitives/Call.hpp"

#include <string>

namespace interlock::wdm {

namespace {

// §16: atomic and plain operations on one list must not mix, even with the lock held
// around the plain ones: the ExInterlocked routines take the lock with interrupts off.
template <typename Head>
void checkPlain(const Head* head, const char* api) {
  if (!head->interlockedHead) return;
  detail::contractViolation("ListMixedAccess", 0,
                            std::string(api) + " on a list head the ExInterlocked routines use");
}

void linkAfter(PLIST_ENTRY at, PLIST_ENTRY entry) {
  entry->Flink = at->Flink;
  entry->Blink = at;
  at->Flink->Blink = entry;
  at->Flink = entry;
}

void unlink(PLIST_ENTRY entry) {
  entry->Blink->Flink = entry->Flink;
  entry->Flink->Blink = entry->Blink;
}

// The first entry, or nullptr when the list is empty: for the ExInterlocked results.
PLIST_ENTRY firstOrNull(PLIST_ENTRY head) { return head->Flink == head ? nullptr : head->Flink; }
PLIST_ENTRY lastOrNull(PLIST_ENTRY head) { return head->Blink == head ? nullptr : head->Blink; }

void checkHead(PLIST_ENTRY head, const char* api) {
  if (head->Flink == nullptr)
    throw ScenarioError(std::string(api) + " on a LIST_ENTRY head InitializeListHead did not initialize");
}

const char* entryText(const void* entry) { return entry == nullptr ? "NULL" : "an entry"; }

}  // namespace

void InitializeListHead(PLIST_ENTRY head) {
  head->Flink = head;
  head->Blink = head;
  head->interlockedHead = false;
}

BOOLEAN IsListEmpty(const LIST_ENTRY* head) {
  checkPlain(head, "IsListEmpty");
  return head->Flink == head ? TRUE : FALSE;
}

void InsertHeadList(PLIST_ENTRY head, PLIST_ENTRY entry) {
  checkPlain(head, "InsertHeadList");
  linkAfter(head, entry);
}

void InsertTailList(PLIST_ENTRY head, PLIST_ENTRY entry) {
  checkPlain(head, "InsertTailList");
  linkAfter(head->Blink, entry);
}

PLIST_ENTRY RemoveHeadList(PLIST_ENTRY head) {
  checkPlain(head, "RemoveHeadList");
  PLIST_ENTRY entry = head->Flink;
  unlink(entry);
  return entry;
}

PLIST_ENTRY RemoveTailList(PLIST_ENTRY head) {
  checkPlain(head, "RemoveTailList");
  PLIST_ENTRY entry = head->Blink;
  unlink(entry);
  return entry;
}

BOOLEAN RemoveEntryList(PLIST_ENTRY entry) {
  PLIST_ENTRY next = entry->Flink;
  unlink(entry);
  return next == entry->Blink ? TRUE : FALSE;  // the neighbours now point at each other
}

void PushEntryList(PSINGLE_LIST_ENTRY head, PSINGLE_LIST_ENTRY entry) {
  checkPlain(head, "PushEntryList");
  entry->Next = head->Next;
  head->Next = entry;
}

PSINGLE_LIST_ENTRY PopEntryList(PSINGLE_LIST_ENTRY head) {
  checkPlain(head, "PopEntryList");
  PSINGLE_LIST_ENTRY entry = head->Next;
  if (entry != nullptr) head->Next = entry->Next;
  return entry;
}

PLIST_ENTRY ExInterlockedInsertHeadList(PLIST_ENTRY head, PLIST_ENTRY entry, PKSPIN_LOCK lock) {
  constexpr const char* api = "ExInterlockedInsertHeadList";
  (void)detail::interlockedLockStep(lock, api);
  checkHead(head, api);
  head->interlockedHead = true;
  PLIST_ENTRY previous = firstOrNull(head);
  linkAfter(head, entry);
  detail::recordCall(api, lock, nullptr, entryText(previous));
  return previous;
}

PLIST_ENTRY ExInterlockedInsertTailList(PLIST_ENTRY head, PLIST_ENTRY entry, PKSPIN_LOCK lock) {
  constexpr const char* api = "ExInterlockedInsertTailList";
  (void)detail::interlockedLockStep(lock, api);
  checkHead(head, api);
  head->interlockedHead = true;
  PLIST_ENTRY previous = lastOrNull(head);
  linkAfter(head->Blink, entry);
  detail::recordCall(api, lock, nullptr, entryText(previous));
  return previous;
}

PLIST_ENTRY ExInterlockedRemoveHeadList(PLIST_ENTRY head, PKSPIN_LOCK lock) {
  constexpr const char* api = "ExInterlockedRemoveHeadList";
  (void)detail::interlockedLockStep(lock, api);
  checkHead(head, api);
  head->interlockedHead = true;
  PLIST_ENTRY entry = firstOrNull(head);
  if (entry != nullptr) unlink(entry);
  detail::recordCall(api, lock, nullptr, entryText(entry));
  return entry;
}

PSINGLE_LIST_ENTRY ExInterlockedPushEntryList(PSINGLE_LIST_ENTRY head, PSINGLE_LIST_ENTRY entry,
                                              PKSPIN_LOCK lock) {
  constexpr const char* api = "ExInterlockedPushEntryList";
  (void)detail::interlockedLockStep(lock, api);
  head->interlockedHead = true;
  PSINGLE_LIST_ENTRY previous = head->Next;
  entry->Next = previous;
  head->Next = entry;
  detail::recordCall(api, lock, nullptr, entryText(previous));
  return previous;
}

PSINGLE_LIST_ENTRY ExInterlockedPopEntryList(PSINGLE_LIST_ENTRY head, PKSPIN_LOCK lock) {
  constexpr const char* api = "ExInterlockedPopEntryList";
  (void)detail::interlockedLockStep(lock, api);
  head->interlockedHead = true;
  PSINGLE_LIST_ENTRY entry = head->Next;
  if (entry != nullptr) head->Next = entry->Next;
  detail::recordCall(api, lock, nullptr, entryText(entry));
  return entry;
}

void ExInitializeSListHead(PSLIST_HEADER head) {
  if (Execution::current().currentThreadOrNull() != nullptr)
    (void)detail::visibleCall("ExInitializeSListHead", head, Access::Write);
  head->first = nullptr;
  head->depth = 0;
  detail::recordCall("ExInitializeSListHead", head, nullptr, nullptr);
}

USHORT ExQueryDepthSList(PSLIST_HEADER head) {
  (void)detail::visibleCall("ExQueryDepthSList", head, Access::Read);
  detail::recordCall("ExQueryDepthSList", head, nullptr, nullptr);
  return head->depth;
}

PSLIST_ENTRY InterlockedPushEntrySList(PSLIST_HEADER head, PSLIST_ENTRY entry) {
  constexpr const char* api = "InterlockedPushEntrySList";
  (void)detail::visibleCall(api, head, Access::Write);
  PSLIST_ENTRY previous = head->first;
  entry->Next = previous;
  head->first = entry;
  ++head->depth;
  detail::recordCall(api, head, nullptr, entryText(previous));
  return previous;
}

PSLIST_ENTRY InterlockedPopEntrySList(PSLIST_HEADER head) {
  constexpr const char* api = "InterlockedPopEntrySList";
  (void)detail::visibleCall(api, head, Access::Write);
  PSLIST_ENTRY entry = head->first;
  if (entry != nullptr) {
    head->first = entry->Next;
    --head->depth;
  }
  detail::recordCall(api, head, nullptr, entryText(entry));
  return entry;
}

PSLIST_ENTRY InterlockedFlushSList(PSLIST_HEADER head) {
  constexpr const char* api = "InterlockedFlushSList";
  (void)detail::visibleCall(api, head, Access::Write);
  PSLIST_ENTRY chain = head->first;
  head->first = nullptr;
  head->depth = 0;
  detail::recordCall(api, head, nullptr, entryText(chain));
  return chain;
}

PSLIST_ENTRY ExInterlockedPushEntrySList(PSLIST_HEADER head, PSLIST_ENTRY entry, PKSPIN_LOCK lock) {
  (void)lock;
  return InterlockedPushEntrySList(head, entry);
}

PSLIST_ENTRY ExInterlockedPopEntrySList(PSLIST_HEADER head, PKSPIN_LOCK lock) {
  (void)lock;
  return InterlockedPopEntrySList(head);
}

PSLIST_ENTRY ExInterlockedFlushSList(PSLIST_HEADER head) { return InterlockedFlushSList(head); }

}  // namespace interlock::wdm
