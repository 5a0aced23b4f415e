// I/O APIC programming (82093AA datasheet §3.1-§3.2): registers are reached indirectly, by
// writing their index to IOREGSEL (offset 0x00) and then reading or writing IOWIN (0x10).
#include <arch/x86_64/ioapic.h>
#include <arch/x86_64/page_table_mmio.h>

namespace ingot {
namespace {

constexpr uint32_t kRegisterSelect = 0x00 / 4, kWindow = 0x10 / 4;
constexpr uint8_t kVersionRegister = 0x01, kRedirectionTable = 0x10;
constexpr uint32_t kMasked = 1u << 16, kLevelTriggered = 1u << 15, kActiveLow = 1u << 13;

struct Ioapic {
    uint64_t phys;
    uint32_t first_gsi;
    volatile uint32_t* registers = nullptr;
    uint32_t inputs = 0;  // 0: not probed yet or absent
    bool probed = false;
};

Ioapic ioapics[] = {{0xFEC0'0000, 0}, {0xFEC1'0000, 24}};

uint32_t read_register(Ioapic& io, uint8_t index) {
    io.registers[kRegisterSelect] = index;
    return io.registers[kWindow];
}

void write_register(Ioapic& io, uint8_t index, uint32_t value) {
    io.registers[kRegisterSelect] = index;
    io.registers[kWindow] = value;
}

// Maps an I/O APIC and reads how many inputs it has (version register bits 23:16 hold the
// highest entry). An address where nothing answers reads as 0 or all ones: absent.
bool probe(Ioapic& io) {
    if (!io.probed) {
        io.probed = true;
        io.registers = static_cast<volatile uint32_t*>(map_mmio(io.phys, 0x20));
        uint32_t version = read_register(io, kVersionRegister);
        uint32_t highest = (version >> 16) & 0xFF;
        bool plausible = version != 0 && version != 0xFFFF'FFFFu && (version & 0xFF) >= 0x10 && highest < 240;
        io.inputs = plausible ? highest + 1 : 0;
    }
    return io.inputs != 0;
}

Ioapic* ioapic_for(uint32_t gsi) {
    for (Ioapic& io : ioapics) {
        if (gsi < io.first_gsi) continue;
        if (probe(io) && gsi - io.first_gsi < io.inputs) return &io;
    }
    return nullptr;
}

}  // namespace

Result<void> ioapic_route(uint32_t gsi, uint8_t vector, uint8_t destination_apic_id, IoapicTrigger trigger,
                          IoapicPolarity polarity) {
    Ioapic* io = ioapic_for(gsi);
    if (!io || vector < 32) return Errno::EINVAL;
    uint8_t entry = static_cast<uint8_t>(kRedirectionTable + 2 * (gsi - io->first_gsi));
    uint32_t low = vector | (trigger == IoapicTrigger::Level ? kLevelTriggered : 0) |
                   (polarity == IoapicPolarity::ActiveLow ? kActiveLow : 0);  // fixed, physical
    // Masked while the destination changes, then unmasked with the final low half.
    write_register(*io, entry, kMasked);
    write_register(*io, static_cast<uint8_t>(entry + 1), uint32_t{destination_apic_id} << 24);
    write_register(*io, entry, low);
    return {};
}

void ioapic_mask(uint32_t gsi) {
    Ioapic* io = ioapic_for(gsi);
    if (!io) return;
    uint8_t entry = static_cast<uint8_t>(kRedirectionTable + 2 * (gsi - io->first_gsi));
    write_register(*io, entry, read_register(*io, entry) | kMasked);
}

}  // namespace ingot
