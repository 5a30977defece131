#pragma once
// AddressSanitizer fiber-switch annotations. Without them ASan misreads an exception
// thrown on a fiber stack as a stack-buffer-underflow (Boost 1.74 fcontext).
#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define INTERLOCK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define INTERLOCK_ASAN 1
#endif
#endif

#if defined(INTERLOCK_ASAN)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace interlock::sanitizer {

inline void startSwitch(void** fakeStackSave, const void* bottom, std::size_t size) {
#if defined(INTERLOCK_ASAN)
  __sanitizer_start_switch_fiber(fakeStackSave, bottom, size);
#else
  (void)fakeStackSave, (void)bottom, (void)size;
#endif
}

inline void finishSwitch(void* fakeStack, const void** oldBottom, std::size_t* oldSize) {
#if defined(INTERLOCK_ASAN)
  __sanitizer_finish_switch_fiber(fakeStack, oldBottom, oldSize);
#else
  (void)fakeStack, (void)oldBottom, (void)oldSize;
#endif
}

inline void unpoison(void* address, std::size_t size) {
#if defined(INTERLOCK_ASAN)
  ASAN_UNPOISON_MEMORY_REGION(address, size);
#else
  (void)address, (void)size;
#endif
}

}  // namespace interlock::sanitizer
