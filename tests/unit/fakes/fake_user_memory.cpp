// Host implementation of mm/user_memory.h over fake_user_memory regions.
// Kernel headers first: <cerrno> (pulled in by the standard library) defines the E* names as
// macros, so this file spells Errno{EFAULT} as Errno{EFAULT}, the same Linux value.
#include <mm/user_memory.h>

#include "fakes/fake_user_memory.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>

namespace ingot {
namespace {

constexpr uint64_t kFirstAddress = 0x10000000;
constexpr uint64_t kPage = 4096;

std::map<uint64_t, std::vector<uint8_t>>& regions() {
    static std::map<uint64_t, std::vector<uint8_t>> all;
    return all;
}
uint64_t next_address = kFirstAddress;

// Host pointer for [address, address + length) when it lies inside one region.
uint8_t* find(uint64_t address, size_t length) {
    auto& all = regions();
    auto it = all.upper_bound(address);
    if (it == all.begin()) return nullptr;
    --it;
    uint64_t offset = address - it->first;
    if (offset > it->second.size() || length > it->second.size() - offset) return nullptr;
    return it->second.data() + offset;
}

}  // namespace

Result<void> copy_from_user(void* dst, uint64_t user_src, size_t len) {
    if (len == 0) return {};
    if (!is_user_range(user_src, len)) return Errno{EFAULT};
    uint8_t* src = find(user_src, len);
    if (!src) return Errno{EFAULT};
    memcpy(dst, src, len);
    return {};
}

Result<void> copy_to_user(uint64_t user_dst, const void* src, size_t len) {
    if (len == 0) return {};
    if (!is_user_range(user_dst, len)) return Errno{EFAULT};
    uint8_t* dst = find(user_dst, len);
    if (!dst) return Errno{EFAULT};
    memcpy(dst, src, len);
    return {};
}

Result<uint32_t> compare_exchange_user(uint64_t user_addr, uint32_t expected, uint32_t desired) {
    if (!is_user_range(user_addr, sizeof(uint32_t)) || (user_addr & 3)) return Errno{EFAULT};
    uint8_t* word = find(user_addr, sizeof(uint32_t));
    if (!word) return Errno{EFAULT};
    uint32_t old;
    memcpy(&old, word, sizeof(old));
    if (old == expected) memcpy(word, &desired, sizeof(desired));
    return old;
}

Result<void> clear_user(uint64_t user_dst, size_t len) {
    if (len == 0) return {};
    if (!is_user_range(user_dst, len)) return Errno{EFAULT};
    uint8_t* dst = find(user_dst, len);
    if (!dst) return Errno{EFAULT};
    memset(dst, 0, len);
    return {};
}

// Same contract as the kernel's: ENAMETOOLONG when no NUL comes within capacity bytes, EFAULT
// when the string runs into unmapped memory first.
Result<size_t> copy_string_from_user(char* dst, size_t capacity, uint64_t user_src) {
    if (capacity == 0) return Errno{ENAMETOOLONG};
    for (size_t i = 0; i < capacity; ++i) {
        uint8_t* byte = find(user_src + i, 1);
        if (user_src + i >= kUserSpaceEnd || !byte) return Errno{EFAULT};
        dst[i] = static_cast<char>(*byte);
        if (*byte == 0) return i;
    }
    return Errno{ENAMETOOLONG};
}

namespace fake_user_memory {

uint64_t map(size_t length) {
    if (length == 0) length = 1;
    uint64_t address = next_address;
    regions()[address] = std::vector<uint8_t>(length, 0);
    // Leave at least one unmapped page after every region.
    next_address = (address + length + 2 * kPage - 1) / kPage * kPage;
    return address;
}

uint64_t map_bytes(const void* bytes, size_t length) {
    uint64_t address = map(length);
    if (length) memcpy(regions()[address].data(), bytes, length);
    return address;
}

uint64_t map_string(std::string_view text) {
    uint64_t address = map(text.size() + 1);
    memcpy(regions()[address].data(), text.data(), text.size());
    return address;
}

void unmap(uint64_t address) { regions().erase(address); }

void reset() {
    regions().clear();
    next_address = kFirstAddress;
}

uint8_t* host(uint64_t address, size_t length) {
    uint8_t* p = find(address, length);
    if (!p) std::abort();
    return p;
}

std::vector<uint8_t> read(uint64_t address, size_t length) {
    uint8_t* p = host(address, length);
    return std::vector<uint8_t>(p, p + length);
}

}  // namespace fake_user_memory
}  // namespace ingot
