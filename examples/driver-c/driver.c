/* example.sys: a small WDM driver written the way such drivers are. Its IOCTLs queue work on a
 * spin-lock-guarded list in the device extension, change a setting guarded by an ERESOURCE and
 * read statistics. A polling system thread waits on an event and applies the queued work to the
 * setting, counting it under a global fast mutex. Reads wait in a cancel-safe queue; the device
 * has their data a short interval after a read arrives, so a read arms a one-shot timer whose
 * DPC completes the waiting reads at DISPATCH_LEVEL. Every dispatch routine holds the device's remove lock while it
 * works on the device; IRP_MN_REMOVE_DEVICE fails the queued reads, then releases the lock and
 * waits until no I/O holds it. Unload waits for the handlers in flight (rundown protection),
 * cancels the timer, flushes its DPC, stops the thread and frees everything.
 *
 * Seeded bugs, one per compile definition (examples/driver-c/README.md):
 *   EXAMPLE_BUG_NO_CRITICAL_REGION  ExampleSetConfig takes the ERESOURCE outside a critical region
 *   EXAMPLE_BUG_LOCK_ORDER          ExampleQueryStats takes the locks in the poll thread's reverse order
 *   EXAMPLE_BUG_LEAK                the poll thread stops before draining the queue
 *   EXAMPLE_BUG_CANCEL_RACE         the read dispatch routine completes a cancelled read that the
 *                                   cancel-safe queue completes too
 *   EXAMPLE_BUG_DATA_RACE           ExampleQueryStats reads a flag the poll thread clears under
 *                                   QueueLock without taking the lock
 *   EXAMPLE_BUG_DPC_AFTER_UNLOAD    the unload cancels the read timer but does not flush its DPC,
 *                                   which may still be queued when the image goes
 *   EXAMPLE_BUG_REMOVE_RACE         the read dispatch routine arms the timer after queueing the
 *                                   read without a remove-lock hold of its own: the device may be
 *                                   removed and the driver unloaded by then */
#include <ntddk.h>

#define EXAMPLE_TAG 'lpxE'
#define EXAMPLE_READ_DELAY (-10 * 1000 * 2)  /* 2 ms, relative, in 100 ns units */

typedef struct _WORK_ENTRY {
  LIST_ENTRY Link;
  ULONG Value;
} WORK_ENTRY, *PWORK_ENTRY;

#define IOCTL_EXAMPLE_QUEUE_WORK CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_EXAMPLE_SET_CONFIG CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_EXAMPLE_QUERY_STATS CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _DEVICE_EXTENSION {
  KSPIN_LOCK QueueLock;     /* guards Queue and ReadIrps */
  LIST_ENTRY Queue;
  IO_CSQ ReadQueue;         /* the pending reads, in ReadIrps */
  LIST_ENTRY ReadIrps;
  KTIMER ReadTimer;         /* armed by a read; its DPC completes the waiting reads */
  KDPC ReadDpc;
  IO_REMOVE_LOCK RemoveLock;
  ERESOURCE ConfigLock;     /* guards ConfigValue */
  ULONG ConfigValue;
  KEVENT WorkEvent;         /* set when work is queued or the thread must stop */
  volatile BOOLEAN Stopping;  /* read without a lock: volatile, release and acquire on x64 */
  PKTHREAD PollThread;
#ifdef EXAMPLE_BUG_DATA_RACE
  BOOLEAN WorkPending;        /* guarded by QueueLock: Queue is not empty */
#endif
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD ExampleUnload;
static KSTART_ROUTINE ExamplePollThread;
static KDEFERRED_ROUTINE ExampleReadDpc;
static DRIVER_DISPATCH ExampleRead;
static DRIVER_DISPATCH ExampleDeviceControl;
static DRIVER_DISPATCH ExampleCreateClose;
static DRIVER_DISPATCH ExamplePnp;
static IO_CSQ_INSERT_IRP ExampleCsqInsert;
static IO_CSQ_REMOVE_IRP ExampleCsqRemove;
static IO_CSQ_PEEK_NEXT_IRP ExampleCsqPeekNext;
static IO_CSQ_ACQUIRE_LOCK ExampleCsqAcquireLock;
static IO_CSQ_RELEASE_LOCK ExampleCsqReleaseLock;
static IO_CSQ_COMPLETE_CANCELED_IRP ExampleCsqCompleteCanceled;

