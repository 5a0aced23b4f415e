// Configuration space registers of a type 0 (device) header, PCI Local Bus Specification 3.0
// §6.1 and §6.2, and the capability IDs the kernel uses (PCI Code and ID Assignment §2).
#pragma once

#include <cstdint>

namespace ingot::pci {

inline constexpr uint8_t kVendorId = 0x00;
inline constexpr uint8_t kDeviceId = 0x02;
inline constexpr uint8_t kCommand = 0x04;
inline constexpr uint8_t kStatus = 0x06;
inline constexpr uint8_t kRevisionId = 0x08;
inline constexpr uint8_t kClassCode = 0x09;  // programming interface, subclass, base class
inline constexpr uint8_t kHeaderType = 0x0E;
inline constexpr uint8_t kBar0 = 0x10;
inline constexpr uint8_t kSubsystemVendorId = 0x2C;
inline constexpr uint8_t kSubsystemId = 0x2E;
inline constexpr uint8_t kCapabilitiesPointer = 0x34;
inline constexpr uint8_t kInterruptLine = 0x3C;
inline constexpr uint8_t kInterruptPin = 0x3D;

inline constexpr uint16_t kNoVendor = 0xFFFF;
inline constexpr uint8_t kHeaderTypeMask = 0x7F;
inline constexpr uint8_t kHeaderMultiFunction = 0x80;
inline constexpr uint8_t kHeaderTypeDevice = 0;
inline constexpr unsigned kBarCount = 6;

// Command register bits (§6.2.2).
inline constexpr uint16_t kCommandIoSpace = 1 << 0;
inline constexpr uint16_t kCommandMemorySpace = 1 << 1;
inline constexpr uint16_t kCommandBusMaster = 1 << 2;
inline constexpr uint16_t kCommandInterruptDisable = 1 << 10;

// Status register: a capability list is present (§6.2.3).
inline constexpr uint16_t kStatusCapabilities = 1 << 4;

// BAR low bits (§6.2.5.1).
inline constexpr uint32_t kBarIoSpace = 1;
inline constexpr uint32_t kBarType64 = 2 << 1;
inline constexpr uint32_t kBarTypeMask = 3 << 1;
inline constexpr uint32_t kBarPrefetchable = 1 << 3;

// Capability IDs.
inline constexpr uint8_t kCapabilityMsi = 0x05;
inline constexpr uint8_t kCapabilityVendor = 0x09;
inline constexpr uint8_t kCapabilityMsix = 0x11;

}  // namespace ingot::pci
