/* ntddk.h: everything of wdm.h (Interlock models no routine that only ntddk.h declares yet). */
#ifndef INTERLOCK_NTDDK_H
#define INTERLOCK_NTDDK_H
#include "wdm.h"
#endif
