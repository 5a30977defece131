/* A driver whose routines each do one thing the bridge must answer as Windows would; the
 * scenarios in bridge_harness.cpp call them one at a time. */
#include <ntddk.h>

#define TEST_TAG 'tseT'

typedef struct _EXTENSION {
  ULONG Padding;
  KSPIN_LOCK Lock;
} EXTENSION, *PEXTENSION;

KSPIN_LOCK g_NeverInitialized;
KSPIN_LOCK g_LockA;
ERESOURCE g_Resource;
LONG g_Counter = 7;
static ULONG g_Zeroed;
struct {
  ULONG Header;
  FAST_MUTEX Mutex;
} g_State;

static VOID TestUnload(_In_ PDRIVER_OBJECT DriverObject) { IoDeleteDevice(DriverObject->DeviceObject); }

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath) {
  PDEVICE_OBJECT device;
  PEXTENSION ext;
  UNREFERENCED_PARAMETER(RegistryPath);
  /* Every execution starts from the image as loaded: the values the source gives. */
  ASSERT(g_Counter == 7 && g_Zeroed == 0);
  g_Counter = 0;
  g_Zeroed = 1;
  KeInitializeSpinLock(&g_LockA);
  ExInitializeFastMutex(&g_State.Mutex);
  if (!NT_SUCCESS(IoCreateDevice(DriverObject, sizeof(EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device)))
    return STATUS_UNSUCCESSFUL;
  ext = (PEXTENSION)device->DeviceExtension;
  KeInitializeSpinLock(&ext->Lock);
  DriverObject->DriverUnload = TestUnload;
  return STATUS_SUCCESS;
}

void TestUseUninitializedSpinLock(void) {
  KIRQL irql;
  KeAcquireSpinLock(&g_NeverInitialized, &irql);
  KeReleaseSpinLock(&g_NeverInitialized, irql);
}

void TestUseUninitializedResource(void) {
  KeEnterCriticalRegion();
  ExAcquireResourceExclusiveLite(&g_Resource, TRUE);
  ExReleaseResourceLite(&g_Resource);
  KeLeaveCriticalRegion();
}

void TestDoubleFree(void) {
  PVOID p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 32, TEST_TAG);
  ExFreePoolWithTag(p, TEST_TAG);
  ExFreePoolWithTag(p, TEST_TAG);
}

void TestFreeUnknown(void) {
  static UCHAR notPool[16];
  ExFreePool(notPool);
}

void TestLeak(void) { (void)ExAllocatePool2(POOL_FLAG_PAGED, 24, TEST_TAG); }

void TestFreeLiveResource(void) {
  PERESOURCE resource = (PERESOURCE)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(ERESOURCE), TEST_TAG);
  ExInitializeResourceLite(resource);
  ExFreePoolWithTag(resource, TEST_TAG);
}

void TestPoolEventAndQueuedLock(void) {
  KLOCK_QUEUE_HANDLE handle;
  PKEVENT event = (PKEVENT)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(KEVENT), TEST_TAG);
  KeInitializeEvent(event, NotificationEvent, FALSE);
  KeSetEvent(event, IO_NO_INCREMENT, FALSE);
  KeWaitForSingleObject(event, Executive, KernelMode, FALSE, NULL);
  KeAcquireInStackQueuedSpinLock(&g_LockA, &handle);
  InterlockedIncrement(&g_Counter);
  KeReleaseInStackQueuedSpinLock(&handle);
  ExFreePoolWithTag(event, TEST_TAG);
}

/* The two orders of g_LockA and the device extension's lock. */
void TestGlobalThenExtension(PDEVICE_OBJECT DeviceObject) {
  PEXTENSION ext = (PEXTENSION)DeviceObject->DeviceExtension;
  KIRQL irql;
  KeAcquireSpinLock(&g_LockA, &irql);
  KeAcquireSpinLockAtDpcLevel(&ext->Lock);
  KeReleaseSpinLockFromDpcLevel(&ext->Lock);
  KeReleaseSpinLock(&g_LockA, irql);
}
void TestExtensionThenGlobal(PDEVICE_OBJECT DeviceObject) {
  PEXTENSION ext = (PEXTENSION)DeviceObject->DeviceExtension;
  KIRQL irql;
  KeAcquireSpinLock(&ext->Lock, &irql);
  KeAcquireSpinLockAtDpcLevel(&g_LockA);
  KeReleaseSpinLockFromDpcLevel(&g_LockA);
  KeReleaseSpinLock(&ext->Lock, irql);
}

/* A fast mutex inside a global struct: named by the struct's symbol and its offset. */
void TestStructMember(void) {
  ExAcquireFastMutex(&g_State.Mutex);
  ExAcquireFastMutex(&g_State.Mutex);  /* recursive: a fast mutex is not (§3.4) */
}

