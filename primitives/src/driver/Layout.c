/* wdm.h's structs have the offsets the bridge's C++ mirrors use (Layout.h): a mismatch stops
 * the build here rather than corrupting driver memory at run time. */
#include <wdm.h>

#include "Layout.h"

_Static_assert(sizeof(DRIVER_OBJECT) == INTERLOCK_DRIVER_OBJECT_SIZE, "DRIVER_OBJECT size");
_Static_assert(offsetof(DRIVER_OBJECT, DeviceObject) == INTERLOCK_DRIVER_OBJECT_DEVICE_OBJECT, "DeviceObject");
_Static_assert(offsetof(DRIVER_OBJECT, DriverExtension) == INTERLOCK_DRIVER_OBJECT_DRIVER_EXTENSION, "DriverExtension");
_Static_assert(offsetof(DRIVER_OBJECT, DriverName) == INTERLOCK_DRIVER_OBJECT_DRIVER_NAME, "DriverName");
_Static_assert(offsetof(DRIVER_OBJECT, DriverUnload) == INTERLOCK_DRIVER_OBJECT_DRIVER_UNLOAD, "DriverUnload");
_Static_assert(offsetof(DRIVER_OBJECT, MajorFunction) == INTERLOCK_DRIVER_OBJECT_MAJOR_FUNCTION, "MajorFunction");
_Static_assert(sizeof(DRIVER_EXTENSION) == INTERLOCK_DRIVER_EXTENSION_SIZE, "DRIVER_EXTENSION size");
_Static_assert(sizeof(DEVICE_OBJECT) == INTERLOCK_DEVICE_OBJECT_SIZE, "DEVICE_OBJECT size");
_Static_assert(offsetof(DEVICE_OBJECT, DriverObject) == INTERLOCK_DEVICE_OBJECT_DRIVER_OBJECT, "DriverObject");
_Static_assert(offsetof(DEVICE_OBJECT, NextDevice) == INTERLOCK_DEVICE_OBJECT_NEXT_DEVICE, "NextDevice");
_Static_assert(offsetof(DEVICE_OBJECT, Flags) == INTERLOCK_DEVICE_OBJECT_FLAGS, "Flags");
_Static_assert(offsetof(DEVICE_OBJECT, DeviceExtension) == INTERLOCK_DEVICE_OBJECT_DEVICE_EXTENSION, "DeviceExtension");
_Static_assert(offsetof(DEVICE_OBJECT, DeviceType) == INTERLOCK_DEVICE_OBJECT_DEVICE_TYPE, "DeviceType");
_Static_assert(sizeof(KLOCK_QUEUE_HANDLE) == INTERLOCK_KLOCK_QUEUE_HANDLE_SIZE, "KLOCK_QUEUE_HANDLE size");
_Static_assert(offsetof(KLOCK_QUEUE_HANDLE, LockQueue.Lock) == INTERLOCK_KLOCK_QUEUE_HANDLE_LOCK, "LockQueue.Lock");
_Static_assert(offsetof(KLOCK_QUEUE_HANDLE, OldIrql) == INTERLOCK_KLOCK_QUEUE_HANDLE_OLD_IRQL, "OldIrql");
_Static_assert(sizeof(UNICODE_STRING) == INTERLOCK_UNICODE_STRING_SIZE, "UNICODE_STRING size");
_Static_assert(offsetof(DEVICE_OBJECT, StackSize) == INTERLOCK_DEVICE_OBJECT_STACK_SIZE, "StackSize");
_Static_assert(sizeof(IRP) == INTERLOCK_IRP_SIZE, "IRP size");
_Static_assert(offsetof(IRP, IoStatus) == INTERLOCK_IRP_IO_STATUS, "IoStatus");
_Static_assert(offsetof(IRP, PendingReturned) == INTERLOCK_IRP_PENDING_RETURNED, "PendingReturned");
_Static_assert(offsetof(IRP, StackCount) == INTERLOCK_IRP_STACK_COUNT, "StackCount");
_Static_assert(offsetof(IRP, CurrentLocation) == INTERLOCK_IRP_CURRENT_LOCATION, "CurrentLocation");
_Static_assert(offsetof(IRP, Cancel) == INTERLOCK_IRP_CANCEL, "Cancel");
_Static_assert(offsetof(IRP, CancelIrql) == INTERLOCK_IRP_CANCEL_IRQL, "CancelIrql");
_Static_assert(offsetof(IRP, CancelRoutine) == INTERLOCK_IRP_CANCEL_ROUTINE, "CancelRoutine");
_Static_assert(offsetof(IRP, Tail.Overlay.DriverContext) == INTERLOCK_IRP_DRIVER_CONTEXT, "DriverContext");
_Static_assert(offsetof(IRP, Tail.Overlay.ListEntry) == INTERLOCK_IRP_LIST_ENTRY, "ListEntry");
_Static_assert(offsetof(IRP, Tail.Overlay.CurrentStackLocation) == INTERLOCK_IRP_CURRENT_STACK_LOCATION, "CurrentStackLocation");
_Static_assert(sizeof(IO_STACK_LOCATION) == INTERLOCK_IO_STACK_LOCATION_SIZE, "IO_STACK_LOCATION size");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters) == INTERLOCK_IO_STACK_LOCATION_PARAMETERS, "Parameters");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.Read.Length) == INTERLOCK_IO_STACK_LOCATION_READ_LENGTH, "Read.Length");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.Write.Length) == INTERLOCK_IO_STACK_LOCATION_READ_LENGTH, "Write.Length");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.DeviceIoControl.OutputBufferLength) ==
                   INTERLOCK_IO_STACK_LOCATION_IOCTL_OUTPUT_LENGTH, "DeviceIoControl.OutputBufferLength");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.DeviceIoControl.InputBufferLength) ==
                   INTERLOCK_IO_STACK_LOCATION_IOCTL_INPUT_LENGTH, "DeviceIoControl.InputBufferLength");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.DeviceIoControl.IoControlCode) ==
                   INTERLOCK_IO_STACK_LOCATION_IOCTL_CODE, "DeviceIoControl.IoControlCode");
