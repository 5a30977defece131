/* fltKernel.h: a minifilter's header. The filter manager's push-lock wrappers are modelled;
 * the rest of the filter manager is not declared yet. */
#ifndef INTERLOCK_FLTKERNEL_H
#define INTERLOCK_FLTKERNEL_H
#include "ntifs.h"

void FltInitializePushLock(PEX_PUSH_LOCK PushLock);
void FltAcquirePushLockExclusive(PEX_PUSH_LOCK PushLock);
void FltAcquirePushLockShared(PEX_PUSH_LOCK PushLock);
void FltReleasePushLock(PEX_PUSH_LOCK PushLock);
void FltDeletePushLock(PEX_PUSH_LOCK PushLock);
#endif
