// A simulated program address space for host tests: regions of "user memory" backed by host
// buffers at made-up user addresses, with unmapped gaps between them. The copy_*_user
// functions of mm/user_memory.h work on it and fail with EFAULT outside every region, like the
// kernel's fault-checked copies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ingot::fake_user_memory {

// Maps a zero-filled region of length bytes (at least 1) and returns its user address. The
// page after each region stays unmapped, so running off its end faults.
uint64_t map(size_t length);
// Maps a region holding a copy of bytes.
uint64_t map_bytes(const void* bytes, size_t length);
// Maps a NUL-terminated copy of text.
uint64_t map_string(std::string_view text);
// Removes the region that starts at address.
void unmap(uint64_t address);
// Removes every region.
void reset();

// The host memory behind [address, address + length); aborts the test if it is not mapped.
uint8_t* host(uint64_t address, size_t length);
// A copy of [address, address + length).
std::vector<uint8_t> read(uint64_t address, size_t length);

}  // namespace ingot::fake_user_memory
