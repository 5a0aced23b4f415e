#pragma once

namespace ingot {

// Exception vectors (Intel SDM Vol. 3A table 6-1) and the kernel's interrupt vectors.
enum : int {
    kVectorDivideError = 0,
    kVectorDebug = 1,
    kVectorBreakpoint = 3,
    kVectorOverflow = 4,
    kVectorBoundRange = 5,
    kVectorInvalidOpcode = 6,
    kVectorDeviceNotAvailable = 7,
    kVectorDoubleFault = 8,
    kVectorGeneralProtection = 13,
    kVectorPageFault = 14,
    kVectorX87Fpu = 16,
    kVectorAlignmentCheck = 17,
    kVectorSimd = 19,
    kVectorTimer = 32,
    kVectorSpurious = 255,
};

void idt_init();

}  // namespace ingot
