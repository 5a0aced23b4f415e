#include <ingot/build_command.h>

#include <ingot/build_report.h>
#include <ingot/cpio_writer.h>
#include <ingot/file_io.h>
#include <ingot/image_writer.h>
#include <ingot/kernel_source.h>
#include <ingot/payload_builder.h>
#include <ingot/qemu_command.h>
#include <ingot/tool_error.h>

#include <elf/elf_check.h>

#include <cstdio>

namespace ingot::tool {

void check_program(std::span<const uint8_t> program, const std::string& path) {
    elf::ElfCheck check = elf::check_elf(program);
    if (check.ok()) return;
    std::string message = path + ": " + elf::describe(check.problem());
    if (check.problem() == elf::ElfProblem::WrongMachine) {
        auto machine = static_cast<uint16_t>(check.detail());
        const char* name = elf::machine_name(machine);
        message += " (machine " + std::to_string(machine) + (name ? std::string(", ") + name : "") + ")";
    }
    throw input_error(message);
}

std::vector<uint8_t> build_image_bytes(std::span<const uint8_t> kernel, std::span<const uint8_t> program,
                                       const std::string& program_path, std::span<const uint8_t> files,
                                       const std::vector<std::string>& args,
                                       const std::vector<std::string>& environment, uint64_t mem_bytes,
                                       const std::vector<std::string>& kernel_options) {
    PayloadContents contents;
    contents.program = program;
    contents.files = files;
    contents.program_path = guest_program_path(program_path);
    std::vector<std::string> argv = {contents.program_path};
    argv.insert(argv.end(), args.begin(), args.end());
    contents.records = make_config_records(argv, environment, kernel_options);
    contents.mem_bytes = mem_bytes;
    return write_image(kernel, build_payload(contents));
}

void run_build(const BuildOptions& options, const EmbeddedKernels& embedded_kernels) {
    std::vector<uint8_t> program = read_file(options.program);
    check_program(program, options.program);
    std::vector<uint8_t> files;
    if (options.files_dir) files = pack_directory_tree(*options.files_dir);
    KernelChoice choice = choose_kernel(program, options.features);
    LoadedKernel kernel = load_kernel(embedded_kernels, choice.features);
    std::vector<std::string> kernel_options = options.mount_options;
    if (options.cpus) kernel_options.push_back(cpus_kernel_option(*options.cpus));
    std::vector<uint8_t> image = build_image_bytes(kernel.bytes, program, options.program, files, options.args,
                                                   options.environment, options.mem_bytes.value_or(0),
                                                   kernel_options);
    write_file_atomically(options.output, image);
    if (options.verbose) {
        std::string report = describe_build(choice, kernel, embedded_kernels, image);
        std::fwrite(report.data(), 1, report.size(), stdout);
    }
}

}  // namespace ingot::tool
