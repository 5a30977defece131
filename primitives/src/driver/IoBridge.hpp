#pragma once
// The driver's IRPs and the I/O model's (docs/checking-driver-source.md, "IRPs"). Every IRP is
// the I/O model's wdm::IRP, the one the C++ scenarios use; beside it the bridge keeps the
// IRP in the WDK's C layout (with its stack locations after it) that the driver reads and
// writes. The two are synchronised at every crossing: before the model runs (a bridge routine
// the driver calls with the IRP, the return of a driver routine the model called) what the
// driver may write flows into the model (IoStatus, the stack locations' major and minor
// functions); before driver code runs again (the return of a bridge routine, a dispatch,
// completion, cancel or CSQ routine the model calls) what the model owns flows back
// (PendingReturned, Cancel, CancelIrql, CurrentLocation, CurrentStackLocation, each
// location's Control and DeviceObject). IoStatus changes on both sides, so it merges: a
// side's write since the last crossing wins.
#include "IoLayout.hpp"

#include "interlock/core/Ids.hpp"
#include "interlock/primitives/Csq.hpp"
#include "interlock/primitives/DeviceObject.hpp"
#include "interlock/primitives/Event.hpp"
#include "interlock/primitives/FileIo.hpp"
#include "interlock/primitives/Irp.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace interlock::driver::detail {

struct IrpPair {
  wdm::IRP* model = nullptr;
  std::unique_ptr<std::max_align_t[]> memory;  // the C IRP, then its stack locations
  CIrp* c = nullptr;
  CIoStatus synced{};                           // IoStatus at the last crossing
};

class IoBridge {
 public:
  // The C IRP beside `irp`, made on first use (its top location from the request parameters
  // the sending thread stashed).
  [[nodiscard]] CIrp& cIrp(wdm::IRP& irp);
  // The model IRP of a C IRP; a scenario error naming `api` for a pointer that is no IRP.
  [[nodiscard]] wdm::IRP& model(const void* cIrp, const char* api) const;
  [[nodiscard]] CStackLocation* location(CIrp& irp, int location) const noexcept;
  void toDriver(wdm::IRP& irp);
  void fromDriver(wdm::IRP& irp);

  // The model of a C device: the driver's own (IoCreateDevice) runs its MajorFunction table;
  // a lower device from lowerDevice() stands for a driver the model does not run.
  [[nodiscard]] wdm::DEVICE_OBJECT& modelDevice(void* cDevice, const char* api);
  [[nodiscard]] void* cDevice(const wdm::DEVICE_OBJECT* device) const noexcept;
  // IoCreateDevice made `cDevice`: its model, the driver's, and the two handles requests reach
  // it through (one the requester may cancel on), made now in the creating thread so that
  // every execution numbers them alike.
  void deviceCreated(void* cDevice);
  [[nodiscard]] wdm::FILE_OBJECT& handle(void* cDevice, bool requesterCancels);
  [[nodiscard]] void* lowerDevice();

  // IO_CSQ_IRP_CONTEXTs: the model's copy of each the driver passed, and back.
  [[nodiscard]] wdm::IO_CSQ_IRP_CONTEXT& csqContext(void* cContext);
  void syncCsqContexts();

  bool unloading = false;  // unload() began: the harness's requests find no device
  std::size_t returned = 0;      // requests that returned this execution
  wdm::KEVENT* returnedEvent = nullptr;  // a synchronization event set at each return

 private:
  std::map<const wdm::IRP*, std::unique_ptr<IrpPair>> byModel_;
  std::map<const void*, IrpPair*> byC_;
  std::map<const void*, wdm::DEVICE_OBJECT*> devices_;
  std::map<const wdm::DEVICE_OBJECT*, void*> cDevices_;
  std::map<const void*, std::array<wdm::FILE_OBJECT*, 2>> handles_;  // [requesterCancels]
  wdm::DRIVER_OBJECT* driver_ = nullptr;
  std::vector<std::unique_ptr<std::max_align_t[]>> lowerDevices_;
  std::map<void*, std::unique_ptr<wdm::IO_CSQ_IRP_CONTEXT>> contexts_;
};

// The dispatch routine the model's DRIVER_OBJECT of the C driver has: it calls the C driver's.
wdm::NTSTATUS dispatchToDriver(wdm::PDEVICE_OBJECT device, wdm::PIRP irp);

}  // namespace interlock::driver::detail
