// Entry point of the virtio-net smoke kernel: the kernel's own bring-up (as kmain.cpp), then
// find_network_device() and an ARP exchange with QEMU's user network (10.0.2.2 answers ARP
// for itself). Reports on the kernel channel and exits 0 when every check passed.
#include <arch/x86_64/apic.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/cpu_init.h>
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/host_channels.h>
#include <arch/x86_64/idt.h>
#include <arch/x86_64/memory_init.h>
#include <arch/x86_64/pvh.h>
#include <arch/x86_64/tsc.h>
#include <drivers/pci/pci_config_space.h>
#include <drivers/virtio/network_device_discovery.h>
#include <image/format.h>
#include <lib/log.h>
#include <lib/panic.h>
#include <mm/kernel_heap.h>
#include <mm/physical_memory.h>

#include <cstring>

extern "C" char __kernel_phys_end[];
extern "C" void (*const __init_array_start[])();
extern "C" void (*const __init_array_end[])();

namespace ingot {
namespace {

constexpr uint64_t kBootWindowBase = 0xFFFF'FFFF'8000'0000ull;
constexpr uint8_t kGuestIp[] = {10, 0, 2, 15}, kGatewayIp[] = {10, 0, 2, 2};

// An Ethernet II ARP frame (RFC 826), padded to the 60-byte minimum.
void build_arp(uint8_t (&frame)[60], const net::MacAddress& mac, uint16_t operation, const uint8_t* target_ip) {
    memset(frame, 0, sizeof(frame));
    memset(frame, 0xFF, 6);  // broadcast
    memcpy(frame + 6, mac.bytes.data(), 6);
    frame[12] = 0x08, frame[13] = 0x06;                      // EtherType ARP
    frame[14] = 0, frame[15] = 1;                            // hardware: Ethernet
    frame[16] = 0x08, frame[17] = 0x00;                      // protocol: IPv4
    frame[18] = 6, frame[19] = 4;                            // address lengths
    frame[20] = 0, frame[21] = static_cast<uint8_t>(operation);
    memcpy(frame + 22, mac.bytes.data(), 6);                 // sender MAC
    memcpy(frame + 28, kGuestIp, 4);                         // sender IP
    memcpy(frame + 38, target_ip, 4);                        // target IP (target MAC stays 0)
}

bool is_arp_reply_from_gateway(std::span<const uint8_t> f, const net::MacAddress& mac) {
    return f.size() >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 2 && memcmp(f.data() + 28, kGatewayIp, 4) == 0 &&
           memcmp(f.data() + 32, mac.bytes.data(), 6) == 0;
}

// Halts until an interrupt or the timeout; returns whether a device interrupt came in.
void halt_for(uint64_t timeout_ns) {
    apic_timer_fire_at(x86::rdtsc() + ns_to_tsc_ticks(timeout_ns));
    asm volatile("sti; hlt; cli" ::: "memory");
}

uint64_t now_ns() { return tsc_ticks_to_ns(x86::rdtsc() - tsc_at_boot()); }

bool run_checks(const char* command_line) {
    auto found = virtio::find_network_device({&pci::platform_pci_config_space(), command_line});
    if (!found.ok()) {
        log_error("smoke: no network device (%s)", errno_name(found.error()));
        return false;
    }
    virtio::NetworkDevice& device = found.value();
    virtio::VirtioNet& nic = *device.net;
    const auto& m = nic.mac_address().bytes;
    log_info("smoke: %s at %lx, MAC %02x:%02x:%02x:%02x:%02x:%02x, features %lx, vector %d, link %s", device.transport,
             device.location, m[0], m[1], m[2], m[3], m[4], m[5], nic.features(), device.interrupt_vector,
             nic.link_up() ? "up" : "down");

    uint8_t frame[60];
    build_arp(frame, nic.mac_address(), 1, kGuestIp);  // gratuitous ARP
    auto sent = nic.send_frame(frame);
    log_info("smoke: gratuitous ARP sent: %s", sent.ok() ? "ok" : errno_name(sent.error()));
    build_arp(frame, nic.mac_address(), 1, kGatewayIp);
    sent = nic.send_frame(frame);
    log_info("smoke: ARP request for 10.0.2.2 sent: %s", sent.ok() ? "ok" : errno_name(sent.error()));

    // Wait for the answer, halting between polls so an interrupt has to wake the CPU.
    bool answered = false;
    uint64_t deadline = now_ns() + 3'000'000'000ull;
    auto wait_for_reply = [&] {
        while (!answered && now_ns() < deadline) {
            nic.poll_receive([&](std::span<const uint8_t> f) {
                if (is_arp_reply_from_gateway(f, nic.mac_address())) {
                    answered = true;
                    log_info("smoke: ARP reply: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x (%lu bytes)", f[22],
                             f[23], f[24], f[25], f[26], f[27], f.size());
                }
            });
            if (!answered && !nic.receive_pending()) halt_for(2'000'000'000ull);
        }
    };
    wait_for_reply();
    log_info("smoke: reply %s", answered ? "received" : "MISSING");
    if (!answered) return false;

    // Once more with the clock already calibrated: halt at once, and see what wakes the CPU.
    answered = false;
    uint64_t interrupts_before = nic.statistics().interrupts, asked_at = now_ns();
    deadline = asked_at + 3'000'000'000ull;
    if (!nic.send_frame(frame).ok()) return false;
    halt_for(2'000'000'000ull);
    uint64_t woke_after_us = (now_ns() - asked_at) / 1000;
    uint64_t woke_by_device = nic.statistics().interrupts - interrupts_before;
    wait_for_reply();
    log_info("smoke: second reply %s; the halted CPU woke after %lu us with %lu device interrupts",
             answered ? "received" : "MISSING", woke_after_us, woke_by_device);
    if (device.interrupt_vector >= 0 && (woke_by_device == 0 || woke_after_us > 1'000'000)) {
        log_error("smoke: the device's interrupt did not wake the CPU");
        return false;
    }

    // A burst longer than the transmit queue: completions must be reclaimed, and the receive
    // queue refilled as the answers arrive.
    constexpr int kBurst = 1000;
    uint64_t replies = 0, retries = 0;
    auto count_replies = [&](std::span<const uint8_t> f) { replies += is_arp_reply_from_gateway(f, nic.mac_address()); };
    for (int i = 0; i < kBurst; ++i) {
        while (true) {
            auto result = nic.send_frame(frame);
            if (result.ok()) break;
            if (result.error() != Errno::ENOBUFS) {
                log_error("smoke: burst send failed: %s", errno_name(result.error()));
                return false;
            }
            ++retries;
            nic.poll_receive(count_replies);
        }
        nic.poll_receive(count_replies);
    }
    deadline = now_ns() + 1'000'000'000ull;
    while (now_ns() < deadline && replies < kBurst) {
        if (nic.poll_receive(count_replies) == 0) halt_for(100'000'000);
    }
    const auto& s = nic.statistics();
    log_info("smoke: burst of %d requests: %lu replies, %lu ENOBUFS retries; totals sent %lu received %lu "
             "receive errors %lu interrupts %lu",
             kBurst, replies, retries, s.frames_sent, s.frames_received, s.receive_errors, s.interrupts);
    bool interrupts_ok = device.interrupt_vector < 0 || s.interrupts > 0;
    return answered && interrupts_ok && replies > 0 && s.receive_errors == 0;
}

}  // namespace

extern "C" [[noreturn]] void kmain(uint64_t start_info_phys) {
    host_channels_init();
    gdt_init();
    idt_init();
    cpu_init();
    auto* start_info = reinterpret_cast<const pvh::StartInfo*>(kBootWindowBase + start_info_phys);
    if (start_info->magic != pvh::kStartInfoMagic) panic("not started through PVH");
    uint64_t command_line_phys = start_info->cmdline_paddr;
    memory_init(*start_info, image::payload_phys_address(reinterpret_cast<uint64_t>(__kernel_phys_end)));
    kernel_heap_init(physical_pages());
    for (auto* ctor = __init_array_start; ctor < __init_array_end; ++ctor) (*ctor)();
    apic_init();
    set_log_level(LogLevel::Debug);
    const char* command_line = command_line_phys ? static_cast<const char*>(phys_to_virt(command_line_phys)) : "";
    log_info("smoke: command line \"%s\"", command_line);
    host_exit(run_checks(command_line) ? 0 : 1);
}

}  // namespace ingot
