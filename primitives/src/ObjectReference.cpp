// Object-manager reference counts and kernel handles (kernel-rules §17).
#include "interlock/primitives/ObjectReference.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Dispatcher.hpp"
#include "interlock/primitives/Irql.hpp"

#include <memory>
#include <string>

namespace interlock::wdm {

namespace {

OBJECT_TYPE genericType{"Object"};
POBJECT_TYPE genericTypePointer = &genericType;

// The object a PVOID names: one registered with the execution (Setup::make or created by a
// routine), else a ScenarioError.
KernelObject& objectAt(PVOID address, const char* api) {
  for (KernelObject* candidate : Execution::current().objects())
    if (dynamic_cast<const void*>(candidate) == address) return *candidate;
  throw ScenarioError(std::string(api) + ": the pointer names no object the scenario made");
}

ObjectHeader& headerOf(KernelObject& object, const char* api) {
  if (auto* header = dynamic_cast<ObjectHeader*>(&object)) return *header;
  throw ScenarioError(std::string(api) + ": " + object.typeName() + " " + object.name() +
                      " is not an object-manager object (OBJECT, ETHREAD)");
}

void checkIrql(const Thread& thread, const KernelObject& object, const char* api, KIRQL ceiling) {
  if (thread.irql <= ceiling) return;
  detail::contractViolation(ceiling == PASSIVE_LEVEL ? "IrqlObPassive" : "IrqlObDispatchLte", 0,
                            std::string(api) + " at " + detail::irqlName(thread.irql) +
                                (ceiling == PASSIVE_LEVEL ? ", above PASSIVE_LEVEL" : ", above DISPATCH_LEVEL"),
                            &object);
}

POBJECT_TYPE typeOf(const KernelObject& object) {
  return std::string_view(object.typeName()) == "ETHREAD" ? *PsThreadType : genericTypePointer;
}

LONG_PTR reference(PVOID address, const char* api) {
  KernelObject& object = objectAt(address, api);
  Thread& thread = detail::visibleCall(api, &object, Access::Write);
  checkIrql(thread, object, api, DISPATCH_LEVEL);
  ObjectHeader& header = headerOf(object, api);
  detail::checkNotFreed(object, api);
  ++header.pointerCount;
  detail::recordCall(api, &object, nullptr, detail::longText(static_cast<LONG>(header.pointerCount)));
  return header.pointerCount;
}

LONG_PTR dereference(PVOID address, const char* api) {
  KernelObject& object = objectAt(address, api);
  Thread& thread = detail::visibleCall(api, &object, Access::Write);
  checkIrql(thread, object, api, DISPATCH_LEVEL);
  ObjectHeader& header = headerOf(object, api);
  if (header.freed) {
    detail::bugCheck("REFERENCE_BY_POINTER", 0x18,
                     std::string(api) + " on " + object.typeName() + " " + object.name() +
                         ", whose last reference is already gone",
                     &object);
    return 0;
  }
  --header.pointerCount;
  if (header.pointerCount == 0) header.freed = true;  // deleted: its memory goes back to pool
  detail::recordCall(api, &object, nullptr, header.freed ? "0: the object is deleted" : detail::longText(static_cast<LONG>(header.pointerCount)));
  return header.pointerCount;
}

}  // namespace

namespace {
OBJECT_TYPE threadType{"Thread"};
POBJECT_TYPE threadTypePointer = &threadType;
}  // namespace

POBJECT_TYPE* PsThreadType = &threadTypePointer;
POBJECT_TYPE* ObGenericObjectType = &genericTypePointer;

LONG_PTR ObReferenceObject(PVOID object) { return reference(object, "ObReferenceObject"); }

LONG_PTR ObDereferenceObject(PVOID object) { return dereference(object, "ObDereferenceObject"); }

LONG_PTR ObReferenceObjectWithTag(PVOID object, ULONG tag) {
  (void)tag;  // tags only label references for debugging
  return reference(object, "ObReferenceObjectWithTag");
}

LONG_PTR ObDereferenceObjectWithTag(PVOID object, ULONG tag) {
  (void)tag;
  return dereference(object, "ObDereferenceObjectWithTag");
}

LONG_PTR ObDereferenceObjectDeferDelete(PVOID object) {
  return dereference(object, "ObDereferenceObjectDeferDelete");
}

NTSTATUS ObReferenceObjectByHandle(HANDLE handle, ACCESS_MASK desiredAccess, POBJECT_TYPE type,
                                   KPROCESSOR_MODE accessMode, PVOID* object,
                                   POBJECT_HANDLE_INFORMATION handleInformation) {
  constexpr const char* api = "ObReferenceObjectByHandle";
  (void)desiredAccess;
  (void)accessMode;
  if (!detail::isObjectHandle(handle))
    throw ScenarioError(std::string(api) + ": the handle is not one a routine of the model opened");
  auto& entry = *static_cast<OBJECT_HANDLE*>(handle);
  Thread& thread = detail::visibleCall(api, &entry, Access::Read);
  checkIrql(thread, entry, api, PASSIVE_LEVEL);
  if (!entry.open) {
    detail::recordCall(api, &entry, nullptr, "STATUS_INVALID_HANDLE");
    return STATUS_INVALID_HANDLE;
  }
  if (type != nullptr && type != entry.type) {
    detail::recordCall(api, &entry, nullptr, "STATUS_OBJECT_TYPE_MISMATCH");
    return STATUS_OBJECT_TYPE_MISMATCH;
  }
  ObjectHeader& header = headerOf(*entry.object, api);
  ++header.pointerCount;  // the handle keeps the object alive: never freed here
  *object = dynamic_cast<void*>(entry.object);
  if (handleInformation != nullptr) handleInformation->GrantedAccess = desiredAccess;
  detail::recordCall(api, entry.object, nullptr, "STATUS_SUCCESS");
  return STATUS_SUCCESS;
}

NTSTATUS ObReferenceObjectByPointer(PVOID address, ACCESS_MASK desiredAccess, POBJECT_TYPE type,
                                    KPROCESSOR_MODE accessMode) {
  constexpr const char* api = "ObReferenceObjectByPointer";
  (void)desiredAccess;
  (void)accessMode;
  KernelObject& object = objectAt(address, api);
  Thread& thread = detail::visibleCall(api, &object, Access::Write);
  checkIrql(thread, object, api, DISPATCH_LEVEL);
  ObjectHeader& header = headerOf(object, api);
  detail::checkNotFreed(object, api);
  if (type != nullptr && type != typeOf(object)) {
    detail::recordCall(api, &object, nullptr, "STATUS_OBJECT_TYPE_MISMATCH");
    return STATUS_OBJECT_TYPE_MISMATCH;
  }
  ++header.pointerCount;
  detail::recordCall(api, &object, nullptr, "STATUS_SUCCESS");
  return STATUS_SUCCESS;
}

namespace detail {

HANDLE openHandle(KernelObject& object, POBJECT_TYPE type, const char* name) {
  Execution& execution = Execution::current();
  auto entry = std::make_unique<OBJECT_HANDLE>();
  OBJECT_HANDLE& ref = *entry;
  ref.object = &object;
  ref.type = type;
  if (auto* header = dynamic_cast<ObjectHeader*>(&object)) ++header->pointerCount;
  std::size_t handles = 1;
  for (const KernelObject* candidate : execution.objects())
    handles += dynamic_cast<const OBJECT_HANDLE*>(candidate) != nullptr;
  execution.addObject(std::move(entry), std::string(name) + ".handle" + std::to_string(handles));
  return &ref;
}

bool isObjectHandle(HANDLE handle) {
  if (handle == nullptr) return false;
  for (const KernelObject* candidate : Execution::current().objects())
    if (dynamic_cast<const void*>(candidate) == handle)
      return dynamic_cast<const OBJECT_HANDLE*>(candidate) != nullptr;
  return false;
}

NTSTATUS closeObjectHandle(HANDLE handle) {
  constexpr const char* api = "ZwClose";
  auto& entry = *static_cast<OBJECT_HANDLE*>(handle);
  Thread& thread = visibleCall(api, &entry, Access::Write);
  checkIrql(thread, entry, api, PASSIVE_LEVEL);
  if (!entry.open) {
    recordCall(api, &entry, nullptr, "STATUS_INVALID_HANDLE");
    return STATUS_INVALID_HANDLE;
  }
  entry.open = false;
  if (auto* header = dynamic_cast<ObjectHeader*>(entry.object); header != nullptr && --header->pointerCount == 0)
    header->freed = true;
  recordCall(api, &entry, nullptr, "STATUS_SUCCESS");
  return STATUS_SUCCESS;
}

void checkNotFreed(const KernelObject& object, const char* api) {
  const auto* header = dynamic_cast<const ObjectHeader*>(&object);
  if (header == nullptr || !header->freed) return;
  contractViolation("ObjectUsedAfterFree", 0,
                    std::string(api) + " on " + object.typeName() + " " + object.name() +
                        " after its last reference was dropped (the object is deleted)",
                    &object);
}

}  // namespace detail

}  // namespace interlock::wdm
