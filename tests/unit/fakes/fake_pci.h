// Hand-built PCI configuration spaces for host tests: 256 bytes per function, with BARs that
// answer the all-ones sizing write the way hardware does.
#pragma once

#include <drivers/pci/pci_config_space.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <tuple>

namespace ingot::fake_pci {

struct Function {
    std::array<uint8_t, 256> bytes{};
    std::array<uint64_t, 6> bar_sizes{};  // 0: the BAR is not implemented

    void put8(uint8_t offset, uint8_t v) { bytes[offset] = v; }
    void put16(uint8_t offset, uint16_t v) { memcpy(&bytes[offset], &v, 2); }
    void put32(uint8_t offset, uint32_t v) { memcpy(&bytes[offset], &v, 4); }
};

class FakeConfigSpace final : public pci::PciConfigSpace {
public:
    // Adds a function with the given IDs (header type 0) and returns it for more setup.
    Function& add(pci::PciAddress a, uint16_t vendor, uint16_t device) {
        Function& f = functions_[key(a)];
        f.put16(0x00, vendor);
        f.put16(0x02, device);
        return f;
    }

    uint32_t read(pci::PciAddress a, uint8_t offset, unsigned width) override {
        auto it = functions_.find(key(a));
        if (it == functions_.end()) return width == 4 ? 0xFFFF'FFFFu : (1u << (8 * width)) - 1;
        uint32_t v = 0;
        memcpy(&v, &it->second.bytes[offset], width);
        return v;
    }

    void write(pci::PciAddress a, uint8_t offset, unsigned width, uint32_t value) override {
        auto it = functions_.find(key(a));
        if (it == functions_.end()) return;
        Function& f = it->second;
        ++writes;
        if (width == 4 && offset >= 0x10 && offset < 0x28) {
            write_bar(f, (offset - 0x10) / 4, value);
            return;
        }
        memcpy(&f.bytes[offset], &value, width);
    }

    int writes = 0;

private:
    static std::tuple<int, int, int> key(pci::PciAddress a) { return {a.bus, a.device, a.function}; }

    // Only the address bits a BAR of its size decodes are writable; type bits are read-only.
    static void write_bar(Function& f, unsigned index, uint32_t value) {
        uint8_t offset = static_cast<uint8_t>(0x10 + 4 * index);
        uint32_t current;
        memcpy(&current, &f.bytes[offset], 4);
        bool upper_half = index > 0 && f.bar_sizes[index] == 0 && f.bar_sizes[index - 1] != 0 &&
                          (read_low(f, index - 1) & 7) == 4;
        uint64_t size = upper_half ? f.bar_sizes[index - 1] : f.bar_sizes[index];
        if (size == 0) return;  // not implemented: reads stay 0
        uint64_t mask = ~(size - 1);
        uint32_t stored;
        if (upper_half) stored = value & static_cast<uint32_t>(mask >> 32);
        else if (current & 1) stored = (value & static_cast<uint32_t>(mask) & ~3u) | (current & 3);
        else stored = (value & static_cast<uint32_t>(mask) & ~0xFu) | (current & 0xF);
        memcpy(&f.bytes[offset], &stored, 4);
    }

    static uint32_t read_low(const Function& f, unsigned index) {
        uint32_t v;
        memcpy(&v, &f.bytes[0x10 + 4 * index], 4);
        return v;
    }

    std::map<std::tuple<int, int, int>, Function> functions_;
};

}  // namespace ingot::fake_pci
