#pragma once
// C++ mirrors of the few wdm.h structs the bridge itself reads or fills, checked against the
// offsets in Layout.h (Layout.c checks wdm.h against the same numbers).
#include "Layout.h"

#include <cstddef>
#include <cstdint>

namespace interlock::driver::detail {

struct UnicodeString {
  std::uint16_t Length;
  std::uint16_t MaximumLength;
  wchar_t* Buffer;  // 16-bit in the driver; the bridge never reads the characters
};

struct DriverExtension {
  void* DriverObject;
  void* AddDevice;
  std::uint32_t Count;
  UnicodeString ServiceKeyName;
};

using DriverUnloadRoutine = void (*)(void* driverObject);

struct DriverObject {
  std::int16_t Type;
  std::int16_t Size;
  void* DeviceObject;
  std::uint32_t Flags;
  void* DriverStart;
  std::uint32_t DriverSize;
  void* DriverSection;
  DriverExtension* Extension;
  UnicodeString DriverName;
  void* HardwareDatabase;
  void* FastIoDispatch;
  void* DriverInit;
  void* DriverStartIo;
  DriverUnloadRoutine DriverUnload;
  void* MajorFunction[0x1c];
};

struct alignas(16) DeviceObject {
  std::int16_t Type;
  std::uint16_t Size;
  std::int32_t ReferenceCount;
  DriverObject* Driver;
  DeviceObject* NextDevice;
  void* AttachedDevice;
  void* CurrentIrp;
  void* Timer;
  std::uint32_t Flags;
  std::uint32_t Characteristics;
  void* Vpb;
  void* DeviceExtension;
  std::uint32_t DeviceType;
  std::int8_t StackSize;
  unsigned char Reserved[0x150 - 0x4D];
};

struct KlockQueueHandle {
  void* Next;
  std::uintptr_t* Lock;
  std::uint8_t OldIrql;
};

static_assert(sizeof(DriverObject) == INTERLOCK_DRIVER_OBJECT_SIZE);
static_assert(offsetof(DriverObject, DeviceObject) == INTERLOCK_DRIVER_OBJECT_DEVICE_OBJECT);
static_assert(offsetof(DriverObject, Extension) == INTERLOCK_DRIVER_OBJECT_DRIVER_EXTENSION);
static_assert(offsetof(DriverObject, DriverName) == INTERLOCK_DRIVER_OBJECT_DRIVER_NAME);
static_assert(offsetof(DriverObject, DriverUnload) == INTERLOCK_DRIVER_OBJECT_DRIVER_UNLOAD);
static_assert(offsetof(DriverObject, MajorFunction) == INTERLOCK_DRIVER_OBJECT_MAJOR_FUNCTION);
static_assert(sizeof(DriverExtension) == INTERLOCK_DRIVER_EXTENSION_SIZE);
static_assert(sizeof(DeviceObject) == INTERLOCK_DEVICE_OBJECT_SIZE);
static_assert(offsetof(DeviceObject, Driver) == INTERLOCK_DEVICE_OBJECT_DRIVER_OBJECT);
static_assert(offsetof(DeviceObject, NextDevice) == INTERLOCK_DEVICE_OBJECT_NEXT_DEVICE);
static_assert(offsetof(DeviceObject, Flags) == INTERLOCK_DEVICE_OBJECT_FLAGS);
static_assert(offsetof(DeviceObject, DeviceExtension) == INTERLOCK_DEVICE_OBJECT_DEVICE_EXTENSION);
static_assert(offsetof(DeviceObject, DeviceType) == INTERLOCK_DEVICE_OBJECT_DEVICE_TYPE);
static_assert(sizeof(KlockQueueHandle) == INTERLOCK_KLOCK_QUEUE_HANDLE_SIZE);
static_assert(offsetof(KlockQueueHandle, Lock) == INTERLOCK_KLOCK_QUEUE_HANDLE_LOCK);
static_assert(offsetof(KlockQueueHandle, OldIrql) == INTERLOCK_KLOCK_QUEUE_HANDLE_OLD_IRQL);
static_assert(sizeof(UnicodeString) == INTERLOCK_UNICODE_STRING_SIZE);

}  // namespace interlock::driver::detail
