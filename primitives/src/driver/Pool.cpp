// The pool routines as wdm.h declares them, over the execution's arena (Kernel): blocks stay
// until the execution ends, so double frees and frees of unknown pointers are found, and
// allocations still live when the driver unloads are leaks.
#include "Kernel.hpp"

#include "interlock/primitives/Call.hpp"

#include <cstdint>
#include <string>

namespace {

using interlock::driver::detail::Kernel;

constexpr std::uint64_t kPoolFlagUninitialized = 0x2;
constexpr std::uint64_t kPoolFlagNonPaged = 0x40;
constexpr std::uint64_t kPoolFlagNonPagedExecute = 0x80;
constexpr std::uint64_t kPoolFlagPaged = 0x100;
constexpr std::uint64_t kRequiredFlags = 0xFFFFFFFFull;  // the known required flags are in the low half
constexpr std::uint64_t kKnownRequired = 0x1 | 0x2 | 0x4 | 0x8 | 0x20 | kPoolFlagNonPaged |
                                         kPoolFlagNonPagedExecute | kPoolFlagPaged;

constexpr std::size_t kLargest = std::size_t{1} << 30;  // larger: the pool is out of memory

void* allocate(const char* api, std::size_t size, std::uint32_t tag) {
  (void)interlock::wdm::detail::localCall();  // pool routines run on a thread, not in setup
  if (tag == 0)  // Driver Verifier's 0x9B: an allocation without a tag
    interlock::wdm::detail::contractViolation("PoolTagZero", 0x9B, std::string(api) + " with a zero pool tag");
  if (size > kLargest) return nullptr;
  return Kernel::current().allocate(size, tag);
}

}  // namespace

extern "C" {

void* ExAllocatePool2(std::uint64_t Flags, std::size_t NumberOfBytes, std::uint32_t Tag) {
  (void)interlock::wdm::detail::localCall();
  // ExAllocatePool2 returns NULL for a zero tag, a required flag it does not know, or not
  // exactly one pool type (POOL_FLAG_RAISE_ON_FAILURE's exception is not modelled).
  const std::uint64_t types = Flags & (kPoolFlagNonPaged | kPoolFlagNonPagedExecute | kPoolFlagPaged);
  if (Tag == 0 || (Flags & kRequiredFlags & ~kKnownRequired) != 0 || types == 0 || (types & (types - 1)) != 0 ||
      NumberOfBytes > kLargest)
    return nullptr;
  (void)kPoolFlagUninitialized;  // zeroed or not, the arena's blocks start zeroed
  return Kernel::current().allocate(NumberOfBytes, Tag);
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
