#include <ingot/ingot_main.h>

#include <ingot/accel_command.h>
#include <ingot/build_command.h>
#include <ingot/command_line.h>
#include <ingot/disk_create.h>
#include <ingot/run_command.h>
#include <ingot/tool_error.h>

#include <fmt/core.h>

#include <cstdio>
#include <exception>
#include <new>

namespace ingot::tool {

int ingot_main(int argc, char** argv, const EmbeddedKernels& embedded_kernels) {
    try {
        ParsedCommandLine parsed = parse_command_line(std::vector<std::string>(argv, argv + argc));
        switch (parsed.action) {
            case ParsedCommandLine::Action::ShowText:
                fmt::print("{}", parsed.text);
                return 0;
            case ParsedCommandLine::Action::Build:
                run_build(parsed.build, embedded_kernels);
                return 0;
            case ParsedCommandLine::Action::Run:
                return run_run(parsed.run, embedded_kernels);
            case ParsedCommandLine::Action::Accel:
                run_accel(parsed.accel, embedded_kernels);
                return 0;
            case ParsedCommandLine::Action::DiskCreate:
                run_disk_create(parsed.disk_create);
                return 0;
        }
    } catch (const ToolError& e) {
        std::fflush(stdout);
        fmt::print(stderr, "ingot: error: {}\n", e.what());
        return e.status();
    } catch (const std::bad_alloc&) {
        fmt::print(stderr, "ingot: error: out of memory\n");
        return kStatusBadInput;
    } catch (const std::exception& e) {
        fmt::print(stderr, "ingot: error: {}\n", e.what());
        return kStatusBadInput;
    }
    return 0;
}

}  // namespace ingot::tool