_Static_assert(offsetof(IO_STACK_LOCATION, DeviceObject) == INTERLOCK_IO_STACK_LOCATION_DEVICE_OBJECT, "DeviceObject");
_Static_assert(offsetof(IO_STACK_LOCATION, CompletionRoutine) == INTERLOCK_IO_STACK_LOCATION_COMPLETION_ROUTINE, "CompletionRoutine");
_Static_assert(offsetof(IO_STACK_LOCATION, Context) == INTERLOCK_IO_STACK_LOCATION_CONTEXT, "Context");
_Static_assert(sizeof(IO_CSQ) == INTERLOCK_IO_CSQ_SIZE, "IO_CSQ size");
_Static_assert(sizeof(IO_CSQ_IRP_CONTEXT) == INTERLOCK_IO_CSQ_IRP_CONTEXT_SIZE, "IO_CSQ_IRP_CONTEXT size");
_Static_assert(sizeof(IO_REMOVE_LOCK) == INTERLOCK_IO_REMOVE_LOCK_SIZE, "IO_REMOVE_LOCK size");

/* The WDK's x64 sizes of the objects the models sit beside. */
_Static_assert(sizeof(ULONG) == 4 && sizeof(LONG) == 4, "LLP64: LONG and ULONG are 32 bits");
_Static_assert(sizeof(ULONG_PTR) == sizeof(void*) && sizeof(LONG_PTR) == sizeof(void*), "pointer-sized _PTR types");
_Static_assert(sizeof(WCHAR) == 2, "WCHAR is 16 bits");
_Static_assert(sizeof(LARGE_INTEGER) == 8, "LARGE_INTEGER");
_Static_assert(sizeof(KSPIN_LOCK) == 8, "KSPIN_LOCK");
_Static_assert(sizeof(KEVENT) == 0x18, "KEVENT");
_Static_assert(sizeof(KSEMAPHORE) == 0x20, "KSEMAPHORE");
_Static_assert(sizeof(KMUTEX) == 0x38, "KMUTEX");
_Static_assert(sizeof(FAST_MUTEX) == 0x38, "FAST_MUTEX");
_Static_assert(sizeof(KGUARDED_MUTEX) == 0x38, "KGUARDED_MUTEX");
_Static_assert(sizeof(ERESOURCE) == 0x68, "ERESOURCE");
_Static_assert(sizeof(EX_PUSH_LOCK) == 8, "EX_PUSH_LOCK");
_Static_assert(sizeof(EX_RUNDOWN_REF) == 8, "EX_RUNDOWN_REF");
_Static_assert(sizeof(IO_STATUS_BLOCK) == 0x10, "IO_STATUS_BLOCK");
_Static_assert(sizeof(LIST_ENTRY) == 0x10, "LIST_ENTRY");
