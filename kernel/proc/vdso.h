// The vDSO every program is given (AT_SYSINFO_EHDR): a small shared object whose
// clock_gettime, gettimeofday and time read the TSC in user space instead of making a system
// call (DESIGN rule 5: only a complete one; glibc and musl use it when present). The
// architecture provides the image; host unit tests have none.
#pragma once

#include <cstdint>
#include <vector>

namespace ingot {

// The vDSO image for a new program, its clock parameters filled in, ready to be copied to a
// page-aligned address; empty when there is none.
std::vector<uint8_t> vdso_image_for_program();

}  // namespace ingot
