#pragma once
// C++ mirrors of wdm.h's IRP, IO_STACK_LOCATION, IO_CSQ, IO_CSQ_IRP_CONTEXT and IO_REMOVE_LOCK
// as the bridge reads and writes them, checked against Layout.h (Layout.c checks wdm.h).
#include "Layout.h"

#include <cstddef>
#include <cstdint>

namespace interlock::driver::detail {

struct CIoStatus {
  std::int32_t Status;  // a union with Pointer in the WDK: the low half is the status
  std::int32_t StatusHigh;
  std::uintptr_t Information;
};

struct CStackLocation {
  std::uint8_t MajorFunction;
  std::uint8_t MinorFunction;
  std::uint8_t Flags;
  std::uint8_t Control;
  std::uint64_t Parameters[4];
  void* DeviceObject;
  void* FileObject;
  void* CompletionRoutine;
  void* Context;
};

struct CListEntry {
  CListEntry* Flink;
  CListEntry* Blink;
};

struct CIrp {
  std::int16_t Type;
  std::uint16_t Size;
  void* MdlAddress;
  std::uint32_t Flags;
  void* AssociatedIrp;
  CListEntry ThreadListEntry;
  CIoStatus IoStatus;
  char RequestorMode;
  std::uint8_t PendingReturned;
  char StackCount;
  char CurrentLocation;
  std::uint8_t Cancel;
  std::uint8_t CancelIrql;
  char ApcEnvironment;
  std::uint8_t AllocationFlags;
  void* UserIosb;
  void* UserEvent;
  void* Overlay[2];
  void* CancelRoutine;
  void* UserBuffer;
  void* DriverContext[4];
  void* Thread;
  char* AuxiliaryBuffer;
  CListEntry ListEntry;
  CStackLocation* CurrentStackLocation;
  void* OriginalFileObject;
};

struct CIoCsq;
struct CIoCsqIrpContext {
  std::uint32_t Type;
  CIrp* Irp;
  CIoCsq* Csq;
};

struct CIoCsq {
  std::uint32_t Type;
  void* CsqInsertIrp;  // CsqInsertIrpEx when Type is IO_TYPE_CSQ_EX
  void (*CsqRemoveIrp)(CIoCsq* csq, CIrp* irp);
  CIrp* (*CsqPeekNextIrp)(CIoCsq* csq, CIrp* irp, void* peekContext);
  void (*CsqAcquireLock)(CIoCsq* csq, std::uint8_t* irql);
  void (*CsqReleaseLock)(CIoCsq* csq, std::uint8_t irql);
  void (*CsqCompleteCanceledIrp)(CIoCsq* csq, CIrp* irp);
  void* ReservePointer;
};

struct CRemoveLock {
  std::uint8_t Removed;
  std::uint8_t Reserved[3];
  std::int32_t IoCount;
  unsigned char RemoveEvent[0x18];
};

static_assert(sizeof(CIrp) == INTERLOCK_IRP_SIZE);
static_assert(offsetof(CIrp, IoStatus) == INTERLOCK_IRP_IO_STATUS);
static_assert(offsetof(CIrp, PendingReturned) == INTERLOCK_IRP_PENDING_RETURNED);
static_assert(offsetof(CIrp, StackCount) == INTERLOCK_IRP_STACK_COUNT);
static_assert(offsetof(CIrp, CurrentLocation) == INTERLOCK_IRP_CURRENT_LOCATION);
static_assert(offsetof(CIrp, Cancel) == INTERLOCK_IRP_CANCEL);
static_assert(offsetof(CIrp, CancelIrql) == INTERLOCK_IRP_CANCEL_IRQL);
static_assert(offsetof(CIrp, CancelRoutine) == INTERLOCK_IRP_CANCEL_ROUTINE);
static_assert(offsetof(CIrp, DriverContext) == INTERLOCK_IRP_DRIVER_CONTEXT);
static_assert(offsetof(CIrp, ListEntry) == INTERLOCK_IRP_LIST_ENTRY);
static_assert(offsetof(CIrp, CurrentStackLocation) == INTERLOCK_IRP_CURRENT_STACK_LOCATION);
static_assert(sizeof(CStackLocation) == INTERLOCK_IO_STACK_LOCATION_SIZE);
static_assert(offsetof(CStackLocation, Parameters) == INTERLOCK_IO_STACK_LOCATION_PARAMETERS);
static_assert(offsetof(CStackLocation, DeviceObject) == INTERLOCK_IO_STACK_LOCATION_DEVICE_OBJECT);
static_assert(offsetof(CStackLocation, CompletionRoutine) == INTERLOCK_IO_STACK_LOCATION_COMPLETION_ROUTINE);
static_assert(offsetof(CStackLocation, Context) == INTERLOCK_IO_STACK_LOCATION_CONTEXT);
static_assert(sizeof(CIoCsq) == INTERLOCK_IO_CSQ_SIZE);
static_assert(sizeof(CIoCsqIrpContext) == INTERLOCK_IO_CSQ_IRP_CONTEXT_SIZE);
static_assert(sizeof(CRemoveLock) == INTERLOCK_IO_REMOVE_LOCK_SIZE);

}  // namespace interlock::driver::detail
