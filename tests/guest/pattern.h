// The deterministic byte pattern of the generated fixture file big.bin: the generator writes
// it, the files test recomputes it to check every byte it reads.
#pragma once

#include <stddef.h>

enum { kBigFileSize = 200000 };  // > 64 KiB and not a multiple of the page size

static inline unsigned char pattern_byte(size_t offset) {
    return (unsigned char)((offset * 131u) ^ (offset >> 9) ^ 0x5a);
}
