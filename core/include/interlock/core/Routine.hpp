#pragma once
// A thread body or APC routine: a move-only `void()` callable kept inline when its captures fit
// (nearly all do), so the threads an execution creates each run allocate nothing; a larger one
// goes to the heap. std::function keeps 16 bytes inline, too few for most bodies; 96 bytes hold
// four ObjectArray views and an index (bench/filesystem's threads).
#include <concepts>
#include <cstddef>
#include <functional>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace interlock {

class Routine {
 public:
  static constexpr std::size_t kInlineBytes = 96;

  Routine() noexcept = default;
  Routine(std::nullptr_t) noexcept {}  // NOLINT(google-explicit-constructor): like std::function
  template <typename F>
    requires(!std::same_as<std::remove_cvref_t<F>, Routine> && std::invocable<std::decay_t<F>&>)
  Routine(F&& f) {  // NOLINT(google-explicit-constructor): a lambda is a routine
    using D = std::decay_t<F>;
    // An empty std::function or a null function pointer makes an empty routine.
    if constexpr (std::is_same_v<D, std::function<void()>>) {
      if (!f) return;
    } else if constexpr (std::is_pointer_v<D>) {
      if (f == nullptr) return;
    }
    if constexpr (fitsInline<D>()) {
      ::new (static_cast<void*>(buffer_)) D(std::forward<F>(f));
      ops_ = &kInlineOps<D>;
    } else {
      ::new (static_cast<void*>(buffer_)) std::unique_ptr<D>(std::make_unique<D>(std::forward<F>(f)));
      ops_ = &kBoxedOps<D>;
    }
  }
  Routine(Routine&& other) noexcept { take(other); }
  Routine& operator=(Routine&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  Routine& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }
  Routine(const Routine&) = delete;
  Routine& operator=(const Routine&) = delete;
  ~Routine() { reset(); }

  void operator()() const { ops_->call(buffer_); }  // calls a routine that is not empty
  explicit operator bool() const noexcept { return ops_ != nullptr; }

 private:
  struct Ops {
    void (*call)(void* target);
    void (*relocate)(void* from, void* to) noexcept;  // move-construct into `to`, destroy `from`
    void (*destroy)(void* target) noexcept;
  };

  template <typename D>
  static constexpr bool fitsInline() {
    return sizeof(D) <= kInlineBytes && alignof(D) <= alignof(std::max_align_t) &&
           std::is_nothrow_move_constructible_v<D>;
  }
  template <typename S>
  static void relocate(void* from, void* to) noexcept {
    ::new (to) S(std::move(*static_cast<S*>(from)));
    static_cast<S*>(from)->~S();
  }
  template <typename S>
  static void destroy(void* target) noexcept {
    static_cast<S*>(target)->~S();
  }
  template <typename D>
  static constexpr Ops kInlineOps{[](void* target) { (*static_cast<D*>(target))(); }, &relocate<D>,
                                  &destroy<D>};
  template <typename D>
  static constexpr Ops kBoxedOps{[](void* target) { (**static_cast<std::unique_ptr<D>*>(target))(); },
                                 &relocate<std::unique_ptr<D>>, &destroy<std::unique_ptr<D>>};

  void take(Routine& other) noexcept {
    if (other.ops_ == nullptr) return;
    other.ops_->relocate(other.buffer_, buffer_);
    ops_ = std::exchange(other.ops_, nullptr);
  }
  void reset() noexcept {
    if (ops_ != nullptr) std::exchange(ops_, nullptr)->destroy(buffer_);
  }

  alignas(std::max_align_t) mutable std::byte buffer_[kInlineBytes];
  const Ops* ops_ = nullptr;
};

}  // namespace interlock
