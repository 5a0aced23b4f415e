// Kernel memory that needs contiguous addresses but not contiguous frames. The heap's
// allocations of several pages normally take a run of frames through the direct map; when no
// run is free (a disk cache spread over memory leaves free frames scattered, mm/reclaim.h),
// they take single frames instead, mapped side by side in a window of the upper half, as
// Linux's vmalloc does. Nothing hands such memory to a device: devices get DMA pages
// (mm/device_memory.h).
#pragma once

#include <cstddef>

namespace ingot {

// `pages` frames (reclaiming cache memory as needed) mapped at consecutive addresses; nullptr
// when memory or the window (256 MiB) runs out.
void* window_allocate(size_t pages);
bool in_window(const void* p);
// Unmaps and frees exactly what window_allocate(pages) returned; every CPU has forgotten the
// mappings before the frames are freed.
void window_free(void* p, size_t pages);

}  // namespace ingot
