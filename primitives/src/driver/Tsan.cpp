// Interlock's own runtime for the ThreadSanitizer instrumentation driver code is compiled with
// (interlock_add_driver: -fsanitize=thread when compiling, not when linking, so libtsan is never
// loaded): every entry point gcc 12 and clang 14 emit for C, routed to the race detector.
// Plain accesses are checked; volatile ones are MSVC's acquire (read) and release (write);
// atomic ones (the Interlocked routines) synchronize on their address and are done natively.
// The entry points' names are the compiler's: macros make the one-per-size families.
#include "Kernel.hpp"
#include "RaceDetector.hpp"

#include <cstddef>
#include <cstdint>

using interlock::driver::detail::RaceDetector;

namespace {

[[gnu::always_inline]] inline void plain(const volatile void* address, std::size_t size, bool write, void* pc) {
  if (RaceDetector* races = RaceDetector::active(); races != nullptr) [[unlikely]]
    races->access(reinterpret_cast<std::uintptr_t>(address), size, write, reinterpret_cast<std::uintptr_t>(pc));
}

[[gnu::always_inline]] inline void acquire(const volatile void* address) {
  if (RaceDetector* races = RaceDetector::active(); races != nullptr) [[unlikely]]
    races->acquire(reinterpret_cast<std::uintptr_t>(address));
}

[[gnu::always_inline]] inline void release(const volatile void* address) {
  if (RaceDetector* races = RaceDetector::active(); races != nullptr) [[unlikely]]
    races->release(reinterpret_cast<std::uintptr_t>(address));
}

// An atomic read-modify-write: acquires what earlier ones released, releases to later ones.
[[gnu::always_inline]] inline void both(const volatile void* address) {
  acquire(address);
  release(address);
}

using a8 = std::int8_t;
using a16 = std::int16_t;
using a32 = std::int32_t;
using a64 = std::int64_t;

}  // namespace

