#include "interlock/core/StackPool.hpp"

#include "interlock/core/detail/Sanitizer.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

namespace interlock {

StackPool::StackPool(std::size_t stackSize)
    : stackSize_(stackSize), pageSize_(static_cast<std::size_t>(::sysconf(_SC_PAGESIZE))) {
  stackSize_ = (stackSize_ + pageSize_ - 1) / pageSize_ * pageSize_;
  free_.reserve(16);
}

StackPool::~StackPool() {
  for (void* base : free_) ::munmap(base, stackSize_ + pageSize_);
}

FiberStack StackPool::allocate() {
  void* base = nullptr;
  if (!free_.empty()) {
    base = free_.back();
    free_.pop_back();
  } else {
    base = ::mmap(nullptr, stackSize_ + pageSize_, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) throw std::bad_alloc();
    ::mprotect(base, pageSize_, PROT_NONE);  // guard page: overflow faults instead of corrupting
    ++mapped_;
  }
  char* bottom = static_cast<char*>(base) + pageSize_;
  // A stack abandoned by an exception may still carry ASan redzones of its old frames.
  sanitizer::unpoison(bottom, stackSize_);
  return FiberStack{bottom + stackSize_, stackSize_};
}

void StackPool::deallocate(const FiberStack& stack) noexcept {
  char* base = static_cast<char*>(stack.sp) - stack.size - pageSize_;
  free_.push_back(base);  // reserve()d and reused: no reallocation in steady state
}

}  // namespace interlock
