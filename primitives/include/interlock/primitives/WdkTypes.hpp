#pragma once
// The WDK's basic types and constants, so scenarios read like driver code.
#include "interlock/core/Ids.hpp"

#include <cstdint>

namespace interlock::wdm {

using BOOLEAN = std::uint8_t;
inline constexpr BOOLEAN TRUE = 1;
inline constexpr BOOLEAN FALSE = 0;
using UCHAR = std::uint8_t;
using LONG = std::int32_t;
using ULONG = std::uint32_t;
using PVOID = void*;
using NTSTATUS = std::int32_t;
using KIRQL = interlock::Irql;
using PKIRQL = KIRQL*;

inline constexpr KIRQL PASSIVE_LEVEL = interlock::kPassiveLevel;
inline constexpr KIRQL APC_LEVEL = interlock::kApcLevel;
inline constexpr KIRQL DISPATCH_LEVEL = interlock::kDispatchLevel;

inline constexpr NTSTATUS STATUS_SUCCESS = 0;
[[nodiscard]] constexpr bool NT_SUCCESS(NTSTATUS status) noexcept { return status >= 0; }
[[nodiscard]] constexpr bool NT_ERROR(NTSTATUS status) noexcept {
  return (static_cast<std::uint32_t>(status) >> 30) == 3;
}

using LONGLONG = std::int64_t;
using ULONG_PTR = std::uintptr_t;
using PULONG = ULONG*;
using HANDLE = void*;
using PHANDLE = HANDLE*;
union LARGE_INTEGER {
  LONGLONG QuadPart;
};
using PLARGE_INTEGER = LARGE_INTEGER*;

// Dispatcher objects and waits (kernel-rules.md §3.5, §3.6).
using KPRIORITY = LONG;
inline constexpr KPRIORITY IO_NO_INCREMENT = 0;
using CCHAR = std::int8_t;
using KPROCESSOR_MODE = CCHAR;
enum MODE : CCHAR { KernelMode, UserMode, MaximumMode };
enum EVENT_TYPE : std::uint8_t { NotificationEvent, SynchronizationEvent };
enum WAIT_TYPE : std::uint8_t { WaitAll, WaitAny };
enum KWAIT_REASON : std::uint8_t {
  Executive, FreePage, PageIn, PoolAllocation, DelayExecution, Suspended, UserRequest,
  WrExecutive, WrFreePage, WrPageIn, WrPoolAllocation, WrDelayExecution, WrSuspended,
  WrUserRequest,
};
inline constexpr NTSTATUS STATUS_WAIT_0 = 0;
inline constexpr NTSTATUS STATUS_ABANDONED = 0x80;  // STATUS_ABANDONED_WAIT_0
inline constexpr NTSTATUS STATUS_TIMEOUT = 0x102;
inline constexpr NTSTATUS STATUS_MUTANT_NOT_OWNED = static_cast<NTSTATUS>(0xC0000046u);
inline constexpr NTSTATUS STATUS_MUTANT_LIMIT_EXCEEDED = static_cast<NTSTATUS>(0xC0000191u);
inline constexpr LONG MINLONG = static_cast<LONG>(0x80000000u);
inline constexpr NTSTATUS STATUS_SEMAPHORE_LIMIT_EXCEEDED = static_cast<NTSTATUS>(0xC0000047u);
inline constexpr NTSTATUS STATUS_CANCELLED = static_cast<NTSTATUS>(0xC0000120u);

}  // namespace interlock::wdm
