/* Driver code for the race detector's tests (race_harness.cpp): one routine pair per
 * behaviour, each the way a driver writes it, on globals of its own. */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;

static KSPIN_LOCK g_Lock;
static KEVENT g_Ready;
ULONG g_Unprotected;            /* written by two threads, no lock */
ULONG g_Locked;                 /* written by two threads under g_Lock */
ULONG g_Handed;                 /* written before g_Ready is set, then after it is waited for */
ULONG g_Payload;                /* published by an interlocked flag */
LONG g_Published;
ULONG g_VolatilePayload;        /* published by a volatile flag */
volatile LONG g_VolatileFlag;
ULONG g_Count;                  /* incremented by two threads with no lock */
static KEVENT g_CountedB;       /* set once B has incremented */
static KEVENT g_IrpHandedOver;  /* set once the read dispatch routine published its IRP */
static PIRP g_PendingIrp;       /* the pended read, for the other thread to complete */
static BOOLEAN g_WriteAfterHandOff;

static DRIVER_DISPATCH RaceRead;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  PDEVICE_OBJECT device;
  NTSTATUS status;
  UNREFERENCED_PARAMETER(RegistryPath);
  KeInitializeSpinLock(&g_Lock);
  KeInitializeEvent(&g_Ready, NotificationEvent, FALSE);
  KeInitializeEvent(&g_CountedB, NotificationEvent, FALSE);
  KeInitializeEvent(&g_IrpHandedOver, NotificationEvent, FALSE);
  status = IoCreateDevice(DriverObject, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
  if (!NT_SUCCESS(status)) return status;
  DriverObject->MajorFunction[IRP_MJ_READ] = RaceRead;
  return STATUS_SUCCESS;
}

/* A read pended and handed to another thread, which completes it: the IRP's memory is the
 * driver's to race on, as pool is. */
static NTSTATUS RaceRead(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  UNREFERENCED_PARAMETER(DeviceObject);
  IoMarkIrpPending(Irp);
  if (!g_WriteAfterHandOff) Irp->Tail.Overlay.DriverContext[0] = Irp;
  g_PendingIrp = Irp;
  KeSetEvent(&g_IrpHandedOver, IO_NO_INCREMENT, FALSE);
  if (g_WriteAfterHandOff) Irp->Tail.Overlay.DriverContext[0] = Irp;  /* the other thread owns it now */
  return STATUS_PENDING;
}

void RaceWriteIrpAfterHandOff(BOOLEAN after) { g_WriteAfterHandOff = after; }

void RaceCompleteHandedIrp(void) {
  PIRP irp;
  KeWaitForSingleObject(&g_IrpHandedOver, Executive, KernelMode, FALSE, NULL);
  irp = g_PendingIrp;
  irp->Tail.Overlay.DriverContext[0] = NULL;
  irp->IoStatus.Status = STATUS_SUCCESS;
  irp->IoStatus.Information = 0;
  IoCompleteRequest(irp, IO_NO_INCREMENT);
}

void RaceWriteUnprotected(ULONG value) { g_Unprotected = value; }

void RaceWriteLocked(ULONG value) {
  KIRQL irql;
  KeAcquireSpinLock(&g_Lock, &irql);
  g_Locked = value;
  KeReleaseSpinLock(&g_Lock, irql);
}

void RaceWriteThenSet(void) {
  g_Handed = 1;
  KeSetEvent(&g_Ready, IO_NO_INCREMENT, FALSE);
}

void RaceWaitThenWrite(void) {
  KeWaitForSingleObject(&g_Ready, Executive, KernelMode, FALSE, NULL);
  g_Handed = 2;
}

void RacePublishInterlocked(void) {
  g_Payload = 42;
  InterlockedExchange(&g_Published, 1);
}

ULONG RaceConsumeInterlocked(void) {
  if (InterlockedCompareExchange(&g_Published, 0, 0) == 1) return g_Payload;
  return 0;
}

void RacePublishVolatile(void) {
  g_VolatilePayload = 7;
  g_VolatileFlag = 1;
}

ULONG RaceConsumeVolatile(void) {
  if (g_VolatileFlag == 1) return g_VolatilePayload;
  return 0;
}

/* A lost update: both threads read 0 before either writes 1. Only a schedule that switches
 * between one thread's read and its write shows it: plain accesses are no kernel calls. */
void RaceIncrementThenCheck(void) {
  ++g_Count;
  KeWaitForSingleObject(&g_CountedB, Executive, KernelMode, FALSE, NULL);
  ASSERT(g_Count == 2);
}

void RaceIncrementThenSignal(void) {
  ++g_Count;
  KeSetEvent(&g_CountedB, IO_NO_INCREMENT, FALSE);
}
