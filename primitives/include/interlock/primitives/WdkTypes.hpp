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

using LONGLONG = std::int64_t;
using ULONG_PTR = std::uintptr_t;
using PULONG = ULONG*;
using HANDLE = void*;
using PHANDLE = HANDLE*;
union LARGE_INTEGER {
  LONGLONG QuadPart;
};
using PLARGE_INTEGER = LARGE_INTEGER*;

}  // namespace interlock::wdm