static EX_RUNDOWN_REF g_Rundown;  /* requests in flight; unload waits for them */
static FAST_MUTEX g_StatsLock;     /* guards g_Processed */
static ULONG g_Processed;
LONG g_RequestCount;               /* requests accepted since load */
static BOOLEAN g_Loaded;

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, DriverEntry)
#pragma alloc_text(PAGE, ExampleUnload)
#endif

/* The cancel-safe queue's callbacks: the library calls the first three holding QueueLock. */
static VOID ExampleCsqInsert(_In_ PIO_CSQ Csq, _In_ PIRP Irp) {
  PDEVICE_EXTENSION ext = CONTAINING_RECORD(Csq, DEVICE_EXTENSION, ReadQueue);
  InsertTailList(&ext->ReadIrps, &Irp->Tail.Overlay.ListEntry);
}

static VOID ExampleCsqRemove(_In_ PIO_CSQ Csq, _In_ PIRP Irp) {
  UNREFERENCED_PARAMETER(Csq);
  RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
}

static PIRP ExampleCsqPeekNext(_In_ PIO_CSQ Csq, _In_opt_ PIRP Irp, _In_opt_ PVOID PeekContext) {
  PDEVICE_EXTENSION ext = CONTAINING_RECORD(Csq, DEVICE_EXTENSION, ReadQueue);
  PLIST_ENTRY next = Irp != NULL ? Irp->Tail.Overlay.ListEntry.Flink : ext->ReadIrps.Flink;
  UNREFERENCED_PARAMETER(PeekContext);
  return next == &ext->ReadIrps ? NULL : CONTAINING_RECORD(next, IRP, Tail.Overlay.ListEntry);
}

static VOID ExampleCsqAcquireLock(_In_ PIO_CSQ Csq, _Out_ PKIRQL Irql) {
  KeAcquireSpinLock(&CONTAINING_RECORD(Csq, DEVICE_EXTENSION, ReadQueue)->QueueLock, Irql);
}

static VOID ExampleCsqReleaseLock(_In_ PIO_CSQ Csq, _In_ KIRQL Irql) {
  KeReleaseSpinLock(&CONTAINING_RECORD(Csq, DEVICE_EXTENSION, ReadQueue)->QueueLock, Irql);
}

static VOID ExampleCompleteRead(_In_ PDEVICE_EXTENSION ext, _In_ PIRP Irp, _In_ NTSTATUS Status) {
  Irp->IoStatus.Status = Status;
  Irp->IoStatus.Information = 0;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  IoReleaseRemoveLock(&ext->RemoveLock, Irp);  /* the read's hold, taken by ExampleRead */
}

static VOID ExampleCsqCompleteCanceled(_In_ PIO_CSQ Csq, _In_ PIRP Irp) {
  ExampleCompleteRead(CONTAINING_RECORD(Csq, DEVICE_EXTENSION, ReadQueue), Irp, STATUS_CANCELLED);
}

/* The read timer's DPC, at DISPATCH_LEVEL: the device has data for every waiting read. The
 * queue's lock is a spin lock and IoCompleteRequest is callable here. */
static VOID ExampleReadDpc(_In_ PKDPC Dpc, _In_opt_ PVOID Context, _In_opt_ PVOID Argument1, _In_opt_ PVOID Argument2) {
  PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;
  UNREFERENCED_PARAMETER(Dpc);
  UNREFERENCED_PARAMETER(Argument1);
  UNREFERENCED_PARAMETER(Argument2);
  for (;;) {
    PIRP irp = IoCsqRemoveNextIrp(&ext->ReadQueue, NULL);
    if (irp == NULL) break;
    ExampleCompleteRead(ext, irp, STATUS_SUCCESS);
  }
}

