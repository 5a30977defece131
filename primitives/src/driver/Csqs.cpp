// Cancel-safe queues as wdm.h declares them (§9.3), over the I/O model's IO_CSQ: the library
// is the model's (its locking, its cancel routine, its insert and remove flows); its six
// callbacks are the driver's, kept in the driver's IO_CSQ as Windows keeps them, and called
// with the driver's IO_CSQ and IRPs.
#include "IoBridge.hpp"
#include "Kernel.hpp"
#include "ObjectAt.hpp"

#include "interlock/primitives/Csq.hpp"

#include <cstdint>
#include <string>

namespace {

namespace w = interlock::wdm;
using interlock::driver::detail::CIoCsq;
using interlock::driver::detail::CIrp;
using interlock::driver::detail::IoBridge;
using interlock::driver::detail::Kernel;

constexpr std::uint32_t kIoTypeCsq = 2;
constexpr std::uint32_t kIoTypeCsqEx = 3;

using Insert = void (*)(CIoCsq* csq, CIrp* irp);
using InsertEx = std::int32_t (*)(CIoCsq* csq, CIrp* irp, void* insertContext);

CIoCsq& driverCsq(w::PIO_CSQ csq) { return *static_cast<CIoCsq*>(csq->Owner); }

// Calls a driver callback with the C IRP, crossing into the driver and back.
template <typename Call>
auto withIrp(w::PIRP irp, Call call) {
  IoBridge& io = Kernel::current().io();
  CIrp& c = io.cIrp(*irp);
  io.toDriver(*irp);
  if constexpr (std::is_void_v<decltype(call(&c))>) {
    call(&c);
    io.fromDriver(*irp);
  } else {
    auto result = call(&c);
    io.fromDriver(*irp);
    return result;
  }
}

void insertIrp(w::PIO_CSQ csq, w::PIRP irp) {
  CIoCsq& c = driverCsq(csq);
  withIrp(irp, [&](CIrp* i) { reinterpret_cast<Insert>(c.CsqInsertIrp)(&c, i); });
}
w::NTSTATUS insertIrpEx(w::PIO_CSQ csq, w::PIRP irp, w::PVOID insertContext) {
  CIoCsq& c = driverCsq(csq);
  return withIrp(irp, [&](CIrp* i) { return reinterpret_cast<InsertEx>(c.CsqInsertIrp)(&c, i, insertContext); });
}
void removeIrp(w::PIO_CSQ csq, w::PIRP irp) {
  CIoCsq& c = driverCsq(csq);
  withIrp(irp, [&](CIrp* i) { c.CsqRemoveIrp(&c, i); });
}
w::PIRP peekNextIrp(w::PIO_CSQ csq, w::PIRP irp, w::PVOID peekContext) {
  CIoCsq& c = driverCsq(csq);
  IoBridge& io = Kernel::current().io();
  CIrp* const after = irp != nullptr ? &io.cIrp(*irp) : nullptr;
  CIrp* const next = c.CsqPeekNextIrp(&c, after, peekContext);
  return next != nullptr ? &io.model(next, "CsqPeekNextIrp's result") : nullptr;
}
void acquireLock(w::PIO_CSQ csq, w::PKIRQL irql) {
  CIoCsq& c = driverCsq(csq);
  c.CsqAcquireLock(&c, irql);
}
void releaseLock(w::PIO_CSQ csq, w::KIRQL irql) {
  CIoCsq& c = driverCsq(csq);
  c.CsqReleaseLock(&c, irql);
}
void completeCanceledIrp(w::PIO_CSQ csq, w::PIRP irp) {
  CIoCsq& c = driverCsq(csq);
  withIrp(irp, [&](CIrp* i) { c.CsqCompleteCanceledIrp(&c, i); });
}

w::IO_CSQ& initialized(void* csq, const char* api) {
  if (csq == nullptr) throw interlock::ScenarioError(std::string(api) + " with no IO_CSQ");
  if (w::IO_CSQ* model = Kernel::current().find<w::IO_CSQ>(csq)) return *model;
  throw interlock::ScenarioError(std::string(api) + " on an IO_CSQ before IoCsqInitialize or IoCsqInitializeEx");
}

std::int32_t initialize(CIoCsq* csq, std::uint32_t type, void* insert, CIoCsq&& callbacks, const char* api) {
  if (csq == nullptr) throw interlock::ScenarioError(std::string(api) + " with no IO_CSQ");
  callbacks.Type = type;
  callbacks.CsqInsertIrp = insert;
  callbacks.ReservePointer = nullptr;
  *csq = callbacks;  // the driver's IO_CSQ holds its callbacks, as on Windows
  w::IO_CSQ& model = interlock::driver::detail::initializedAt<w::IO_CSQ>(csq, "IO_CSQ");
  model.Owner = csq;
  if (type == kIoTypeCsqEx)
    return w::IoCsqInitializeEx(&model, insert != nullptr ? &insertIrpEx : nullptr,
                                callbacks.CsqRemoveIrp != nullptr ? &removeIrp : nullptr,
                                callbacks.CsqPeekNextIrp != nullptr ? &peekNextIrp : nullptr,
                                callbacks.CsqAcquireLock != nullptr ? &acquireLock : nullptr,
                                callbacks.CsqReleaseLock != nullptr ? &releaseLock : nullptr,
                                callbacks.CsqCompleteCanceledIrp != nullptr ? &completeCanceledIrp : nullptr);
  return w::IoCsqInitialize(&model, insert != nullptr ? &insertIrp : nullptr,
                            callbacks.CsqRemoveIrp != nullptr ? &removeIrp : nullptr,
                            callbacks.CsqPeekNextIrp != nullptr ? &peekNextIrp : nullptr,
                            callbacks.CsqAcquireLock != nullptr ? &acquireLock : nullptr,
                            callbacks.CsqReleaseLock != nullptr ? &releaseLock : nullptr,
                            callbacks.CsqCompleteCanceledIrp != nullptr ? &completeCanceledIrp : nullptr);
}

w::PIO_CSQ_IRP_CONTEXT contextFor(void* context) {
  return context != nullptr ? &Kernel::current().io().csqContext(context) : nullptr;
}

// The driver's IRP for the model's, back across (NULL stays NULL).
void* toDriver(w::PIRP irp) {
  if (irp == nullptr) return nullptr;
  IoBridge& io = Kernel::current().io();
  io.toDriver(*irp);
  return &io.cIrp(*irp);
}

}  // namespace

