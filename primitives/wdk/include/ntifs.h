/* ntifs.h: a file-system driver's header; it includes ntddk.h as the WDK's does. */
#ifndef INTERLOCK_NTIFS_H
#define INTERLOCK_NTIFS_H
#include "ntddk.h"
#endif