/* A work item queued while it is still queued: bug check 0xE4. */
static VOID TestWorkRoutine(_In_ PDEVICE_OBJECT DeviceObject, _In_opt_ PVOID Context) {
  UNREFERENCED_PARAMETER(DeviceObject);
  InterlockedIncrement((PLONG)Context);
}
void TestWorkItemQueuedTwice(PDEVICE_OBJECT DeviceObject) {
  PIO_WORKITEM item = IoAllocateWorkItem(DeviceObject);
  IoQueueWorkItem(item, TestWorkRoutine, DelayedWorkQueue, &g_Counter);
  IoQueueWorkItem(item, TestWorkRoutine, DelayedWorkQueue, &g_Counter);
}
/* Queued once, run, then freed by the routine's caller after a wait: passes. */
static KEVENT g_WorkDone;
static VOID TestSignalRoutine(_In_ PDEVICE_OBJECT DeviceObject, _In_opt_ PVOID Context) {
  UNREFERENCED_PARAMETER(DeviceObject);
  UNREFERENCED_PARAMETER(Context);
  KeSetEvent(&g_WorkDone, IO_NO_INCREMENT, FALSE);
}
void TestWorkItemRuns(PDEVICE_OBJECT DeviceObject) {
  PIO_WORKITEM item = IoAllocateWorkItem(DeviceObject);
  KeInitializeEvent(&g_WorkDone, NotificationEvent, FALSE);
  IoQueueWorkItem(item, TestSignalRoutine, DelayedWorkQueue, NULL);
  KeWaitForSingleObject(&g_WorkDone, Executive, KernelMode, FALSE, NULL);
  IoFreeWorkItem(item);
}

/* A dispatch routine that completes its IRP: compiles and links; the call is not modelled yet. */
/* A DPC, and a timer whose expiry queues it: the routine runs at DISPATCH_LEVEL with the
 * context and arguments it was given, and signals the waiting thread. */
static KDPC g_Dpc;
static KTIMER g_Timer;
static KEVENT g_DpcRan;
static LONG g_DpcRuns;

static VOID CountDpc(_In_ PKDPC Dpc, _In_opt_ PVOID Context, _In_opt_ PVOID Argument1, _In_opt_ PVOID Argument2) {
  UNREFERENCED_PARAMETER(Argument2);
  ASSERT(Dpc == &g_Dpc && Context == &g_DpcRuns);
  ASSERT(KeGetCurrentIrql() == DISPATCH_LEVEL);
  ASSERT(Argument1 == NULL || Argument1 == &g_Timer);
  InterlockedIncrement((LONG*)Context);
  KeSetEvent(&g_DpcRan, 0, FALSE);
}

void TestDpcRuns(void) {
  KeInitializeEvent(&g_DpcRan, NotificationEvent, FALSE);
  KeInitializeDpc(&g_Dpc, CountDpc, &g_DpcRuns);
  ASSERT(KeInsertQueueDpc(&g_Dpc, &g_Timer, NULL));
  KeWaitForSingleObject(&g_DpcRan, Executive, KernelMode, FALSE, NULL);
  KeFlushQueuedDpcs();
  ASSERT(g_DpcRuns == 1);
}

void TestTimerQueuesDpc(void) {
  LARGE_INTEGER due;
  due.QuadPart = -10 * 1000 * 10; /* 10 ms, relative */
  KeInitializeEvent(&g_DpcRan, NotificationEvent, FALSE);
  KeInitializeDpc(&g_Dpc, CountDpc, &g_DpcRuns);
  KeInitializeTimer(&g_Timer);
  ASSERT(!KeSetTimer(&g_Timer, due, &g_Dpc));
  KeWaitForSingleObject(&g_Timer, Executive, KernelMode, FALSE, NULL);
  KeWaitForSingleObject(&g_DpcRan, Executive, KernelMode, FALSE, NULL);
  ASSERT(!KeCancelTimer(&g_Timer));
}

/* Queues the DPC and returns: the unload that follows does not remove or flush it. */
void TestDpcLeftQueued(void) {
  KeInitializeEvent(&g_DpcRan, NotificationEvent, FALSE);
  KeInitializeDpc(&g_Dpc, CountDpc, &g_DpcRuns);
  KeInsertQueueDpc(&g_Dpc, NULL, NULL);
}

/* Waits for ever on an event nobody sets: the deadlock names the event by where it lies. */
void TestWaitOnPoolEvent(void) {
  PKEVENT event = (PKEVENT)ExAllocatePool2(POOL_FLAG_NON_PAGED, 2 * sizeof(KEVENT), TEST_TAG);
  KeInitializeEvent(&event[1], NotificationEvent, FALSE);
  KeWaitForSingleObject(&event[1], Executive, KernelMode, FALSE, NULL);
}
void TestWaitOnStackEvent(void) {
  KEVENT event;
  KeInitializeEvent(&event, NotificationEvent, FALSE);
  KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
}
