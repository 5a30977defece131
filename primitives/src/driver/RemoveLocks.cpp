// IO_REMOVE_LOCK as wdm.h declares it (§10), over the I/O model's: the model is kept beside the
// driver's lock, keyed by its address; Removed and IoCount are copied back after each call.
#include "IoLayout.hpp"
#include "Kernel.hpp"
#include "ObjectAt.hpp"

#include "interlock/primitives/RemoveLock.hpp"

#include <cstdint>

namespace {

namespace w = interlock::wdm;
using interlock::driver::detail::CRemoveLock;
using interlock::driver::detail::Kernel;

// The model at `lock`; one used before IoInitializeRemoveLock is made uninitialized, and the
// model's own check reports it.
w::IO_REMOVE_LOCK& removeLockAt(void* lock) {
  Kernel& kernel = Kernel::current();
  if (w::IO_REMOVE_LOCK* model = kernel.find<w::IO_REMOVE_LOCK>(lock)) return *model;
  return kernel.make<w::IO_REMOVE_LOCK>(lock, "IO_REMOVE_LOCK");
}

void copyBack(void* lock, const w::IO_REMOVE_LOCK& model) {
  auto* c = static_cast<CRemoveLock*>(lock);
  c->Removed = model.Removed ? 1 : 0;
  c->IoCount = model.IoCount;
}

}  // namespace

extern "C" {

void IoInitializeRemoveLockEx(void* Lock, std::uint32_t AllocateTag, std::uint32_t MaxLockedMinutes,
                              std::uint32_t HighWatermark, std::uint32_t RemlockSize) {
  (void)RemlockSize;
  if (Lock == nullptr) throw interlock::ScenarioError("IoInitializeRemoveLock with no Lock");
  w::IO_REMOVE_LOCK& model = interlock::driver::detail::initializedAt<w::IO_REMOVE_LOCK>(Lock, "IO_REMOVE_LOCK");
  w::IoInitializeRemoveLock(&model, AllocateTag, MaxLockedMinutes, HighWatermark);
  copyBack(Lock, model);
}

std::int32_t IoAcquireRemoveLockEx(void* RemoveLock, void* Tag, const char* File, std::uint32_t Line,
                                   std::uint32_t RemlockSize) {
  (void)File, (void)Line, (void)RemlockSize;
  if (RemoveLock == nullptr) throw interlock::ScenarioError("IoAcquireRemoveLock with no RemoveLock");
  w::IO_REMOVE_LOCK& model = removeLockAt(RemoveLock);
  const std::int32_t status = w::IoAcquireRemoveLock(&model, Tag);
  copyBack(RemoveLock, model);
  return status;
}

void IoReleaseRemoveLockEx(void* RemoveLock, void* Tag, std::uint32_t RemlockSize) {
  (void)RemlockSize;
  if (RemoveLock == nullptr) throw interlock::ScenarioError("IoReleaseRemoveLock with no RemoveLock");
  w::IO_REMOVE_LOCK& model = removeLockAt(RemoveLock);
  w::IoReleaseRemoveLock(&model, Tag);
  copyBack(RemoveLock, model);
}

void IoReleaseRemoveLockAndWaitEx(void* RemoveLock, void* Tag, std::uint32_t RemlockSize) {
  (void)RemlockSize;
  if (RemoveLock == nullptr) throw interlock::ScenarioError("IoReleaseRemoveLockAndWait with no RemoveLock");
  w::IO_REMOVE_LOCK& model = removeLockAt(RemoveLock);
  w::IoReleaseRemoveLockAndWait(&model, Tag);
  copyBack(RemoveLock, model);
}

}  // extern "C"
