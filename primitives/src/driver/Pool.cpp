// The pool routines as wdm.h declares them, over the execution's arena (Kernel): blocks stay
// until the execution ends, so double frees and frees of unknown pointers are found, and
// allocations still live when the driver unloads are leaks.
#include "Kernel.hpp"

#include "interlock/primitives/Call.hpp"

#include <cstdint>

namespace {

using interlock::driver::detail::Kernel;

constexpr std::uint64_t kPoolFlagUninitialized = 0x2;
constexpr std::uint64_t kPoolFlagNonPaged = 0x40;
constexpr std::uint64_t kPoolFlagNonPagedExecute = 0x80;
constexpr std::uint64_t kPoolFlagPaged = 0x100;
constexpr std::uint64_t kRequiredFlags = 0xFFFFFFFFull;  // the known required flags are in the low half
constexpr std::uint64_t kKnownRequired = 0x1 | 0x2 | 0x4 | 0x8 | 0x20 | kPoolFlagNonPaged |
                                         kPoolFlagNonPagedExecute | kPoolFlagPaged;

void* allocate(const char* api, std::size_t size, std::uint32_t tag) {
  (void)interlock::wdm::detail::localCall();  // pool routines run on a thread, not in setup
  if (tag == 0)
    interlock::wdm::detail::contractViolation("PoolTagZero", 0x9B,
                                              std::string(api) + " with a zero pool tag");
  return Kernel::current().allocate(size, tag);
}

}  // namespace

extern "C" {

void* ExAllocatePool2(std::uint64_t Flags, std::size_t NumberOfBytes, std::uint32_t Tag) {
  // ExAllocatePool2 stops the machine on a required flag it does not know, and on no pool type.
  const std::uint64_t types = Flags & (kPoolFlagNonPaged | kPoolFlagNonPagedExecute | kPoolFlagPaged);
  if ((Flags & kRequiredFlags & ~kKnownRequired) != 0 || types == 0 || (types & (types - 1)) != 0) {
    interlock::wdm::detail::bugCheck("BadPoolCaller", 0xC2,
                                     "ExAllocatePool2 with flags that name no single pool type or an unknown required flag");
    return nullptr;
  }
  (void)kPoolFlagUninitialized;  // zeroed or not, the arena's blocks start zeroed
  return allocate("ExAllocatePool2", NumberOfBytes, Tag);
}
void* ExAllocatePoolWithTag(int PoolType, std::size_t NumberOfBytes, std::uint32_t Tag) {
  (void)PoolType;
  return allocate("ExAllocatePoolWithTag", NumberOfBytes, Tag);
}
void* ExAllocatePoolZero(int PoolType, std::size_t NumberOfBytes, std::uint32_t Tag) {
  (void)PoolType;
  return allocate("ExAllocatePoolZero", NumberOfBytes, Tag);
}
void* ExAllocatePool(int PoolType, std::size_t NumberOfBytes) {
  (void)PoolType;
  (void)interlock::wdm::detail::localCall();
  return Kernel::current().allocate(NumberOfBytes, 0x656E6F4E);  // 'None', the kernel's own tag for it
}
void ExFreePoolWithTag(void* P, std::uint32_t Tag) {
  (void)interlock::wdm::detail::localCall();
  Kernel::current().free(P, Tag, true, "ExFreePoolWithTag");
}
void ExFreePool(void* P) {
  (void)interlock::wdm::detail::localCall();
  Kernel::current().free(P, 0, false, "ExFreePool");
}

}  // extern "C"
