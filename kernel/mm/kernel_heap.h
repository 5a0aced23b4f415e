// The kernel heap: operator new/delete and every kernel container allocate here.
#pragma once

#include <cstddef>

namespace ingot {

// Starts the heap over pages from physical_pages() (reached through the direct map).
void kernel_heap_init();

// Allocates size bytes aligned to align; panics when the kernel is out of memory.
void* kernel_heap_allocate(size_t size, size_t align);
// Same, but returns nullptr when out of memory (for allocations a program's request sizes).
void* kernel_heap_try_allocate(size_t size, size_t align);
void kernel_heap_free(void* p);
size_t kernel_heap_bytes_in_use();

}  // namespace ingot
