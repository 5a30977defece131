/* Every header a WDM driver includes, compiled as a driver's .c file is: no warning. */
#include <wdm.h>
#include <ntddk.h>
#include <ntifs.h>
#include <fltKernel.h>

#ifdef ALLOC_PRAGMA
#pragma alloc_text(PAGE, HeadersDispatch)
#endif

DRIVER_DISPATCH HeadersDispatch;

NTSTATUS HeadersDispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp) {
  PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
  UNICODE_STRING name = RTL_CONSTANT_STRING(L"\\Device\\Headers");
  LARGE_INTEGER when;
  LIST_ENTRY head;
  UNREFERENCED_PARAMETER(DeviceObject);
  PAGED_CODE();
  when.QuadPart = -10000;
  InitializeListHead(&head);
  Irp->IoStatus.Status = STATUS_SUCCESS;
  Irp->IoStatus.Information = name.Length + (ULONG_PTR)when.LowPart + stack->MajorFunction;
  return IsListEmpty(&head) ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}

_Static_assert(sizeof(ULONG) == 4, "ULONG is 32 bits under LLP64");
_Static_assert(sizeof(LONG_PTR) == sizeof(void*), "LONG_PTR is pointer-sized");
