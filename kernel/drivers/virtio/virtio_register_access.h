// Register accesses of the widths virtio transports require: each field is read and written
// with its natural width (virtio 1.2 §4.1.3.1, §4.2.2.2), and 64-bit fields as two 32-bit
// halves, which both transports accept.
#pragma once

#include <cstdint>

namespace ingot::virtio {

inline uint8_t read8(volatile uint8_t* base, uint32_t offset) { return base[offset]; }
inline uint16_t read16(volatile uint8_t* base, uint32_t offset) {
    return *reinterpret_cast<volatile uint16_t*>(base + offset);
}
inline uint32_t read32(volatile uint8_t* base, uint32_t offset) {
    return *reinterpret_cast<volatile uint32_t*>(base + offset);
}
inline void write8(volatile uint8_t* base, uint32_t offset, uint8_t value) { base[offset] = value; }
inline void write16(volatile uint8_t* base, uint32_t offset, uint16_t value) {
    *reinterpret_cast<volatile uint16_t*>(base + offset) = value;
}
inline void write32(volatile uint8_t* base, uint32_t offset, uint32_t value) {
    *reinterpret_cast<volatile uint32_t*>(base + offset) = value;
}
inline void write64(volatile uint8_t* base, uint32_t offset, uint64_t value) {
    write32(base, offset, static_cast<uint32_t>(value));
    write32(base, offset + 4, static_cast<uint32_t>(value >> 32));
}

// Copies length bytes of a device configuration window of window_length bytes, starting at
// offset: 16- and 32-bit fields with one access of their width (§2.5, §4.1.3.1), anything
// else byte by byte. Bytes beyond the window (or with no window) read as zero.
inline void read_config_window(volatile uint8_t* window, uint32_t window_length, uint32_t offset, uint8_t* out,
                               uint32_t length) {
    bool inside = window && offset <= window_length && length <= window_length - offset;
    if (inside && length == 4 && offset % 4 == 0) {
        uint32_t v = read32(window, offset);
        for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
        return;
    }
    if (inside && length == 2 && offset % 2 == 0) {
        uint16_t v = read16(window, offset);
        out[0] = static_cast<uint8_t>(v);
        out[1] = static_cast<uint8_t>(v >> 8);
        return;
    }
    for (uint32_t i = 0; i < length; ++i) {
        bool in_window = window && offset + uint64_t{i} < window_length;
        out[i] = in_window ? read8(window, offset + i) : 0;
    }
}

}  // namespace ingot::virtio
