#include <arch/x86_64/cpu.h>
#include <arch/x86_64/uart16550.h>

namespace ingot {
namespace {
// Register offsets (PC16550D, table 2).
constexpr uint16_t kData = 0, kInterruptEnable = 1, kFifoControl = 2, kLineControl = 3,
                   kModemControl = 4, kLineStatus = 5, kScratch = 7;
constexpr uint8_t kTransmitHoldingEmpty = 0x20, kTransmitterEmpty = 0x40;
}  // namespace

void Uart16550::init() {
    // A UART that keeps what is written to its scratch register is present.
    x86::outb(base_ + kScratch, 0x5A);
    present_ = x86::inb(base_ + kScratch) == 0x5A;
    if (!present_) return;
    x86::outb(base_ + kInterruptEnable, 0x00);
    x86::outb(base_ + kLineControl, 0x80);  // DLAB: divisor follows
    x86::outb(base_ + kData, 0x01);         // 115200 baud
    x86::outb(base_ + kInterruptEnable, 0x00);
    x86::outb(base_ + kLineControl, 0x03);  // 8N1
    x86::outb(base_ + kFifoControl, 0x07);  // enable and clear FIFOs
    x86::outb(base_ + kModemControl, 0x03); // DTR | RTS
}

void Uart16550::write(const char* data, size_t len) {
    if (!present_) return;
    for (size_t i = 0; i < len; ++i) {
        while (!(x86::inb(base_ + kLineStatus) & kTransmitHoldingEmpty)) x86::pause();
        x86::outb(base_ + kData, static_cast<uint8_t>(data[i]));
    }
}

void Uart16550::flush() {
    if (!present_) return;
    while (!(x86::inb(base_ + kLineStatus) & kTransmitterEmpty)) x86::pause();
}

}  // namespace ingot
