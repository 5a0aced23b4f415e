#include <ingot/accel_command.h>

#include <ingot/accelerator.h>
#include <ingot/qemu_command.h>

#include <fmt/core.h>

namespace ingot::tool {

void run_accel(const AccelOptions& options, const EmbeddedKernels& embedded_kernels) {
    AccelSetting setting = accel_setting_from_environment();
    AccelChoice choice =
        choose_accelerator(setting, find_qemu(options.qemu), embedded_kernels.smallest_bytes(), ProbePolicy::Probe);
    fmt::print("{}\n", accelerator_name(choice.accelerator));
}

}  // namespace ingot::tool
