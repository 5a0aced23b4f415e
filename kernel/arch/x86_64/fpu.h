// The program's x87/SSE/AVX state (Intel SDM Vol. 1 ch. 13): saving and restoring it with
// XSAVE/XRSTOR (FXSAVE/FXRSTOR without XSAVE) for every component cpu_init enabled, and the
// clean start-up state. The kernel never uses these registers (-mgeneral-regs-only), so the
// program's state stays in them while the kernel runs. Areas are 64-byte aligned and
// cpu_features().fpu_state_size long.
#pragma once

#include <cstdint>

namespace ingot {

void fpu_save(uint8_t* area);
void fpu_restore(const uint8_t* area);
// The psABI start-up state (§3.2.3): x87 control word 0x37F, MXCSR 0x1F80, every XMM/YMM/ZMM
// register zero.
void fpu_reset();

}  // namespace ingot
