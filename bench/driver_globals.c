/* A driver with 64 KiB of globals (32 KiB initialized, 32 KiB zero), for driver_restore.cpp. */
#include <ntddk.h>

UCHAR g_Table[32 * 1024] = {1};
UCHAR g_Scratch[32 * 1024];

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  UNREFERENCED_PARAMETER(DriverObject);
  UNREFERENCED_PARAMETER(RegistryPath);
  return STATUS_SUCCESS;
}

/* Dirties the whole image, as a busy driver would, so each restore copies real changes. */
void BenchTouch(void) {
  ULONG i;
  for (i = 0; i < sizeof g_Table; i += 64) {
    ++g_Table[i];
    ++g_Scratch[i];
  }
}
