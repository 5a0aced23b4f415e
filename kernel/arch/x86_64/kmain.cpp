// The kernel's first C++ code: bring the machine up in dependency order, then hand the CPU to
// the program. Nothing here returns; the machine powers off when the program exits.
#include <arch/x86_64/apic.h>
#include <arch/x86_64/cpu_init.h>
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/host_channels.h>
#include <arch/x86_64/idt.h>
#include <arch/x86_64/kernel_lock.h>
#include <arch/x86_64/memory_init.h>
#include <arch/x86_64/pvh.h>
#include <arch/x86_64/smp.h>
#include <arch/x86_64/user_entry.h>
#include <image/format.h>
#include <image/payload.h>
#include <lib/log.h>
#include <lib/panic.h>
#include <mm/kernel_heap.h>
#include <mm/physical_memory.h>
#include <proc/program_start.h>

#include <span>

extern "C" char __kernel_phys_end[];
extern "C" void (*const __init_array_start[])();
extern "C" void (*const __init_array_end[])();

namespace ingot {
namespace {

constexpr uint64_t kBootWindowBase = 0xFFFF'FFFF'8000'0000ull;

template <typename T>
const T* boot_window(uint64_t phys) { return reinterpret_cast<const T*>(kBootWindowBase + phys); }

void run_global_constructors() {
    for (auto* ctor = __init_array_start; ctor < __init_array_end; ++ctor) (*ctor)();
}

// The payload sits right after the kernel (image/format.h); its size is in its header.
std::span<const uint8_t> find_payload(uint64_t& payload_end) {
    uint64_t phys = image::payload_phys_address(reinterpret_cast<uint64_t>(__kernel_phys_end));
    auto* header = boot_window<image::PayloadHeader>(phys);
    payload_end = phys;
    if (__builtin_memcmp(header->magic, image::kPayloadMagic, sizeof(image::kPayloadMagic)) != 0) return {};
    if (header->total_size > (1ull << 30) - phys) panic("image payload larger than the boot window");
    payload_end = phys + header->total_size;
    return {reinterpret_cast<const uint8_t*>(header), header->total_size};
}

}  // namespace

extern "C" [[noreturn]] void kmain(uint64_t start_info_phys) {
    host_channels_init();
    gdt_init(0);
    idt_init();
    cpu_init(0);
    kernel_lock_acquire();  // held until the program starts; secondary CPUs wait for it

    auto* start_info = boot_window<pvh::StartInfo>(start_info_phys);
    if (start_info->magic != pvh::kStartInfoMagic) panic("not started through PVH (bad start_info magic)");
    choose_cpu_start_pages(*start_info);
    uint64_t payload_end = 0;
    std::span<const uint8_t> payload_window = find_payload(payload_end);
    uint64_t command_line_phys = start_info->cmdline_paddr;
    // After this the boot window is gone: physical memory is reached through the direct map.
    MemoryLayout memory = memory_init(*start_info, payload_end);
    kernel_heap_init();
    run_global_constructors();
    apic_init();

    // Re-point the payload at the direct map: the boot window is for early boot only.
    std::span<const uint8_t> payload;
    if (!payload_window.empty())
        payload = {static_cast<const uint8_t*>(phys_to_virt(payload_window.data() - reinterpret_cast<const uint8_t*>(kBootWindowBase))),
                   payload_window.size()};
    const char* command_line = command_line_phys ? static_cast<const char*>(phys_to_virt(command_line_phys)) : "";
    UserEntry entry = start_program(payload, command_line, memory.ram_bytes);
    enter_user_mode(entry);
}

}  // namespace ingot
