// Random bytes for the program (getrandom, /dev/random, /dev/urandom, AT_RANDOM). The kernel
// implements it over its entropy source; host unit tests link a deterministic fake.
#pragma once

#include <cstddef>

namespace ingot {

// Fills len bytes at dst with random data; never fails and never blocks.
void fill_random(void* dst, size_t len);

}  // namespace ingot
