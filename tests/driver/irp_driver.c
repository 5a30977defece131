/* A test driver for the IRP bridge: each mode is one way of handling IRP_MJ_READ (and the
 * remove path), correct or with one bug; tests/driver/irp_harness.cpp sets the mode after
 * DriverEntry and sends the requests. */
#include <ntddk.h>

#define TEST_TAG 'tprI'

enum TEST_MODE {
  ModeComplete,             /* completes the read in the dispatch routine */
  ModeCompleteTwice,        /* bug: completes it twice */
  ModePendWithoutMark,      /* bug: returns STATUS_PENDING without IoMarkIrpPending */
  ModePendToThread,         /* marks it pending; a system thread completes it */
  ModeCancelRoutineLeft,    /* bug: completes it with its cancel routine still set */
  ModeCsq,                  /* queues it in the CSQ; a system thread delivers, or it is cancelled */
  ModeCsqCompleteCancelled, /* bug: also completes a cancelled read the CSQ completes */
  ModeForward,              /* passes it to the lower device with a completion routine */
  ModeForwardNoPropagate,   /* bug: the completion routine does not propagate pending */
  ModeRemoveLock,           /* a read holds the remove lock until a thread completes it */
  ModeRemoveLockReleaseTwice, /* bug: the read's completion releases the remove lock twice */
};

typedef struct _TEST_EXTENSION {
  KSPIN_LOCK Lock;
  IO_CSQ Csq;
  LIST_ENTRY Irps;
  IO_REMOVE_LOCK RemoveLock;
  KEVENT Work;
  PIRP Pending;      /* ModePendToThread, ModeRemoveLock */
  PDEVICE_OBJECT Lower;
} TEST_EXTENSION, *PTEST_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
static LONG g_Mode;
static PDEVICE_OBJECT g_Device;
static PDEVICE_OBJECT g_Lower;
static PKTHREAD g_Worker;  /* unload waits for it */
static NPAGED_LOOKASIDE_LIST g_Lookaside;

/* Before DriverEntry: how the driver handles reads, and the device it sits over. */
void TestSetMode(LONG mode, PDEVICE_OBJECT lower) {
  g_Mode = mode;
  g_Lower = lower;
}

