#pragma once
// The switch under Fiber: Boost.Context's fcontext. Contexts are made by Boost's make_fcontext;
// on x86-64 System V the jump is Interlock's own copy of Boost's jump_fcontext without the
// MXCSR and x87 control-word save and restore (ldmxcsr and fldcw serialize: a third of each
// switch), returning with `ret` so the CPU's return-address predictions stay paired with the
// calls (core/src/ContextSwitch.cpp). Scenario threads share the OS thread's floating-point
// modes, as Relacy's do.
#include <boost/context/detail/fcontext.hpp>

#include <cstddef>

#if defined(__x86_64__) && defined(__ELF__)
extern "C" boost::context::detail::transfer_t interlock_switch_context(boost::context::detail::fcontext_t to,
                                                                       void* data) noexcept;
#endif

namespace interlock::detail {

using Context = boost::context::detail::fcontext_t;
using Transfer = boost::context::detail::transfer_t;  // .fctx: who switched here; .data

// Continues `to`; returns when some context continues this one, with its context and data.
[[gnu::always_inline]] inline Transfer switchContext(Context to, void* data) noexcept {
#if defined(__x86_64__) && defined(__ELF__)
  return interlock_switch_context(to, data);
#else
  return boost::context::detail::jump_fcontext(to, data);
#endif
}

// A context that, switched to first, calls `entry` on the stack whose top is `top`.
[[nodiscard]] inline Context makeContext(void* top, std::size_t size, void (*entry)(Transfer)) noexcept {
  return boost::context::detail::make_fcontext(top, size, entry);
}

}  // namespace interlock::detail
