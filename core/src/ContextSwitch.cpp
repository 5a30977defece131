// interlock_switch_context: Boost 1.74's jump_fcontext for x86-64 System V ELF
// (jump_x86_64_sysv_elf_gas.S) less its stmxcsr/fnstcw and ldmxcsr/fldcw. It is entered by
// detail::switchContext's jump with the return address pushed, not by a call, and leaves by
// jumping to the other context's: calls and returns stay paired, so the return-address stack
// still predicts the returns that follow a switch wherever the two threads' callers match.
// The frame keeps Boost's layout (the control words' slot is left unused), so contexts come
// from make_fcontext, whose entry this jump starts as Boost's does.
#include "interlock/core/detail/ContextSwitch.hpp"

namespace interlock::detail {

// Out of line, in this file: it is what makes the linker take this object, and with it the
// switch below, from the archive (an LTO symbol table lists no top-level assembly).
Context makeContext(void* top, std::size_t size, void (*entry)(Transfer)) noexcept {
  return boost::context::detail::make_fcontext(top, size, entry);
}

}  // namespace interlock::detail

#if defined(__x86_64__) && defined(__ELF__)
asm(R"(
    .text
    .globl interlock_switch_context
    .hidden interlock_switch_context
    .type interlock_switch_context,@function
    .align 16
interlock_switch_context:
    leaq  -0x38(%rsp), %rsp
    movq  %r12, 0x8(%rsp)
    movq  %r13, 0x10(%rsp)
    movq  %r14, 0x18(%rsp)
    movq  %r15, 0x20(%rsp)
    movq  %rbx, 0x28(%rsp)
    movq  %rbp, 0x30(%rsp)
    movq  %rsp, %rax
    movq  %rdi, %rsp
    movq  0x38(%rsp), %r8
    movq  0x8(%rsp), %r12
    movq  0x10(%rsp), %r13
    movq  0x18(%rsp), %r14
    movq  0x20(%rsp), %r15
    movq  0x28(%rsp), %rbx
    movq  0x30(%rsp), %rbp
    leaq  0x40(%rsp), %rsp
    movq  %rsi, %rdx
    movq  %rax, %rdi
    jmp   *%r8
    .size interlock_switch_context,.-interlock_switch_context
)");
#endif