extern "C" {

// The instrumentation's constructor and function markers: the detector needs none of them.
void __tsan_init() {}
void __tsan_func_entry(void* caller) { (void)caller; }
void __tsan_func_exit() {}
void __tsan_ignore_thread_begin() {}
void __tsan_ignore_thread_end() {}

#define INTERLOCK_TSAN_ACCESS(size)                                                                        \
  void __tsan_read##size(void* p) { plain(p, size, false, __builtin_return_address(0)); }                  \
  void __tsan_write##size(void* p) { plain(p, size, true, __builtin_return_address(0)); }                  \
  void __tsan_unaligned_read##size(void* p) { plain(p, size, false, __builtin_return_address(0)); }        \
  void __tsan_unaligned_write##size(void* p) { plain(p, size, true, __builtin_return_address(0)); }        \
  void __tsan_read##size##_pc(void* p, void* pc) { plain(p, size, false, pc); }                            \
  void __tsan_write##size##_pc(void* p, void* pc) { plain(p, size, true, pc); }                            \
  void __tsan_volatile_read##size(void* p) { acquire(p); }                                                 \
  void __tsan_volatile_write##size(void* p) { release(p); }                                                \
  void __tsan_unaligned_volatile_read##size(void* p) { acquire(p); }                                       \
  void __tsan_unaligned_volatile_write##size(void* p) { release(p); }
INTERLOCK_TSAN_ACCESS(1)
INTERLOCK_TSAN_ACCESS(2)
INTERLOCK_TSAN_ACCESS(4)
INTERLOCK_TSAN_ACCESS(8)
INTERLOCK_TSAN_ACCESS(16)
#undef INTERLOCK_TSAN_ACCESS

// gcc's form of an inlined memcpy or memset.
void __tsan_read_range(void* p, std::size_t size) { plain(p, size, false, __builtin_return_address(0)); }
void __tsan_write_range(void* p, std::size_t size) { plain(p, size, true, __builtin_return_address(0)); }

void __tsan_atomic_thread_fence(int order) {
  (void)order;
  if (RaceDetector* races = RaceDetector::active(); races != nullptr) races->fence();
}
void __tsan_atomic_signal_fence(int order) { (void)order; }  // a compiler barrier: no ordering between threads

#define INTERLOCK_TSAN_ATOMIC(bits)                                                                          \
  a##bits __tsan_atomic##bits##_load(const volatile a##bits* a, int mo) {                                  \
    (void)mo;                                                                                                \
    acquire(a);                                                                                              \
    return __atomic_load_n(a, __ATOMIC_SEQ_CST);                                                             \
  }                                                                                                          \
  void __tsan_atomic##bits##_store(volatile a##bits* a, a##bits v, int mo) {                               \
    (void)mo;                                                                                                \
    release(a);                                                                                              \
    __atomic_store_n(a, v, __ATOMIC_SEQ_CST);                                                                \
  }                                                                                                          \
  a##bits __tsan_atomic##bits##_exchange(volatile a##bits* a, a##bits v, int mo) {                        \
    (void)mo;                                                                                                \
    both(a);                                                                                                 \
    return __atomic_exchange_n(a, v, __ATOMIC_SEQ_CST);                                                      \
  }                                                                                                          \
  a##bits __tsan_atomic##bits##_fetch_add(volatile a##bits* a, a##bits v, int mo) {                        \
    (void)mo;                                                                                                \
    both(a);                                                                                                 \
    return __atomic_fetch_add(a, v, __ATOMIC_SEQ_CST);                                                       \
  }                                                                                                          \
  a##bits __tsan_atomic##bits##_fetch_sub(volatile a##bits* a, a##bits v, int mo) {                        \
    (void)mo;                                                                                                \
    both(a);                                                                                                 \
    return __atomic_fetch_sub(a, v, __ATOMIC_SEQ_CST);                                                       \
  }                                                                                                          \
  a##bits __tsan_atomic##bits##_fetch_and(volatile a##bits* a, a##bits v, int mo) {                        \
    (void)mo;                                                                                                \
    both(a);                                                                                                 \
    return __atomic_fetch_and(a, v, __ATOMIC_SEQ_CST);                                                       \
  }                                                                                                          \
  a##bits __tsan_atomic##bits##_fetch_or(volatile a##bits* a, a##bits v, int mo) {                         \
    (void)mo;                                                                                                \
    both(a);                                                                                                 \
    return __atomic_fetch_or(a, v, __ATOMIC_SEQ_CST);                                                        \
  }                                                                                                          \
  a##bits __tsan_atomic##bits##_fetch_xor(volatile a##bits* a, a##bits v, int mo) {                        \
    (void)mo;                                                                                                \
    both(a);                                                                                                 \
    return __atomic_fetch_xor(a, v, __ATOMIC_SEQ_CST);                                                       \
  }                                                                                                          \
  a##bits __tsan_atomic##bits##_fetch_nand(volatile a##bits* a, a##bits v, int mo) {                       \
    (void)mo;                                                                                                \
    both(a);                                                                                                 \
    return __atomic_fetch_nand(a, v, __ATOMIC_SEQ_CST);                                                      \
  }                                                                                                          \
  int __tsan_atomic##bits##_compare_exchange_strong(volatile a##bits* a, a##bits* c, a##bits v, int mo,    \
                                                     int fmo) {                                              \
    (void)mo, (void)fmo;                                                                                     \
    both(a);                                                                                                 \
    return __atomic_compare_exchange_n(a, c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);                  \
  }                                                                                                          \
  int __tsan_atomic##bits##_compare_exchange_weak(volatile a##bits* a, a##bits* c, a##bits v, int mo,      \
                                                   int fmo) {                                                \
    (void)mo, (void)fmo;                                                                                     \
    both(a);                                                                                                 \
    return __atomic_compare_exchange_n(a, c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);                  \
  }                                                                                                          \
  a##bits __tsan_atomic##bits##_compare_exchange_val(volatile a##bits* a, a##bits c, a##bits v, int mo,    \
                                                      int fmo) {                                             \
    (void)mo, (void)fmo;                                                                                     \
    both(a);                                                                                                 \
    __atomic_compare_exchange_n(a, &c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);                        \
    return c;                                                                                                \
  }
INTERLOCK_TSAN_ATOMIC(8)
INTERLOCK_TSAN_ATOMIC(16)
INTERLOCK_TSAN_ATOMIC(32)
INTERLOCK_TSAN_ATOMIC(64)
#undef INTERLOCK_TSAN_ATOMIC

}  // extern "C"
