#pragma once
// Object-manager reference counts (kernel-rules §17): an object is made with its references,
// ObReferenceObject* adds one, ObDereferenceObject* takes one, and the dereference to zero
// frees it. Using it after that is ObjectUsedAfterFree; dereferencing it again is the bug
// check Windows gives for a count gone wrong, REFERENCE_BY_POINTER 0x18.
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/FileIo.hpp"
#include "interlock/primitives/WdkTypes.hpp"

#include <cstdint>

namespace interlock::wdm {

using LONG_PTR = std::intptr_t;

// The object header's pointer count, for every object type the object manager creates.
class ObjectHeader {
 public:
  virtual ~ObjectHeader() = default;
  LONG pointerCount = 1;  // model state: the creator's reference
  bool freed = false;
};

// What ObReferenceObjectByHandle and ObReferenceObjectByPointer check an object against.
struct OBJECT_TYPE {
  const char* name;
};
using POBJECT_TYPE = OBJECT_TYPE*;
extern POBJECT_TYPE* PsThreadType;
// The type of OBJECT below: any object-manager object a scenario wants counted.
extern POBJECT_TYPE* ObGenericObjectType;

// An object-manager object with nothing else to model (a driver's referenced context, a
// file or device object stand-in). Made with Setup::make holding one reference.
class OBJECT final : public interlock::KernelObject, public ObjectHeader {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "OBJECT"; }
  [[nodiscard]] bool isLock() const noexcept override { return false; }
};

// A handle (kernel handle table entry) to an object; ZwClose closes it.
class OBJECT_HANDLE final : public interlock::KernelObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "handle"; }
  [[nodiscard]] bool isLock() const noexcept override { return false; }
  interlock::KernelObject* object = nullptr;  // model state
  POBJECT_TYPE type = nullptr;
  bool open = true;
};

struct OBJECT_HANDLE_INFORMATION {
  ULONG HandleAttributes = 0;
  ACCESS_MASK GrantedAccess = 0;
};
using POBJECT_HANDLE_INFORMATION = OBJECT_HANDLE_INFORMATION*;

inline constexpr NTSTATUS STATUS_OBJECT_TYPE_MISMATCH = static_cast<NTSTATUS>(0xC0000024u);

// <= DISPATCH_LEVEL. Return the count after the call (the WDK's LONG_PTR).
LONG_PTR ObReferenceObject(PVOID object);
LONG_PTR ObDereferenceObject(PVOID object);
LONG_PTR ObReferenceObjectWithTag(PVOID object, ULONG tag);
LONG_PTR ObDereferenceObjectWithTag(PVOID object, ULONG tag);
// Any IRQL up to DISPATCH_LEVEL, with locks held: the deletion is deferred to a worker
// thread; the object is gone for the caller either way.
LONG_PTR ObDereferenceObjectDeferDelete(PVOID object);
// PASSIVE_LEVEL: STATUS_SUCCESS and a new reference in *object; STATUS_INVALID_HANDLE for a
// closed handle; STATUS_OBJECT_TYPE_MISMATCH when the object is not of `type`.
NTSTATUS ObReferenceObjectByHandle(HANDLE handle, ACCESS_MASK desiredAccess, POBJECT_TYPE type,
                                   KPROCESSOR_MODE accessMode, PVOID* object,
                                   POBJECT_HANDLE_INFORMATION handleInformation);
// <= DISPATCH_LEVEL: as ByHandle on a pointer the caller already holds a reference on.
NTSTATUS ObReferenceObjectByPointer(PVOID object, ACCESS_MASK desiredAccess, POBJECT_TYPE type,
                                    KPROCESSOR_MODE accessMode);

namespace detail {
// A handle to `object` for the calling thread (one more reference on it).
[[nodiscard]] HANDLE openHandle(interlock::KernelObject& object, POBJECT_TYPE type, const char* name);
// Whether `handle` is an OBJECT_HANDLE (ZwClose asks before it treats it as a file).
[[nodiscard]] bool isObjectHandle(HANDLE handle);
// ZwClose on an OBJECT_HANDLE: drops the handle's reference.
NTSTATUS closeObjectHandle(HANDLE handle);
// Reports a use of an object whose last reference is gone (dispatcher waits call it).
void checkNotFreed(const interlock::KernelObject& object, const char* api);
}  // namespace detail

}  // namespace interlock::wdm
