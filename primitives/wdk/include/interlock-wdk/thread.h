/* Part of Interlock's wdm.h: system threads, thread objects and delays. */
#ifndef INTERLOCK_WDK_THREAD_H
#define INTERLOCK_WDK_THREAD_H

#include "io.h"

/* ---- System threads ---- */
#define THREAD_ALL_ACCESS 0x001FFFFFL
#define SYNCHRONIZE 0x00100000L
/* A new system thread runs StartRoutine(StartContext); ProcessHandle must be NULL. */
NTKERNELAPI NTSTATUS PsCreateSystemThread(PHANDLE ThreadHandle, ULONG DesiredAccess,
                                          POBJECT_ATTRIBUTES ObjectAttributes, HANDLE ProcessHandle,
                                          PCLIENT_ID ClientId, PKSTART_ROUTINE StartRoutine,
                                          PVOID StartContext);
/* Ends the calling system thread (does not return); from any other thread it fails. */
NTKERNELAPI NTSTATUS PsTerminateSystemThread(NTSTATUS ExitStatus);
NTKERNELAPI PKTHREAD KeGetCurrentThread(void);
#define PsGetCurrentThread() ((PETHREAD)KeGetCurrentThread())
extern POBJECT_TYPE* PsThreadType;
/* The thread object of a handle from PsCreateSystemThread: a dispatcher object signalled when
 * the thread ends. */
NTKERNELAPI NTSTATUS ObReferenceObjectByHandle(HANDLE Handle, ACCESS_MASK DesiredAccess,
                                               POBJECT_TYPE ObjectType, KPROCESSOR_MODE AccessMode,
                                               PVOID* Object, PVOID HandleInformation);
NTKERNELAPI LONG_PTR ObfDereferenceObject(PVOID Object);
NTKERNELAPI LONG_PTR ObfReferenceObject(PVOID Object);
#define ObDereferenceObject(o) ObfDereferenceObject(o)
#define ObReferenceObject(o) ObfReferenceObject(o)
NTSYSAPI NTSTATUS ZwClose(HANDLE Handle);
/* Interval < 0 is relative; the model takes any delay as a scheduling point. */
NTKERNELAPI NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Interval);

#endif /* INTERLOCK_WDK_THREAD_H */
