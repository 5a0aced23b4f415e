// Device registers for host tests: map_device_memory() hands out memory the test registered
// for a physical range (a plain register file), so transports can run against it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ingot::fake_device_memory {

// Makes [phys, phys + size) map to `memory` until reset().
void add_region(uint64_t phys, void* memory, size_t size);
void reset();
// How many map_device_memory calls there were since reset().
int map_count();

}  // namespace ingot::fake_device_memory
