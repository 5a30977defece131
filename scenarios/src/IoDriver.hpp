#pragma once
// What the irp/, cancel/, csq/ and remove-lock/ scenarios share: a user application reading
// from a device through the I/O manager, and a driver's queue of pending IRPs.
#include "interlock/primitives/wdm.hpp"

#include <algorithm>
#include <deque>

namespace interlock::scenarios::io {

using namespace interlock::wdm;

// A handle the application opened on `device`; with `cancels`, the application may cancel
// its read (CancelIoEx, or the thread ending) at any point after it is sent.
inline HANDLE openDevice(Setup& s, DEVICE_OBJECT& device, bool cancels) {
  auto& file = s.make<FILE_OBJECT>("Handle");
  file.open = true;
  file.DeviceObject = &device;
  file.requesterCancels = cancels;
  return &file;
}

// ReadFile on a synchronous handle: NtReadFile sends IRP_MJ_READ and, when the driver returns
// STATUS_PENDING, waits until the request completes. The scenarios run the application's thread
// as a system thread: suspending it mid-read is a finding of its own, not theirs.
inline NTSTATUS readDevice(HANDLE handle) {
  IO_STATUS_BLOCK status;
  char buffer[16];
  return ZwReadFile(handle, nullptr, nullptr, nullptr, &status, buffer, sizeof buffer, nullptr, nullptr);
}

// A driver's list of pending IRPs (a LIST_ENTRY through Irp->Tail.Overlay.ListEntry in a real
// driver), guarded by the driver's spin lock: only touched with that lock held.
struct IrpQueue {
  std::deque<PIRP> irps;
  void push(PIRP irp) { irps.push_back(irp); }
  [[nodiscard]] PIRP pop() {
    if (irps.empty()) return nullptr;
    PIRP irp = irps.front();
    irps.pop_front();
    return irp;
  }
  // RemoveEntryList on an entry a dequeue already unlinked (and re-initialized) is harmless.
  void remove(PIRP irp) { irps.erase(std::remove(irps.begin(), irps.end(), irp), irps.end()); }
  [[nodiscard]] PIRP after(PIRP irp) const {
    if (irp == nullptr) return irps.empty() ? nullptr : irps.front();
    const auto at = std::find(irps.begin(), irps.end(), irp);
    return at == irps.end() || at + 1 == irps.end() ? nullptr : *(at + 1);
  }
};

inline void completeIrp(PIRP irp, NTSTATUS status) {
  irp->IoStatus.Status = status;
  irp->IoStatus.Information = 0;
  IoCompleteRequest(irp, IO_NO_INCREMENT);
}

}  // namespace interlock::scenarios::io
