/* Part of Interlock's wdm.h: strings, Rtl memory routines, debug output and ASSERT. */
#ifndef INTERLOCK_WDK_RTL_H
#define INTERLOCK_WDK_RTL_H

#include "types.h"

/* ---- Strings ---- */
typedef struct _UNICODE_STRING {
  USHORT Length;
  USHORT MaximumLength;
  PWCH Buffer;
} UNICODE_STRING, *PUNICODE_STRING;
typedef const UNICODE_STRING* PCUNICODE_STRING;

typedef struct _STRING {
  USHORT Length;
  USHORT MaximumLength;
  PCHAR Buffer;
} STRING, ANSI_STRING, *PSTRING, *PANSI_STRING;
typedef const STRING* PCANSI_STRING;

#define RTL_CONSTANT_STRING(s) \
  { sizeof(s) - sizeof((s)[0]), sizeof(s), (PWCH)(s) }

/* ---- Memory (Rtl) ---- */
#define RtlZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#define RtlSecureZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#define RtlFillMemory(Destination, Length, Fill) memset((Destination), (Fill), (Length))
#define RtlCopyMemory(Destination, Source, Length) memcpy((Destination), (Source), (Length))
#define RtlMoveMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
#define RtlEqualMemory(Destination, Source, Length) (!memcmp((Destination), (Source), (Length)))
FORCEINLINE SIZE_T RtlCompareMemory(const void* Source1, const void* Source2, SIZE_T Length) {
  const UCHAR* a = (const UCHAR*)Source1;
  const UCHAR* b = (const UCHAR*)Source2;
  SIZE_T same = 0;
  while (same < Length && a[same] == b[same]) ++same;
  return same;
}
FORCEINLINE void RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString) {
  SIZE_T length = 0;
  if (SourceString != NULL)
    while (SourceString[length] != 0) ++length;
  DestinationString->Buffer = (PWCH)SourceString;
  DestinationString->Length = (USHORT)(length * sizeof(WCHAR));
  DestinationString->MaximumLength = (USHORT)(SourceString != NULL ? (length + 1) * sizeof(WCHAR) : 0);
}
FORCEINLINE void RtlInitAnsiString(PANSI_STRING DestinationString, PCSTR SourceString) {
  SIZE_T length = SourceString != NULL ? strlen(SourceString) : 0;
  DestinationString->Buffer = (PCHAR)SourceString;
  DestinationString->Length = (USHORT)length;
  DestinationString->MaximumLength = (USHORT)(SourceString != NULL ? length + 1 : 0);
}
FORCEINLINE BOOLEAN RtlEqualUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                                          BOOLEAN CaseInSensitive) {
  USHORT i;
  if (String1->Length != String2->Length) return FALSE;
  for (i = 0; i < String1->Length / sizeof(WCHAR); ++i) {
    WCHAR a = String1->Buffer[i], b = String2->Buffer[i];
    if (CaseInSensitive) {
      if (a >= 'a' && a <= 'z') a = (WCHAR)(a - 'a' + 'A');
      if (b >= 'a' && b <= 'z') b = (WCHAR)(b - 'a' + 'A');
    }
    if (a != b) return FALSE;
  }
  return TRUE;
}
FORCEINLINE void RtlCopyUnicodeString(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString) {
  USHORT length;
  if (SourceString == NULL) {
    DestinationString->Length = 0;
    return;
  }
  length = min(DestinationString->MaximumLength, SourceString->Length);
  memcpy(DestinationString->Buffer, SourceString->Buffer, length);
  DestinationString->Length = length;
}

/* ---- Debug output and assertions ---- */
ULONG DbgPrint(PCSTR Format, ...) __attribute__((format(printf, 1, 2)));
ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...) __attribute__((format(printf, 3, 4)));
#define KdPrint(x) ((void)0)
#define KdPrintEx(x) ((void)0)
#define DPFLTR_IHVDRIVER_ID 77
#define DPFLTR_ERROR_LEVEL 0
#define DPFLTR_WARNING_LEVEL 1
#define DPFLTR_TRACE_LEVEL 2
#define DPFLTR_INFO_LEVEL 3
/* An ASSERT that fails is an Assertion finding of the execution. */
void InterlockDriverAssert(int Condition, PCSTR Text, PCSTR File, ULONG Line);
#define ASSERT(e) InterlockDriverAssert(!!(e), #e, __FILE__, __LINE__)
#define NT_ASSERT(e) ASSERT(e)
#define ASSERTMSG(m, e) InterlockDriverAssert(!!(e), m, __FILE__, __LINE__)
#define NT_VERIFY(e) ASSERT(e)

#endif /* INTERLOCK_WDK_RTL_H */
