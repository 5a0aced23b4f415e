#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace ingot::fake_machine {

// Empties the page table and gives the page allocator `ram_bytes` of fresh RAM.
void reset(uint64_t ram_bytes = 64ull << 20);
size_t mapped_pages();
std::optional<uint32_t> page_prot(uint64_t va);
// The simulated RAM behind user address va, or nullptr when va is not mapped.
uint8_t* page_bytes(uint64_t va);

}  // namespace ingot::fake_machine
