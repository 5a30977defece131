#include "IoBridge.hpp"

#include "Kernel.hpp"
#include "RaceDetector.hpp"

#include "interlock/core/Execution.hpp"
#include "interlock/core/Scenario.hpp"

#include <cstring>
#include <string>

namespace interlock::driver::detail {

namespace {

constexpr std::int16_t kIoTypeIrp = 6;
constexpr std::size_t kUnit = sizeof(std::max_align_t);

// What Irp->CancelRoutine reads while the model's own routine (the cancel-safe queue's) is set.
void setByTheKernel(void*, void*) {}

bool sameStatus(const CIoStatus& a, const wdm::IO_STATUS_BLOCK& b) noexcept {
  return a.Status == b.Status && a.Information == b.Information;
}

}  // namespace

CStackLocation* IoBridge::location(CIrp& irp, int location) const noexcept {
  // Location L lies at index L - 1 after the IRP; StackCount + 1 is one past the last.
  const auto base = reinterpret_cast<std::uintptr_t>(&irp) + sizeof(CIrp);
  return reinterpret_cast<CStackLocation*>(base + static_cast<std::uintptr_t>(location - 1) * sizeof(CStackLocation));
}

CIrp& IoBridge::cIrp(wdm::IRP& irp) {
  if (const auto it = byModel_.find(&irp); it != byModel_.end()) return *it->second->c;
  auto pair = std::make_unique<IrpPair>();
  const std::size_t count = static_cast<std::size_t>(irp.StackCount < 1 ? 1 : irp.StackCount);
  const std::size_t bytes = sizeof(CIrp) + count * sizeof(CStackLocation);
  pair->memory = std::make_unique<std::max_align_t[]>((bytes + kUnit - 1) / kUnit);  // zeroed
  pair->model = &irp;
  pair->c = reinterpret_cast<CIrp*>(pair->memory.get());
  CIrp& c = *pair->c;
  c.Type = kIoTypeIrp;
  c.Size = static_cast<std::uint16_t>(bytes);
  c.StackCount = static_cast<char>(irp.StackCount);
  c.ListEntry.Flink = c.ListEntry.Blink = &c.ListEntry;
  // The functions and the parameters the I/O manager (or whoever built the IRP) wrote.
  for (int l = 1; l <= irp.StackCount; ++l) {
    const wdm::IO_STACK_LOCATION& model = irp.stack[static_cast<std::size_t>(l - 1)];
    CStackLocation& cLocation = *location(c, l);
    cLocation.MajorFunction = model.MajorFunction;
    cLocation.MinorFunction = model.MinorFunction;
    char* at = reinterpret_cast<char*>(&cLocation);
    if (model.MajorFunction == wdm::IRP_MJ_DEVICE_CONTROL || model.MajorFunction == wdm::IRP_MJ_INTERNAL_DEVICE_CONTROL) {
      const auto& ioctl = model.Parameters.DeviceIoControl;
      std::memcpy(at + INTERLOCK_IO_STACK_LOCATION_IOCTL_OUTPUT_LENGTH, &ioctl.OutputBufferLength, 4);
      std::memcpy(at + INTERLOCK_IO_STACK_LOCATION_IOCTL_INPUT_LENGTH, &ioctl.InputBufferLength, 4);
      std::memcpy(at + INTERLOCK_IO_STACK_LOCATION_IOCTL_CODE, &ioctl.IoControlCode, 4);
    } else if (model.MajorFunction == wdm::IRP_MJ_READ) {
      std::memcpy(at + INTERLOCK_IO_STACK_LOCATION_READ_LENGTH, &model.Parameters.Read.Length, 4);
    } else if (model.MajorFunction == wdm::IRP_MJ_WRITE) {
      std::memcpy(at + INTERLOCK_IO_STACK_LOCATION_READ_LENGTH, &model.Parameters.Write.Length, 4);
    }
  }
  c.IoStatus.Status = irp.IoStatus.Status;
  c.IoStatus.Information = irp.IoStatus.Information;
  pair->synced = c.IoStatus;
  byC_[pair->c] = pair.get();
  byModel_[&irp] = std::move(pair);
  toDriver(irp);
  // The driver's own accesses to the IRP (IoStatus, DriverContext, the list entry) are checked
  // for races like pool memory. The bridge's syncs are not instrumented: the kernel's side.
  if (RaceDetector* races = RaceDetector::active())
    races->track(reinterpret_cast<std::uintptr_t>(&c), bytes, irp.name());
  return c;
}

wdm::IRP& IoBridge::model(const void* cIrp, const char* api) const {
  if (cIrp == nullptr) throw ScenarioError(std::string(api) + " with a NULL Irp");
  const auto it = byC_.find(cIrp);
  if (it == byC_.end())
    throw ScenarioError(std::string(api) + " on a PIRP the I/O manager never sent the driver (an IRP a driver "
                        "routine receives, or one a CSQ callback returns from the driver's queue)");
  return *it->second->model;
}

void IoBridge::toDriver(wdm::IRP& irp) {
  const auto it = byModel_.find(&irp);
  if (it == byModel_.end()) return;
  IrpPair& pair = *it->second;
  CIrp& c = *pair.c;
  if (!sameStatus(pair.synced, irp.IoStatus)) {  // the model wrote it since the last crossing
    c.IoStatus.Status = irp.IoStatus.Status;
    c.IoStatus.StatusHigh = 0;
    c.IoStatus.Information = irp.IoStatus.Information;
    pair.synced = c.IoStatus;
  }
  c.PendingReturned = irp.PendingReturned;
  c.Cancel = irp.Cancel.value;
  c.CancelIrql = irp.CancelIrql;
  c.CurrentLocation = static_cast<char>(irp.CurrentLocation);
  c.CurrentStackLocation = location(c, irp.CurrentLocation);
  if (irp.CancelRoutine == nullptr) c.CancelRoutine = nullptr;
  else if (c.CancelRoutine == nullptr) c.CancelRoutine = reinterpret_cast<void*>(&setByTheKernel);
  for (int l = 1; l <= irp.StackCount; ++l) {
    const wdm::IO_STACK_LOCATION& from = irp.stack[static_cast<std::size_t>(l - 1)];
    CStackLocation& to = *location(c, l);
    to.Control = from.Control;
    to.DeviceObject = cDevice(from.DeviceObject);
  }
}

void IoBridge::fromDriver(wdm::IRP& irp) {
  const auto it = byModel_.find(&irp);
  if (it == byModel_.end()) return;
  IrpPair& pair = *it->second;
  CIrp& c = *pair.c;
  if (c.IoStatus.Status != pair.synced.Status || c.IoStatus.Information != pair.synced.Information) {
    irp.IoStatus.Status = c.IoStatus.Status;
    irp.IoStatus.Information = c.IoStatus.Information;
    pair.synced = c.IoStatus;
  }
  for (int l = 1; l <= irp.StackCount; ++l) {
    wdm::IO_STACK_LOCATION& to = irp.stack[static_cast<std::size_t>(l - 1)];
    to.MajorFunction = location(c, l)->MajorFunction;
    to.MinorFunction = location(c, l)->MinorFunction;
  }
}

wdm::DEVICE_OBJECT& IoBridge::modelDevice(void* cDevice, const char* api) {
  if (cDevice == nullptr) throw ScenarioError(std::string(api) + " with a NULL DeviceObject");
  Kernel& kernel = Kernel::current();
  auto* c = static_cast<DeviceObject*>(cDevice);
  wdm::DEVICE_OBJECT* device = nullptr;
  if (const auto it = devices_.find(cDevice); it != devices_.end()) device = it->second;
  bool own = false;
  for (DeviceObject* created : kernel.devices()) own = own || created == c;
  if (device == nullptr) {
    bool lower = false;
    for (const auto& block : lowerDevices_) lower = lower || static_cast<void*>(block.get()) == cDevice;
    if (!own && !lower)
      throw ScenarioError(std::string(api) + " on a PDEVICE_OBJECT that is neither one of the driver's "
                          "(IoCreateDevice) nor interlock::driver::lowerDevice()");
    device = &kernel.make<wdm::DEVICE_OBJECT>(cDevice, "DEVICE_OBJECT");
    devices_[cDevice] = device;
    cDevices_[device] = cDevice;
    if (own) {
      if (driver_ == nullptr) {
        auto made = std::make_unique<wdm::DRIVER_OBJECT>();
        driver_ = made.get();
        kernel.keep(std::move(made), typeid(wdm::DRIVER_OBJECT), "DRIVER_OBJECT");
      }
      device->DriverObject = driver_;
      device->DeviceExtension = c->DeviceExtension;
    }
  }
  // What DriverEntry (or the driver since) wrote: the dispatch table and the stack size.
  if (device->DriverObject != nullptr)
    for (std::size_t major = 0; major <= wdm::IRP_MJ_MAXIMUM_FUNCTION; ++major)
      driver_->MajorFunction[major] = kernel.driverObject().MajorFunction[major] != nullptr ? &dispatchToDriver : nullptr;
  device->StackSize = c->StackSize < 1 ? 1 : c->StackSize;
  return *device;
}

void IoBridge::deviceCreated(void* cDevice) {
  wdm::DEVICE_OBJECT& device = modelDevice(cDevice, "IoCreateDevice");
  Kernel& kernel = Kernel::current();
  std::array<wdm::FILE_OBJECT*, 2> made{};
  for (std::size_t cancels = 0; cancels < made.size(); ++cancels) {
    auto file = std::make_unique<wdm::FILE_OBJECT>();
    file->open = true;
    file->DeviceObject = &device;
    file->requesterCancels = cancels != 0;
    made[cancels] = file.get();
    kernel.keep(std::move(file), typeid(wdm::FILE_OBJECT), cancels != 0 ? "CancellableHandle" : "Handle");
  }
  handles_[cDevice] = made;
}

wdm::FILE_OBJECT& IoBridge::handle(void* cDevice, bool requesterCancels) {
  const auto it = handles_.find(cDevice);
  if (it == handles_.end()) throw ScenarioError("a request to a device IoCreateDevice did not make");
  return *it->second[requesterCancels ? 1 : 0];
}

void* IoBridge::cDevice(const wdm::DEVICE_OBJECT* device) const noexcept {
  if (device == nullptr) return nullptr;
  const auto it = cDevices_.find(device);
  return it == cDevices_.end() ? nullptr : it->second;
}

void* IoBridge::lowerDevice() {
  if (!lowerDevices_.empty()) return lowerDevices_.front().get();
  lowerDevices_.push_back(std::make_unique<std::max_align_t[]>((sizeof(DeviceObject) + kUnit - 1) / kUnit));
  auto* c = reinterpret_cast<DeviceObject*>(lowerDevices_.back().get());
  c->Type = 3;  // IO_TYPE_DEVICE
  c->Size = static_cast<std::uint16_t>(sizeof(DeviceObject));
  c->StackSize = 1;
  (void)modelDevice(c, "lowerDevice");
  return c;
}

wdm::IO_CSQ_IRP_CONTEXT& IoBridge::csqContext(void* cContext) {
  auto& kept = contexts_[cContext];
  if (!kept) kept = std::make_unique<wdm::IO_CSQ_IRP_CONTEXT>();
  return *kept;
}

void IoBridge::syncCsqContexts() {
  for (auto& [address, model] : contexts_) {
    auto* c = static_cast<CIoCsqIrpContext*>(address);
    c->Type = model->Type;
    c->Irp = model->Irp != nullptr ? &cIrp(*model->Irp) : nullptr;
    if (model->Csq != nullptr) c->Csq = static_cast<CIoCsq*>(model->Csq->Owner);
  }
}

wdm::NTSTATUS dispatchToDriver(wdm::PDEVICE_OBJECT device, wdm::PIRP irp) {
  Kernel& kernel = Kernel::current();
  IoBridge& io = kernel.io();
  auto* cDevice = static_cast<DeviceObject*>(io.cDevice(device));
  CIrp& c = io.cIrp(*irp);
  io.toDriver(*irp);
  using Dispatch = std::int32_t (*)(void* device, void* irp);
  const auto routine = reinterpret_cast<Dispatch>(kernel.driverObject().MajorFunction[c.CurrentStackLocation->MajorFunction]);
  const std::int32_t status = routine(cDevice, &c);
  io.fromDriver(*irp);
  return status;
}

}  // namespace interlock::driver::detail
