/* wdm.h for checking a WDM driver's own C source with Interlock on Linux (gcc or clang,
 * -std=gnu11). The types have the WDK's x64 (LLP64) sizes; the kernel routines are Interlock's
 * models (docs/checking-driver-source.md says which exist). Pure C: never include it from C++. */
#ifndef INTERLOCK_WDM_H
#define INTERLOCK_WDM_H

#ifdef __cplusplus
#error "wdm.h is Interlock's C header for driver sources; a C++ harness uses <interlock/driver/Driver.hpp>"
#endif
#if !defined(__x86_64__) && !defined(__aarch64__)
#error "Interlock's wdm.h models the WDK's 64-bit layout: build the driver for a 64-bit target"
#endif

#include "interlock-wdk/types.h"
#include "interlock-wdk/list.h"
#include "interlock-wdk/rtl.h"
#include "interlock-wdk/sync.h"
#include "interlock-wdk/pool.h"
#include "interlock-wdk/irp.h"
#include "interlock-wdk/io.h"
#include "interlock-wdk/dpc.h"
#include "interlock-wdk/thread.h"

#endif /* INTERLOCK_WDM_H */
