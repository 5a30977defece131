/* Structured exception handling, which gcc and clang do not have on Linux: the build must stop
 * with a message naming the construct and the way around it. */
#include <ntddk.h>

NTSTATUS Probe(PVOID Buffer) {
  __try {
    *(volatile UCHAR*)Buffer = 0;
  } __except (1) {
    return STATUS_ACCESS_VIOLATION;
  }
  return STATUS_SUCCESS;
}