static VOID ExamplePollThread(_In_ PVOID Context) {
  PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;
  for (;;) {
    KeWaitForSingleObject(&ext->WorkEvent, Executive, KernelMode, FALSE, NULL);
#ifdef EXAMPLE_BUG_LEAK
    if (ext->Stopping) break;  /* bug: what was queued before the stop is never freed */
#endif
    for (;;) {
      KIRQL oldIrql;
      PLIST_ENTRY link = NULL;
      PWORK_ENTRY entry;
      KeAcquireSpinLock(&ext->QueueLock, &oldIrql);
      if (!IsListEmpty(&ext->Queue)) link = RemoveHeadList(&ext->Queue);
#ifdef EXAMPLE_BUG_DATA_RACE
      if (IsListEmpty(&ext->Queue)) ext->WorkPending = FALSE;
#endif
      KeReleaseSpinLock(&ext->QueueLock, oldIrql);
      if (link == NULL) break;
      entry = CONTAINING_RECORD(link, WORK_ENTRY, Link);
      KeEnterCriticalRegion();
      ExAcquireResourceExclusiveLite(&ext->ConfigLock, TRUE);
      ext->ConfigValue += entry->Value;
      ExAcquireFastMutex(&g_StatsLock);
      ++g_Processed;
      ExReleaseFastMutex(&g_StatsLock);
      ExReleaseResourceLite(&ext->ConfigLock);
      KeLeaveCriticalRegion();
      ExFreePoolWithTag(entry, EXAMPLE_TAG);
    }
    if (ext->Stopping) break;
  }
  PsTerminateSystemThread(STATUS_SUCCESS);
}

/* IOCTL_EXAMPLE_QUEUE_WORK. Each handler holds g_Rundown inside a critical region: a caller
 * suspended while holding it would keep the unload waiting for ever. */
NTSTATUS ExampleQueueWork(_In_ PDEVICE_OBJECT DeviceObject, _In_ ULONG Value) {
  PDEVICE_EXTENSION ext;
  PWORK_ENTRY entry;
  KIRQL oldIrql;
  NTSTATUS status = STATUS_SUCCESS;
  KeEnterCriticalRegion();
  if (!ExAcquireRundownProtection(&g_Rundown)) {
    KeLeaveCriticalRegion();
    return STATUS_DELETE_PENDING;
  }
  ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
  entry = (PWORK_ENTRY)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(WORK_ENTRY), EXAMPLE_TAG);
  if (entry != NULL) {
    entry->Value = Value;
    KeAcquireSpinLock(&ext->QueueLock, &oldIrql);
    InsertTailList(&ext->Queue, &entry->Link);
#ifdef EXAMPLE_BUG_DATA_RACE
    ext->WorkPending = TRUE;
#endif
    KeReleaseSpinLock(&ext->QueueLock, oldIrql);
    KeSetEvent(&ext->WorkEvent, IO_NO_INCREMENT, FALSE);
    InterlockedIncrement(&g_RequestCount);
  } else {
    status = STATUS_INSUFFICIENT_RESOURCES;
  }
  ExReleaseRundownProtection(&g_Rundown);
  KeLeaveCriticalRegion();
  return status;
}

/* IOCTL_EXAMPLE_SET_CONFIG */
NTSTATUS ExampleSetConfig(_In_ PDEVICE_OBJECT DeviceObject, _In_ ULONG Value) {
  PDEVICE_EXTENSION ext;
  PAGED_CODE();
#ifndef EXAMPLE_BUG_NO_CRITICAL_REGION
  KeEnterCriticalRegion();  /* no suspension while this thread holds the rundown or the lock */
#endif
  if (!ExAcquireRundownProtection(&g_Rundown)) {
#ifndef EXAMPLE_BUG_NO_CRITICAL_REGION
    KeLeaveCriticalRegion();
#endif
    return STATUS_DELETE_PENDING;
  }
  ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
  ExAcquireResourceExclusiveLite(&ext->ConfigLock, TRUE);
  ext->ConfigValue = Value;
  ExReleaseResourceLite(&ext->ConfigLock);
  InterlockedIncrement(&g_RequestCount);
  ExReleaseRundownProtection(&g_Rundown);
#ifndef EXAMPLE_BUG_NO_CRITICAL_REGION
  KeLeaveCriticalRegion();
#endif
  return STATUS_SUCCESS;
}

/* IOCTL_EXAMPLE_QUERY_STATS */
NTSTATUS ExampleQueryStats(_In_ PDEVICE_OBJECT DeviceObject, _Out_ PULONG Processed) {
  KeEnterCriticalRegion();
  if (!ExAcquireRundownProtection(&g_Rundown)) {
    KeLeaveCriticalRegion();
    return STATUS_DELETE_PENDING;
  }
  ExAcquireFastMutex(&g_StatsLock);
  *Processed = g_Processed;
#ifdef EXAMPLE_BUG_LOCK_ORDER
  {
    /* bug: g_StatsLock then ConfigLock, where the poll thread takes ConfigLock then g_StatsLock */
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    ExAcquireResourceSharedLite(&ext->ConfigLock, TRUE);
    *Processed += ext->ConfigValue;
    ExReleaseResourceLite(&ext->ConfigLock);
  }
#elif defined(EXAMPLE_BUG_DATA_RACE)
  {
    /* bug: WorkPending is guarded by QueueLock, which this read does not take */
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    if (ext->WorkPending) *Processed = 0;  /* work in flight: the count is not final */
  }
#else
  UNREFERENCED_PARAMETER(DeviceObject);
#endif
  ExReleaseFastMutex(&g_StatsLock);
  ExReleaseRundownProtection(&g_Rundown);
  KeLeaveCriticalRegion();
  return STATUS_SUCCESS;
}

