// interlock_switch_context: Boost 1.74's jump_fcontext for x86-64 System V ELF
// (jump_x86_64_sysv_elf_gas.S) less its stmxcsr/fnstcw and ldmxcsr/fldcw, and ending in `ret`
// where Boost's jumps (`jmp *%r8`): the call into the switch is then paired with a return, so the
// CPU's return-address stack stays in step and the returns after a switch are predicted (with
// the jump every one of them missed). The frame keeps Boost's layout (the control words' slot
// is left unused), so contexts come from make_fcontext.
#include "interlock/core/ContextSwitch.hpp"

#if defined(__x86_64__) && defined(__ELF__)
asm(R"(
    .text
    .globl interlock_switch_context
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
    movq  0x8(%rsp), %r12
    movq  0x10(%rsp), %r13
    movq  0x18(%rsp), %r14
    movq  0x20(%rsp), %r15
    movq  0x28(%rsp), %rbx
    movq  0x30(%rsp), %rbp
    leaq  0x38(%rsp), %rsp
    movq  %rsi, %rdx
    movq  %rax, %rdi
    ret
    .size interlock_switch_context,.-interlock_switch_context
)");
#endif
