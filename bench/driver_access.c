/* Instrumented accesses for race_access.cpp: built as interlock_add_driver builds a driver
 * (ThreadSanitizer instrumentation, no libtsan), so each access below calls __tsan_write4. */
#include <ntddk.h>

ULONG g_Tracked[1024];

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  UNREFERENCED_PARAMETER(DriverObject);
  UNREFERENCED_PARAMETER(RegistryPath);
  return STATUS_SUCCESS;
}

/* `count` writes to the driver's own data: tracked by the race detector. */
void BenchWriteTracked(ULONG count) {
  ULONG i;
  for (i = 0; i < count; ++i) g_Tracked[i & 1023] = i;
}

/* `count` writes through a pointer the caller passes (its stack): instrumented, not tracked. */
void BenchWriteUntracked(ULONG* memory, ULONG count) {
  ULONG i;
  for (i = 0; i < count; ++i) memory[i & 1023] = i;
}