static VOID CsqInsert(PIO_CSQ Csq, PIRP Irp) {
  InsertTailList(&CONTAINING_RECORD(Csq, TEST_EXTENSION, Csq)->Irps, &Irp->Tail.Overlay.ListEntry);
}
static VOID CsqRemove(PIO_CSQ Csq, PIRP Irp) {
  UNREFERENCED_PARAMETER(Csq);
  RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
}
static PIRP CsqPeekNext(PIO_CSQ Csq, PIRP Irp, PVOID PeekContext) {
  PTEST_EXTENSION ext = CONTAINING_RECORD(Csq, TEST_EXTENSION, Csq);
  PLIST_ENTRY next = Irp != NULL ? Irp->Tail.Overlay.ListEntry.Flink : ext->Irps.Flink;
  UNREFERENCED_PARAMETER(PeekContext);
  return next == &ext->Irps ? NULL : CONTAINING_RECORD(next, IRP, Tail.Overlay.ListEntry);
}
static VOID CsqAcquireLock(PIO_CSQ Csq, PKIRQL Irql) { KeAcquireSpinLock(&CONTAINING_RECORD(Csq, TEST_EXTENSION, Csq)->Lock, Irql); }
static VOID CsqReleaseLock(PIO_CSQ Csq, KIRQL Irql) { KeReleaseSpinLock(&CONTAINING_RECORD(Csq, TEST_EXTENSION, Csq)->Lock, Irql); }
static VOID CsqCompleteCanceled(PIO_CSQ Csq, PIRP Irp) {
  UNREFERENCED_PARAMETER(Csq);
  Irp->IoStatus.Status = STATUS_CANCELLED;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

static VOID CancelRead(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  UNREFERENCED_PARAMETER(DeviceObject);
  IoReleaseCancelSpinLock(Irp->CancelIrql);
}

static NTSTATUS Complete(PIRP Irp, NTSTATUS Status) {
  Irp->IoStatus.Status = Status;
  Irp->IoStatus.Information = 7;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return Status;
}

static NTSTATUS ForwardDone(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context) {
  UNREFERENCED_PARAMETER(DeviceObject);
  UNREFERENCED_PARAMETER(Context);
  if (g_Mode != ModeForwardNoPropagate && Irp->PendingReturned) IoMarkIrpPending(Irp);
  return STATUS_SUCCESS;  /* STATUS_CONTINUE_COMPLETION */
}

/* The system thread of the modes that complete later: ModePendToThread, ModeCsq*, ModeRemoveLock*. */
static VOID Worker(PVOID Context) {
  PTEST_EXTENSION ext = (PTEST_EXTENSION)Context;
  PIRP irp;
  KeWaitForSingleObject(&ext->Work, Executive, KernelMode, FALSE, NULL);
  switch (g_Mode) {
    case ModeCsq:
    case ModeCsqCompleteCancelled:
      irp = IoCsqRemoveNextIrp(&ext->Csq, NULL);
      if (irp != NULL) Complete(irp, STATUS_SUCCESS);
      break;
    case ModeRemoveLock:
    case ModeRemoveLockReleaseTwice:
      irp = ext->Pending;
      Complete(irp, STATUS_SUCCESS);
      IoReleaseRemoveLock(&ext->RemoveLock, irp);
      if (g_Mode == ModeRemoveLockReleaseTwice) IoReleaseRemoveLock(&ext->RemoveLock, irp);
      break;
    default:
      Complete(ext->Pending, STATUS_END_OF_FILE);
      break;
  }
  PsTerminateSystemThread(STATUS_SUCCESS);
}

static NTSTATUS StartWorker(PTEST_EXTENSION ext) {
  HANDLE thread;
  NTSTATUS status = PsCreateSystemThread(&thread, THREAD_ALL_ACCESS, NULL, NULL, NULL, Worker, ext);
  if (!NT_SUCCESS(status)) return status;
  ObReferenceObjectByHandle(thread, THREAD_ALL_ACCESS, *PsThreadType, KernelMode, (PVOID*)&g_Worker, NULL);
  ZwClose(thread);
  return status;
}

static NTSTATUS TestRead(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  PTEST_EXTENSION ext = (PTEST_EXTENSION)DeviceObject->DeviceExtension;
  PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
  ASSERT(stack->MajorFunction == IRP_MJ_READ && stack->Parameters.Read.Length == 16);
  switch (g_Mode) {
    case ModeComplete:
      return Complete(Irp, STATUS_SUCCESS);
    case ModeCompleteTwice:
      Complete(Irp, STATUS_SUCCESS);
      return Complete(Irp, STATUS_SUCCESS);
    case ModePendWithoutMark:
      ext->Pending = Irp;
      StartWorker(ext);
      KeSetEvent(&ext->Work, IO_NO_INCREMENT, FALSE);
      return STATUS_PENDING;
    case ModePendToThread:
      IoMarkIrpPending(Irp);
      ext->Pending = Irp;
      StartWorker(ext);
      KeSetEvent(&ext->Work, IO_NO_INCREMENT, FALSE);
      return STATUS_PENDING;
    case ModeCancelRoutineLeft:
      IoSetCancelRoutine(Irp, CancelRead);
      return Complete(Irp, STATUS_SUCCESS);
    case ModeCsq:
    case ModeCsqCompleteCancelled:
      IoCsqInsertIrp(&ext->Csq, Irp, NULL);
      if (g_Mode == ModeCsqCompleteCancelled && Irp->Cancel) Complete(Irp, STATUS_CANCELLED);
      StartWorker(ext);
      KeSetEvent(&ext->Work, IO_NO_INCREMENT, FALSE);
      return STATUS_PENDING;
    case ModeForward:
    case ModeForwardNoPropagate:
      IoCopyCurrentIrpStackLocationToNext(Irp);
      IoSetCompletionRoutine(Irp, ForwardDone, NULL, TRUE, TRUE, TRUE);
      return IoCallDriver(ext->Lower, Irp);
    default: {
      NTSTATUS status = IoAcquireRemoveLock(&ext->RemoveLock, Irp);
      if (!NT_SUCCESS(status)) return Complete(Irp, status);
      IoMarkIrpPending(Irp);
      ext->Pending = Irp;
      StartWorker(ext);
      KeSetEvent(&ext->Work, IO_NO_INCREMENT, FALSE);
      return STATUS_PENDING;
    }
  }
}

/* IRP_MN_REMOVE_DEVICE: waits until no read holds the remove lock. */
static NTSTATUS TestPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  PTEST_EXTENSION ext = (PTEST_EXTENSION)DeviceObject->DeviceExtension;
  NTSTATUS status = IoAcquireRemoveLock(&ext->RemoveLock, Irp);
  if (!NT_SUCCESS(status)) return Complete(Irp, status);
  IoReleaseRemoveLockAndWait(&ext->RemoveLock, Irp);
  return Complete(Irp, STATUS_SUCCESS);
}

/* The lookaside tests: an entry from the list, freed to it once, twice or never. */
void TestLookaside(LONG frees) {
  PVOID entry;
  ExInitializeNPagedLookasideList(&g_Lookaside, NULL, NULL, 0, 48, TEST_TAG, 0);
  entry = ExAllocateFromNPagedLookasideList(&g_Lookaside);
  while (frees-- > 0) ExFreeToNPagedLookasideList(&g_Lookaside, entry);
  ExDeleteNPagedLookasideList(&g_Lookaside);
}

static VOID TestUnload(PDRIVER_OBJECT DriverObject) {
  if (g_Worker != NULL) {
    KeWaitForSingleObject(g_Worker, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(g_Worker);
  }
  IoDeleteDevice(DriverObject->DeviceObject);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  PTEST_EXTENSION ext;
  NTSTATUS status;
  UNREFERENCED_PARAMETER(RegistryPath);
  status = IoCreateDevice(DriverObject, sizeof(TEST_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &g_Device);
  if (!NT_SUCCESS(status)) return status;
  ext = (PTEST_EXTENSION)g_Device->DeviceExtension;
  KeInitializeSpinLock(&ext->Lock);
  InitializeListHead(&ext->Irps);
  KeInitializeEvent(&ext->Work, NotificationEvent, FALSE);
  IoCsqInitialize(&ext->Csq, CsqInsert, CsqRemove, CsqPeekNext, CsqAcquireLock, CsqReleaseLock, CsqCompleteCanceled);
  IoInitializeRemoveLock(&ext->RemoveLock, TEST_TAG, 0, 0);
  ext->Lower = g_Lower;
  if (g_Lower != NULL) g_Device->StackSize = (CCHAR)(g_Lower->StackSize + 1);
  DriverObject->MajorFunction[IRP_MJ_READ] = TestRead;
  DriverObject->MajorFunction[IRP_MJ_PNP] = TestPnp;
  DriverObject->DriverUnload = TestUnload;
  return STATUS_SUCCESS;
}