/* IRP_MJ_READ: the read waits in the cancel-safe queue until the read timer's DPC has its data.
 * Two remove-lock holds: the queued read's, released when it completes, and this routine's own
 * while it works on the device. Once queued, the read may be completed and its hold released
 * at any moment (by the DPC, a cancel or the remove), before this routine arms the timer. */
static NTSTATUS ExampleRead(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp) {
  PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
  NTSTATUS status = IoAcquireRemoveLock(&ext->RemoveLock, Irp);
#ifndef EXAMPLE_BUG_REMOVE_RACE
  if (NT_SUCCESS(status)) {
    status = IoAcquireRemoveLock(&ext->RemoveLock, Irp);  /* this routine's hold */
    if (!NT_SUCCESS(status)) IoReleaseRemoveLock(&ext->RemoveLock, Irp);  /* a remove began in between */
  }
#endif
  if (!NT_SUCCESS(status)) {
    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
  }
  IoCsqInsertIrp(&ext->ReadQueue, Irp, NULL);  /* marks it pending; it may be complete already */
#ifdef EXAMPLE_BUG_CANCEL_RACE
  if (Irp->Cancel) {
    /* bug: the queue completes a cancelled IRP itself (CsqCompleteCanceledIrp) */
    ExampleCompleteRead(ext, Irp, STATUS_CANCELLED);
  }
#endif
  {
    LARGE_INTEGER due;
    due.QuadPart = EXAMPLE_READ_DELAY;
    (void)KeSetTimer(&ext->ReadTimer, due, &ext->ReadDpc);  /* re-arming an armed timer is fine */
  }
#ifndef EXAMPLE_BUG_REMOVE_RACE
  IoReleaseRemoveLock(&ext->RemoveLock, Irp);  /* this routine's hold; Irp is only a tag here */
#endif
  return STATUS_PENDING;
}

