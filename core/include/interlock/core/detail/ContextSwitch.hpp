#pragma once
// The switch under Fiber: Boost.Context's fcontext. Contexts are made by Boost's make_fcontext.
// On x86-64 System V the switch is Interlock's own copy of Boost's jump_fcontext without the
// MXCSR and x87 control-word save and restore (ldmxcsr and fldcw serialize: a third of each
// switch), entered by a jump with the return address pushed instead of by a call: it leaves by
// an indirect jump, so a call into it would never be paired with a return and the CPU's
// return-address predictions would be one off after every switch (core/src/ContextSwitch.cpp).
// Scenario threads share the OS thread's floating-point modes, as Relacy's do. Internal to the
// engine (detail/): no installed header includes it.
#include <boost/context/detail/fcontext.hpp>

#include <cstddef>

namespace interlock::detail {

using Context = boost::context::detail::fcontext_t;
using Transfer = boost::context::detail::transfer_t;  // .fctx: who switched here; .data

// A context that, switched to first, calls `entry` on the stack whose top is `top`.
[[nodiscard]] Context makeContext(void* top, std::size_t size, void (*entry)(Transfer)) noexcept;

// Continues `to`; returns when some context continues this one, with its context and data.
[[gnu::always_inline]] inline Transfer switchContext(Context to, void* data) noexcept {
#if defined(__x86_64__) && defined(__ELF__)
  register Context target asm("rdi") = to;
  register void* passed asm("rsi") = data;
  register Context from asm("rax");
  register void* received asm("rdx");
  // The red zone is stepped over: the code around may keep data below the stack pointer. Every
  // register the System V ABI lets a call clobber is clobbered, on every target the compiler
  // builds for: another thread ran meanwhile. A vector register's name covers all its widths
  // (xmm0 is ymm0 and zmm0); AVX-512 adds xmm16-31 and the mask registers, APX r16-r31.
  asm volatile(
      "subq $128, %%rsp\n\t"
      "leaq 1f(%%rip), %%rax\n\t"
      "pushq %%rax\n\t"
      "jmp interlock_switch_context\n"
      "1:\n\t"
      "addq $128, %%rsp"
      : "=r"(from), "=r"(received), "+r"(target), "+r"(passed)
      :
      : "rcx", "r8", "r9", "r10", "r11", "memory", "cc", "fpsr",
        "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
        "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
#ifdef __AVX512F__
        "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23",
        "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31",
        "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7",
#endif
#ifdef __APX_F__
        "r16", "r17", "r18", "r19", "r20", "r21", "r22", "r23",
        "r24", "r25", "r26", "r27", "r28", "r29", "r30", "r31",
#endif
        "mm0", "mm1", "mm2", "mm3", "mm4", "mm5", "mm6", "mm7",
        "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)");
  return Transfer{from, received};
#else
  return boost::context::detail::jump_fcontext(to, data);
#endif
}

}  // namespace interlock::detail
