// The little of the C and C++ runtimes a freestanding kernel still needs: the mem* functions
// the compiler emits calls to, operator new/delete over the kernel heap, and the libstdc++
// error hooks, which can only mean a kernel bug here (the kernel is built without exceptions).
#include <lib/panic.h>
#include <mm/kernel_heap.h>

#include <cstddef>
#include <cstdint>
#include <new>

extern "C" {

// Bulk copies and fills move 8 bytes per iteration: with ERMS hardware `rep movsb` would do as
// well, but an emulator (QEMU TCG) runs string instructions one iteration at a time.
void* memcpy(void* dst, const void* src, size_t n) {
    void* ret = dst;
    size_t words = n / 8, tail = n % 8;
    asm volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
    asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(tail) : : "memory");
    return ret;
}

void* memmove(void* dst, const void* src, size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    auto* s = static_cast<const unsigned char*>(src);
    if (d <= s || d >= s + n) return memcpy(dst, src, n);
    // Overlapping with dst above src: copy backwards.
    while (n--) d[n] = s[n];
    return dst;
}

void* memset(void* dst, int c, size_t n) {
    void* ret = dst;
    uint64_t pattern = 0x0101010101010101ull * static_cast<uint8_t>(c);
    size_t words = n / 8, tail = n % 8;
    asm volatile("rep stosq" : "+D"(dst), "+c"(words) : "a"(pattern) : "memory");
    asm volatile("rep stosb" : "+D"(dst), "+c"(tail) : "a"(pattern) : "memory");
    return ret;
}

int memcmp(const void* a, const void* b, size_t n) {
    auto* x = static_cast<const unsigned char*>(a);
    auto* y = static_cast<const unsigned char*>(b);
    for (size_t i = 0; i < n; ++i)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char* s) {
    size_t n = 0;
    while (s[n]) ++n;
    return n;
}

void* memchr(const void* s, int c, size_t n) {
    auto* p = static_cast<const unsigned char*>(s);
    for (size_t i = 0; i < n; ++i)
        if (p[i] == static_cast<unsigned char>(c)) return const_cast<unsigned char*>(p + i);
    return nullptr;
}

size_t strnlen(const char* s, size_t max) {
    size_t n = 0;
    while (n < max && s[n]) ++n;
    return n;
}

char* strcpy(char* dst, const char* src) {
    char* ret = dst;
    while ((*dst++ = *src++)) {
    }
    return ret;
}

int strcmp(const char* a, const char* b) {
    while (*a && *a == *b) ++a, ++b;
    return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}

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
