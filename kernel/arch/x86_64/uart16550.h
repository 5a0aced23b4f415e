// 16550 UART, transmit side, polled (PC16550D datasheet; registers at base+0..7).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ingot {

class Uart16550 {
public:
    constexpr explicit Uart16550(uint16_t base) : base_(base) {}
    void init();
    void write(const char* data, size_t len);
    void flush();  // waits until the transmitter is empty

private:
    uint16_t base_;
    bool present_ = false;
};

}  // namespace ingot