static NTSTATUS ExampleDeviceControl(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp) {
  PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
  PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
  ULONG processed = 0;
  NTSTATUS status = IoAcquireRemoveLock(&ext->RemoveLock, Irp);
  if (NT_SUCCESS(status)) {
    switch (stack->Parameters.DeviceIoControl.IoControlCode) {
      case IOCTL_EXAMPLE_QUEUE_WORK: status = ExampleQueueWork(DeviceObject, 2); break;
      case IOCTL_EXAMPLE_SET_CONFIG: status = ExampleSetConfig(DeviceObject, 5); break;
      case IOCTL_EXAMPLE_QUERY_STATS: status = ExampleQueryStats(DeviceObject, &processed); break;
      default: status = STATUS_INVALID_DEVICE_REQUEST; break;
    }
    IoReleaseRemoveLock(&ext->RemoveLock, Irp);
  }
  Irp->IoStatus.Status = status;
  Irp->IoStatus.Information = 0;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

/* IRP_MJ_CREATE, IRP_MJ_CLOSE and IRP_MJ_CLEANUP: nothing to keep per handle. */
static NTSTATUS ExampleCreateClose(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp) {
  PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
  NTSTATUS status = IoAcquireRemoveLock(&ext->RemoveLock, Irp);
  if (NT_SUCCESS(status)) IoReleaseRemoveLock(&ext->RemoveLock, Irp);
  Irp->IoStatus.Status = status;
  Irp->IoStatus.Information = 0;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

/* IRP_MJ_PNP: on IRP_MN_REMOVE_DEVICE the queued reads fail, then the remove lock waits until
 * no dispatch routine or pending read holds the device. */
static NTSTATUS ExamplePnp(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp) {
  PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
  PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
  NTSTATUS status = IoAcquireRemoveLock(&ext->RemoveLock, Irp);
  if (!NT_SUCCESS(status)) {
    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
  }
  if (stack->MinorFunction == IRP_MN_REMOVE_DEVICE) {
    for (;;) {
      PIRP read = IoCsqRemoveNextIrp(&ext->ReadQueue, NULL);
      if (read == NULL) break;
      ExampleCompleteRead(ext, read, STATUS_DELETE_PENDING);
    }
    IoReleaseRemoveLockAndWait(&ext->RemoveLock, Irp);
  } else {
    IoReleaseRemoveLock(&ext->RemoveLock, Irp);
  }
  Irp->IoStatus.Status = STATUS_SUCCESS;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS_SUCCESS;
}

static VOID ExampleUnload(_In_ PDRIVER_OBJECT DriverObject) {
  PDEVICE_OBJECT device = DriverObject->DeviceObject;
  PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)device->DeviceExtension;
  PAGED_CODE();
  ExWaitForRundownProtectionRelease(&g_Rundown);
  (void)KeCancelTimer(&ext->ReadTimer);  /* the I/O manager sends no more reads: none re-arms it */
#ifndef EXAMPLE_BUG_DPC_AFTER_UNLOAD
  KeFlushQueuedDpcs();  /* a DPC the timer queued before the cancel may still be queued or running */
#endif
  ext->Stopping = TRUE;
  KeSetEvent(&ext->WorkEvent, IO_NO_INCREMENT, FALSE);
  KeWaitForSingleObject(ext->PollThread, Executive, KernelMode, FALSE, NULL);
  ObDereferenceObject(ext->PollThread);
  ExDeleteResourceLite(&ext->ConfigLock);
  IoDeleteDevice(device);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath) {
  UNICODE_STRING name;
  PDEVICE_OBJECT device;
  PDEVICE_EXTENSION ext;
  HANDLE thread;
  NTSTATUS status;
  UNREFERENCED_PARAMETER(RegistryPath);
  ASSERT(!g_Loaded);  /* a driver image is loaded once: its globals start as the image has them */
  g_Loaded = TRUE;

  ExInitializeRundownProtection(&g_Rundown);
  ExInitializeFastMutex(&g_StatsLock);
  RtlInitUnicodeString(&name, L"\\Device\\Example");
  status = IoCreateDevice(DriverObject, sizeof(DEVICE_EXTENSION), &name, FILE_DEVICE_UNKNOWN,
                          FILE_DEVICE_SECURE_OPEN, FALSE, &device);
  if (!NT_SUCCESS(status)) return status;
  ext = (PDEVICE_EXTENSION)device->DeviceExtension;
  KeInitializeSpinLock(&ext->QueueLock);
  InitializeListHead(&ext->Queue);
  ExInitializeResourceLite(&ext->ConfigLock);
  KeInitializeEvent(&ext->WorkEvent, SynchronizationEvent, FALSE);
  KeInitializeTimer(&ext->ReadTimer);
  KeInitializeDpc(&ext->ReadDpc, ExampleReadDpc, ext);
  InitializeListHead(&ext->ReadIrps);
  IoCsqInitialize(&ext->ReadQueue, ExampleCsqInsert, ExampleCsqRemove, ExampleCsqPeekNext, ExampleCsqAcquireLock,
                  ExampleCsqReleaseLock, ExampleCsqCompleteCanceled);
  IoInitializeRemoveLock(&ext->RemoveLock, EXAMPLE_TAG, 0, 0);

  status = PsCreateSystemThread(&thread, THREAD_ALL_ACCESS, NULL, NULL, NULL, ExamplePollThread, ext);
  if (!NT_SUCCESS(status)) {
    ExDeleteResourceLite(&ext->ConfigLock);
    IoDeleteDevice(device);
    return status;
  }
  ObReferenceObjectByHandle(thread, THREAD_ALL_ACCESS, *PsThreadType, KernelMode, (PVOID*)&ext->PollThread, NULL);
  ZwClose(thread);

  DriverObject->MajorFunction[IRP_MJ_CREATE] = ExampleCreateClose;
  DriverObject->MajorFunction[IRP_MJ_CLOSE] = ExampleCreateClose;
  DriverObject->MajorFunction[IRP_MJ_CLEANUP] = ExampleCreateClose;
  DriverObject->MajorFunction[IRP_MJ_READ] = ExampleRead;
  DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = ExampleDeviceControl;
  DriverObject->MajorFunction[IRP_MJ_PNP] = ExamplePnp;
  DriverObject->DriverUnload = ExampleUnload;
  device->Flags &= ~DO_DEVICE_INITIALIZING;
  return STATUS_SUCCESS;
}
