// A test program of its own, compiled with -mavx512f (tests/CMakeLists.txt): values the compiler
// keeps in the registers AVX-512 adds (zmm16-31, mask registers k1-k7) survive fiber switches
// while the other fiber overwrites them. Not a doctest case: nothing of this file may run on a
// CPU without AVX-512F, and doctest registers its cases before main() could check.
#include "interlock/core/StackPool.hpp"
#include "interlock/core/detail/Fiber.hpp"

#include <immintrin.h>

#include <cstdint>
#include <cstdio>

namespace {

constexpr int kSwitches = 64;

struct Scribbler {
  interlock::Fiber* self = nullptr;
};

// The other fiber: sets every high vector and mask register to all ones between its switches,
// as any code the scheduler runs meanwhile may.
void scribble(void* argument) {
  auto& scribbler = *static_cast<Scribbler*>(argument);
  for (int i = 0; i < kSwitches; ++i) {
    asm volatile(
        "vpternlogd $0xff, %%zmm16, %%zmm16, %%zmm16\n\t"
        "vpternlogd $0xff, %%zmm17, %%zmm17, %%zmm17\n\t"
        "vpternlogd $0xff, %%zmm18, %%zmm18, %%zmm18\n\t"
        "vpternlogd $0xff, %%zmm19, %%zmm19, %%zmm19\n\t"
        "vpternlogd $0xff, %%zmm20, %%zmm20, %%zmm20\n\t"
        "vpternlogd $0xff, %%zmm21, %%zmm21, %%zmm21\n\t"
        "vpternlogd $0xff, %%zmm22, %%zmm22, %%zmm22\n\t"
        "vpternlogd $0xff, %%zmm23, %%zmm23, %%zmm23\n\t"
        "vpternlogd $0xff, %%zmm24, %%zmm24, %%zmm24\n\t"
        "vpternlogd $0xff, %%zmm25, %%zmm25, %%zmm25\n\t"
        "vpternlogd $0xff, %%zmm26, %%zmm26, %%zmm26\n\t"
        "vpternlogd $0xff, %%zmm27, %%zmm27, %%zmm27\n\t"
        "vpternlogd $0xff, %%zmm28, %%zmm28, %%zmm28\n\t"
        "vpternlogd $0xff, %%zmm29, %%zmm29, %%zmm29\n\t"
        "vpternlogd $0xff, %%zmm30, %%zmm30, %%zmm30\n\t"
        "vpternlogd $0xff, %%zmm31, %%zmm31, %%zmm31\n\t"
        "kxnorw %%k0, %%k0, %%k1\n\t"
        "kxnorw %%k0, %%k0, %%k2\n\t"
        "kxnorw %%k0, %%k0, %%k3\n\t"
        "kxnorw %%k0, %%k0, %%k4\n\t"
        "kxnorw %%k0, %%k0, %%k5\n\t"
        "kxnorw %%k0, %%k0, %%k6\n\t"
        "kxnorw %%k0, %%k0, %%k7\n\t"
        :
        :
        : "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23",
          "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31",
          "k1", "k2", "k3", "k4", "k5", "k6", "k7");
    scribbler.self->suspend();
  }
}

// Keeps 32 vectors and 7 masks live in registers across every switch to the scribbler and back:
// as many as AVX-512 has, so the compiler puts some in zmm16-31, and the masks in k1-k7.
// Returns how many values came back changed.
[[gnu::noinline]] int changedAcrossSwitches() {
  interlock::StackPool pool;
  Scribbler scribbler;
  interlock::Fiber fiber(pool, &scribble, &scribbler);
  scribbler.self = &fiber;
  __m512i v0 = _mm512_set1_epi32(1);
  __m512i v1 = _mm512_set1_epi32(2);
  __m512i v2 = _mm512_set1_epi32(3);
  __m512i v3 = _mm512_set1_epi32(4);
  __m512i v4 = _mm512_set1_epi32(5);
  __m512i v5 = _mm512_set1_epi32(6);
  __m512i v6 = _mm512_set1_epi32(7);
  __m512i v7 = _mm512_set1_epi32(8);
  __m512i v8 = _mm512_set1_epi32(9);
  __m512i v9 = _mm512_set1_epi32(10);
  __m512i v10 = _mm512_set1_epi32(11);
  __m512i v11 = _mm512_set1_epi32(12);
  __m512i v12 = _mm512_set1_epi32(13);
  __m512i v13 = _mm512_set1_epi32(14);
  __m512i v14 = _mm512_set1_epi32(15);
  __m512i v15 = _mm512_set1_epi32(16);
  __m512i v16 = _mm512_set1_epi32(17);
  __m512i v17 = _mm512_set1_epi32(18);
  __m512i v18 = _mm512_set1_epi32(19);
  __m512i v19 = _mm512_set1_epi32(20);
  __m512i v20 = _mm512_set1_epi32(21);
  __m512i v21 = _mm512_set1_epi32(22);
  __m512i v22 = _mm512_set1_epi32(23);
  __m512i v23 = _mm512_set1_epi32(24);
  __m512i v24 = _mm512_set1_epi32(25);
  __m512i v25 = _mm512_set1_epi32(26);
  __m512i v26 = _mm512_set1_epi32(27);
  __m512i v27 = _mm512_set1_epi32(28);
  __m512i v28 = _mm512_set1_epi32(29);
  __m512i v29 = _mm512_set1_epi32(30);
  __m512i v30 = _mm512_set1_epi32(31);
  __m512i v31 = _mm512_set1_epi32(32);
  __mmask16 k1 = static_cast<__mmask16>(0x1111 * 1);
  __mmask16 k2 = static_cast<__mmask16>(0x1111 * 2);
  __mmask16 k3 = static_cast<__mmask16>(0x1111 * 3);
  __mmask16 k4 = static_cast<__mmask16>(0x1111 * 4);
  __mmask16 k5 = static_cast<__mmask16>(0x1111 * 5);
  __mmask16 k6 = static_cast<__mmask16>(0x1111 * 6);
  __mmask16 k7 = static_cast<__mmask16>(0x1111 * 7);
  int changed = 0;
  for (int round = 0; round < kSwitches; ++round) {
    // Each value is in a register on both sides of the switch: where the switch declares the
    // register clobbered, the compiler saves it; where not, the scribbler overwrites it.
    asm volatile("" : "+v"(v0), "+v"(v1), "+v"(v2), "+v"(v3), "+v"(v4), "+v"(v5), "+v"(v6), "+v"(v7));
    asm volatile("" : "+v"(v8), "+v"(v9), "+v"(v10), "+v"(v11), "+v"(v12), "+v"(v13), "+v"(v14), "+v"(v15));
    asm volatile("" : "+v"(v16), "+v"(v17), "+v"(v18), "+v"(v19), "+v"(v20), "+v"(v21), "+v"(v22), "+v"(v23));
    asm volatile("" : "+v"(v24), "+v"(v25), "+v"(v26), "+v"(v27), "+v"(v28), "+v"(v29), "+v"(v30), "+v"(v31));
    asm volatile("" : "+k"(k1), "+k"(k2), "+k"(k3), "+k"(k4), "+k"(k5), "+k"(k6), "+k"(k7));
    fiber.resume();
    asm volatile("" : "+v"(v0), "+v"(v1), "+v"(v2), "+v"(v3), "+v"(v4), "+v"(v5), "+v"(v6), "+v"(v7));
    asm volatile("" : "+v"(v8), "+v"(v9), "+v"(v10), "+v"(v11), "+v"(v12), "+v"(v13), "+v"(v14), "+v"(v15));
    asm volatile("" : "+v"(v16), "+v"(v17), "+v"(v18), "+v"(v19), "+v"(v20), "+v"(v21), "+v"(v22), "+v"(v23));
    asm volatile("" : "+v"(v24), "+v"(v25), "+v"(v26), "+v"(v27), "+v"(v28), "+v"(v29), "+v"(v30), "+v"(v31));
    asm volatile("" : "+k"(k1), "+k"(k2), "+k"(k3), "+k"(k4), "+k"(k5), "+k"(k6), "+k"(k7));
    alignas(64) std::int32_t lanes[16];
    const __m512i values[] = {v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15,
                              v16, v17, v18, v19, v20, v21, v22, v23, v24, v25, v26, v27, v28, v29, v30, v31};
    for (int r = 0; r < 32; ++r) {
      _mm512_store_si512(lanes, values[r]);
      for (std::int32_t lane : lanes) changed += lane != r + 1;
    }
    const __mmask16 masks[] = {k1, k2, k3, k4, k5, k6, k7};
    for (int m = 0; m < 7; ++m) changed += masks[m] != static_cast<__mmask16>(0x1111 * (m + 1));
  }
  while (!fiber.finished()) fiber.resume();
  return changed;
}

}  // namespace

int main() {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx512f")) {
    std::puts("skipped: this CPU has no AVX-512F");
    return 0;
  }
  const int changed = changedAcrossSwitches();
  if (changed != 0) {
    std::printf("FAIL: %d vector lanes and masks changed across fiber switches\n", changed);
    return 1;
  }
  std::printf("32 vectors and 7 masks kept their values across %d switches each way\n", kSwitches);
  return 0;
}
