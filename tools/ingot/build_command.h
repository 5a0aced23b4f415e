// `ingot build`: casts a static program, optional files and configuration into an image.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <ingot/command_line.h>
#include <ingot/kernel_source.h>

namespace ingot::tool {

// Checks that `program` (read from `path`) is a static x86_64 ELF Ingot can run; throws
// input_error "PATH: <problem>" otherwise.
void check_program(std::span<const uint8_t> program, const std::string& path);

// Builds the image bytes for a program read from `program_path`: argv = {guest path} + args,
// and the kernel options to store ("mount.0=rw:/data").
std::vector<uint8_t> build_image_bytes(std::span<const uint8_t> kernel, std::span<const uint8_t> program,
                                       const std::string& program_path, std::span<const uint8_t> files,
                                       const std::vector<std::string>& args,
                                       const std::vector<std::string>& environment, uint64_t mem_bytes,
                                       const std::vector<std::string>& kernel_options = {});

// Runs `ingot build` with the kernel variant the program needs (kernel_choice.h); writes
// options.output atomically. Throws ToolError on any failure.
void run_build(const BuildOptions& options, const EmbeddedKernels& embedded_kernels);

}  // namespace ingot::tool
