// The little of the C++ runtime a freestanding kernel still needs: operator new/delete over the
// kernel heap, and the libstdc++ error hooks, which can only mean a kernel bug here (the kernel
// is built without exceptions). The C string functions are in string_functions.cpp.
#include <lib/panic.h>
#include <mm/kernel_heap.h>

#include <cstddef>
#include <cstdint>
#include <new>

extern "C" {

void __cxa_pure_virtual() { ingot::panic("pure virtual function called"); }

// Kernel-global destructors never run: the kernel ends by powering the machine off.
int atexit(void (*)()) { return 0; }

}  // extern "C"

// The tag that selects the non-throwing operator new (normally defined by libstdc++).
namespace std {
const nothrow_t nothrow{};
}

void* operator new(size_t size) { return ingot::kernel_heap_allocate(size, alignof(max_align_t)); }
void* operator new[](size_t size) { return ingot::kernel_heap_allocate(size, alignof(max_align_t)); }
void* operator new(size_t size, std::align_val_t align) { return ingot::kernel_heap_allocate(size, static_cast<size_t>(align)); }
void* operator new(size_t size, const std::nothrow_t&) noexcept { return ingot::kernel_heap_try_allocate(size, alignof(max_align_t)); }
void operator delete(void* p) noexcept { ingot::kernel_heap_free(p); }
void operator delete[](void* p) noexcept { ingot::kernel_heap_free(p); }
void operator delete(void* p, size_t) noexcept { ingot::kernel_heap_free(p); }
void operator delete[](void* p, size_t) noexcept { ingot::kernel_heap_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { ingot::kernel_heap_free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { ingot::kernel_heap_free(p); }

namespace std {
void __throw_bad_alloc() { ingot::panic("out of kernel memory"); }
void __throw_bad_array_new_length() { ingot::panic("bad array length"); }
void __throw_length_error(const char* what) { ingot::panic("length error: %s", what); }
void __throw_out_of_range(const char* what) { ingot::panic("out of range: %s", what); }
void __throw_out_of_range_fmt(const char* what, ...) { ingot::panic("out of range: %s", what); }
void __throw_logic_error(const char* what) { ingot::panic("logic error: %s", what); }
void __throw_invalid_argument(const char* what) { ingot::panic("invalid argument: %s", what); }
void __throw_bad_optional_access() { ingot::panic("bad optional access"); }
void __throw_bad_function_call() { ingot::panic("bad function call"); }
}  // namespace std
