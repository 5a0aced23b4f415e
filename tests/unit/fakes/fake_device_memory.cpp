#include "fakes/fake_device_memory.h"

#include <mm/device_memory.h>

#include <gtest/gtest.h>

#include <vector>

namespace ingot {
namespace {

struct Region {
    uint64_t phys;
    uint8_t* memory;
    size_t size;
};

std::vector<Region> regions;
int maps = 0;

}  // namespace

void* map_device_memory(uint64_t phys, size_t size) {
    ++maps;
    for (const Region& r : regions)
        if (phys >= r.phys && phys - r.phys <= r.size && size <= r.size - (phys - r.phys)) return r.memory + (phys - r.phys);
    ADD_FAILURE() << "map_device_memory(" << std::hex << phys << ", " << size << ") outside every fake region";
    static uint8_t scratch[1 << 16];
    return scratch;
}

namespace fake_device_memory {

void add_region(uint64_t phys, void* memory, size_t size) { regions.push_back({phys, static_cast<uint8_t*>(memory), size}); }

void reset() {
    regions.clear();
    maps = 0;
}

int map_count() { return maps; }

}  // namespace fake_device_memory
}  // namespace ingot
