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

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  UNREFERENCED_PARAMETER(DriverObject);
  UNREFERENCED_PARAMETER(RegistryPath);
  KeInitializeSpinLock(&g_Lock);
  KeInitializeEvent(&g_Ready, NotificationEvent, FALSE);
  KeInitializeEvent(&g_CountedB, NotificationEvent, FALSE);
  return STATUS_SUCCESS;
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
