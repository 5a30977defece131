// Lookaside lists as wdm.h declares them (NPAGED_, PAGED_ and LOOKASIDE_LIST_EX). Windows caches
// freed entries; the model does not, so that every entry is a pool block of its own: an entry
// never freed is a leak at unload, one freed twice or to a list it did not come from is bug
// check 0xC2, as for pool. The list's own model sits beside the driver's list, keyed by address.
#include "Kernel.hpp"

#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/Call.hpp"

#include <cstdint>
#include <string>

namespace {

namespace wd = interlock::wdm::detail;
using interlock::driver::detail::Kernel;

using Allocate = void* (*)(int poolType, std::size_t size, std::uint32_t tag);
using Free = void (*)(void* buffer);
using AllocateEx = void* (*)(int poolType, std::size_t size, std::uint32_t tag, void* lookaside);
using FreeEx = void (*)(void* buffer, void* lookaside);

// The driver's own allocate and free routines, if it gave them.
struct Routines {
  Allocate allocate = nullptr;
  Free free = nullptr;
  AllocateEx allocateEx = nullptr;
  FreeEx freeEx = nullptr;
};

class LookasideList final : public interlock::KernelObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "LOOKASIDE_LIST"; }
  [[nodiscard]] bool isLock() const noexcept override { return false; }
  std::size_t size = 0;
  std::uint32_t tag = 0;
  int poolType = 0;
  Routines routines;
  bool deleted = false;
};

void initialize(void* list, std::size_t size, std::uint32_t tag, int poolType, const char* api, Routines routines) {
  (void)wd::localCall();
  if (list == nullptr) throw interlock::ScenarioError(std::string(api) + " with no lookaside list");
  LookasideList& model = Kernel::current().make<LookasideList>(list, "LOOKASIDE_LIST");
  model.size = size;
  model.tag = tag;
  model.poolType = poolType;
  model.routines = routines;
  if (tag == 0) wd::contractViolation("PoolTagZero", 0x9B, std::string(api) + " with a zero pool tag", &model);
  wd::recordCall(api, &model, nullptr, nullptr);
}

// The list's model; nullptr (after reporting) when it was never initialized or is deleted.
LookasideList* listAt(void* list, const char* api) {
  (void)wd::localCall();
  LookasideList* model = Kernel::current().find<LookasideList>(list);
  if (model == nullptr) {
    wd::contractViolation("LookasideListNotInitialized", 0,
                          std::string(api) + " on a lookaside list never initialized");
    return nullptr;
  }
  if (model->deleted) {
    wd::contractViolation("LookasideListDeleted", 0, std::string(api) + " on " + model->name() + ", which was deleted",
                          model);
    return nullptr;
  }
  return model;
}

void* allocateFrom(void* list, const char* api) {
  LookasideList* model = listAt(list, api);
  if (model == nullptr) return nullptr;
  if (model->routines.allocateEx != nullptr) return model->routines.allocateEx(model->poolType, model->size, model->tag, list);
  if (model->routines.allocate != nullptr) return model->routines.allocate(model->poolType, model->size, model->tag);
  return Kernel::current().allocate(model->size, model->tag, "lookaside");
}

void freeTo(void* list, void* entry, const char* api) {
  LookasideList* model = listAt(list, api);
  if (model == nullptr) return;
  if (model->routines.freeEx != nullptr) return model->routines.freeEx(entry, list);
  if (model->routines.free != nullptr) return model->routines.free(entry);
  Kernel::current().free(entry, model->tag, true, api);
}

void deleteList(void* list, const char* api) {
  LookasideList* model = listAt(list, api);
  if (model == nullptr) return;
  // Windows frees the cached entries; entries still allocated stay the driver's (a leak if
  // never freed).
  model->deleted = true;
  wd::recordCall(api, model, nullptr, nullptr);
}

}  // namespace

extern "C" {

void ExInitializeNPagedLookasideList(void* Lookaside, Allocate AllocateRoutine, Free FreeRoutine, std::uint32_t Flags,
                                     std::size_t Size, std::uint32_t Tag, std::uint16_t Depth) {
  (void)Flags, (void)Depth;
  initialize(Lookaside, Size, Tag, 0, "ExInitializeNPagedLookasideList",
             Routines{.allocate = AllocateRoutine, .free = FreeRoutine});
}
void ExDeleteNPagedLookasideList(void* Lookaside) { deleteList(Lookaside, "ExDeleteNPagedLookasideList"); }
void* ExAllocateFromNPagedLookasideList(void* Lookaside) {
  return allocateFrom(Lookaside, "ExAllocateFromNPagedLookasideList");
}
void ExFreeToNPagedLookasideList(void* Lookaside, void* Entry) {
  freeTo(Lookaside, Entry, "ExFreeToNPagedLookasideList");
}

void ExInitializePagedLookasideList(void* Lookaside, Allocate AllocateRoutine, Free FreeRoutine, std::uint32_t Flags,
                                    std::size_t Size, std::uint32_t Tag, std::uint16_t Depth) {
  (void)Flags, (void)Depth;
  initialize(Lookaside, Size, Tag, 1, "ExInitializePagedLookasideList",
             Routines{.allocate = AllocateRoutine, .free = FreeRoutine});
}
void ExDeletePagedLookasideList(void* Lookaside) { deleteList(Lookaside, "ExDeletePagedLookasideList"); }
void* ExAllocateFromPagedLookasideList(void* Lookaside) {
  return allocateFrom(Lookaside, "ExAllocateFromPagedLookasideList");
}
void ExFreeToPagedLookasideList(void* Lookaside, void* Entry) { freeTo(Lookaside, Entry, "ExFreeToPagedLookasideList"); }

std::int32_t ExInitializeLookasideListEx(void* Lookaside, AllocateEx AllocateRoutine, FreeEx FreeRoutine, int PoolType,
                                         std::uint32_t Flags, std::size_t Size, std::uint32_t Tag,
                                         std::uint16_t Depth) {
  (void)Flags, (void)Depth;
  initialize(Lookaside, Size, Tag, PoolType, "ExInitializeLookasideListEx",
             Routines{.allocateEx = AllocateRoutine, .freeEx = FreeRoutine});
  return 0;
}
void ExDeleteLookasideListEx(void* Lookaside) { deleteList(Lookaside, "ExDeleteLookasideListEx"); }
void* ExAllocateFromLookasideListEx(void* Lookaside) { return allocateFrom(Lookaside, "ExAllocateFromLookasideListEx"); }
void ExFreeToLookasideListEx(void* Lookaside, void* Entry) { freeTo(Lookaside, Entry, "ExFreeToLookasideListEx"); }

}  // extern "C"