extern "C" {

using RemoveIrp = void (*)(CIoCsq*, CIrp*);
using PeekNextIrp = CIrp* (*)(CIoCsq*, CIrp*, void*);
using AcquireLock = void (*)(CIoCsq*, std::uint8_t*);
using ReleaseLock = void (*)(CIoCsq*, std::uint8_t);
using CompleteCanceledIrp = void (*)(CIoCsq*, CIrp*);

std::int32_t IoCsqInitialize(void* Csq, Insert CsqInsertIrp, RemoveIrp CsqRemoveIrp, PeekNextIrp CsqPeekNextIrp,
                             AcquireLock CsqAcquireLock, ReleaseLock CsqReleaseLock,
                             CompleteCanceledIrp CsqCompleteCanceledIrp) {
  return initialize(static_cast<CIoCsq*>(Csq), kIoTypeCsq, reinterpret_cast<void*>(CsqInsertIrp),
                    CIoCsq{0, nullptr, CsqRemoveIrp, CsqPeekNextIrp, CsqAcquireLock, CsqReleaseLock,
                           CsqCompleteCanceledIrp, nullptr},
                    "IoCsqInitialize");
}

std::int32_t IoCsqInitializeEx(void* Csq, InsertEx CsqInsertIrpEx, RemoveIrp CsqRemoveIrp, PeekNextIrp CsqPeekNextIrp,
                               AcquireLock CsqAcquireLock, ReleaseLock CsqReleaseLock,
                               CompleteCanceledIrp CsqCompleteCanceledIrp) {
  return initialize(static_cast<CIoCsq*>(Csq), kIoTypeCsqEx, reinterpret_cast<void*>(CsqInsertIrpEx),
                    CIoCsq{0, nullptr, CsqRemoveIrp, CsqPeekNextIrp, CsqAcquireLock, CsqReleaseLock,
                           CsqCompleteCanceledIrp, nullptr},
                    "IoCsqInitializeEx");
}

std::int32_t IoCsqInsertIrpEx(void* Csq, void* Irp, void* Context, void* InsertContext) {
  constexpr const char* api = "IoCsqInsertIrpEx";
  w::IO_CSQ& csq = initialized(Csq, api);
  IoBridge& io = Kernel::current().io();
  w::IRP& irp = io.model(Irp, api);
  io.fromDriver(irp);
  const std::int32_t status = w::IoCsqInsertIrpEx(&csq, &irp, contextFor(Context), InsertContext);
  io.toDriver(irp);
  io.syncCsqContexts();
  return status;
}

void IoCsqInsertIrp(void* Csq, void* Irp, void* Context) {
  constexpr const char* api = "IoCsqInsertIrp";
  w::IO_CSQ& csq = initialized(Csq, api);
  IoBridge& io = Kernel::current().io();
  w::IRP& irp = io.model(Irp, api);
  io.fromDriver(irp);
  w::IoCsqInsertIrp(&csq, &irp, contextFor(Context));
  io.toDriver(irp);
  io.syncCsqContexts();
}

void* IoCsqRemoveNextIrp(void* Csq, void* PeekContext) {
  w::IO_CSQ& csq = initialized(Csq, "IoCsqRemoveNextIrp");
  void* const irp = toDriver(w::IoCsqRemoveNextIrp(&csq, PeekContext));
  Kernel::current().io().syncCsqContexts();
  return irp;
}

void* IoCsqRemoveIrp(void* Csq, void* Context) {
  constexpr const char* api = "IoCsqRemoveIrp";
  w::IO_CSQ& csq = initialized(Csq, api);
  if (Context == nullptr) throw interlock::ScenarioError(std::string(api) + " with no IO_CSQ_IRP_CONTEXT");
  void* const irp = toDriver(w::IoCsqRemoveIrp(&csq, contextFor(Context)));
  Kernel::current().io().syncCsqContexts();
  return irp;
}

}  // extern "C"
