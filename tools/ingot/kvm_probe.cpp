#include <ingot/kvm_probe.h>

#include <ingot/build_command.h>
#include <ingot/file_io.h>
#include <ingot/qemu_command.h>
#include <ingot/qemu_process.h>
#include <ingot/run_command.h>
#include <ingot/tool_error.h>

#include <elf/elf64.h>

#include <fmt/core.h>

#include <cstring>

namespace ingot::tool {

namespace {

constexpr uint64_t kProbeLoadAddress = 0x400000;  // where non-PIE static programs are linked
constexpr uint32_t kExitGroupSyscall = 231;

// mov edi, imm32 (BF id); mov eax, imm32 (B8 id); syscall (0F 05).
std::vector<uint8_t> exit_group_code(int status) {
    std::vector<uint8_t> code;
    auto imm32 = [&code](uint32_t value) {
        for (int i = 0; i < 4; ++i) code.push_back(static_cast<uint8_t>(value >> (8 * i)));
    };
    code.push_back(0xBF);
    imm32(static_cast<uint32_t>(status));
    code.push_back(0xB8);
    imm32(kExitGroupSyscall);
    code.insert(code.end(), {0x0F, 0x05});
    return code;
}

// The first line of QEMU's messages that says something, for a one-line reason.
std::string first_message_line(const std::string& messages) {
    size_t start = 0;
    while (start < messages.size()) {
        size_t end = messages.find('\n', start);
        std::string line = messages.substr(start, end == std::string::npos ? std::string::npos : end - start);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (!line.empty()) return line;
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return "";
}

std::string with_qemu_message(std::string reason, const GuestOutcome& outcome) {
    std::string line = first_message_line(outcome.qemu_messages);
    return line.empty() ? reason : reason + ": " + line;
}

KvmVerdict judge(const GuestOutcome& outcome, double timeout_seconds) {
    switch (outcome.end) {
        case GuestOutcome::End::Reported:
            if (outcome.control == ControlChannel::Outcome::Panic)
                return {false, with_qemu_message("the probe guest's kernel panicked", outcome)};
            if (outcome.status == kKvmProbeStatus) return {true, ""};
            return {false, with_qemu_message("the probe guest exited with status " + std::to_string(outcome.status) +
                                                 " instead of " + std::to_string(kKvmProbeStatus),
                                             outcome)};
        case GuestOutcome::End::TimedOut:
            return {false, with_qemu_message(fmt::format("the probe guest did not finish within {} s", timeout_seconds),
                                             outcome)};
        case GuestOutcome::End::NoReport:
            return {false, with_qemu_message("QEMU " + describe_wait_status(outcome.qemu_wait_status), outcome)};
        case GuestOutcome::End::Interrupted:
            break;
    }
    throw ToolError(128 + outcome.signal,
                    "interrupted by signal " + std::to_string(outcome.signal) + " while probing KVM");
}

}  // namespace

std::vector<uint8_t> kvm_probe_program(int status) {
    std::vector<uint8_t> code = exit_group_code(status);
    constexpr uint64_t kHeadersSize = sizeof(elf::Elf64_Ehdr) + sizeof(elf::Elf64_Phdr);
    const uint64_t file_size = kHeadersSize + code.size();

    elf::Elf64_Ehdr header = elf::x86_64_executable_header();
    header.e_entry = kProbeLoadAddress + kHeadersSize;
    header.e_phnum = 1;

    elf::Elf64_Phdr segment{};
    segment.p_type = elf::kPtLoad;
    segment.p_flags = elf::kPfRead | elf::kPfExecute;
    segment.p_offset = 0;
    segment.p_vaddr = kProbeLoadAddress;
    segment.p_paddr = kProbeLoadAddress;
    segment.p_filesz = file_size;
    segment.p_memsz = file_size;
    segment.p_align = 0x1000;

    std::vector<uint8_t> file(file_size);
    std::memcpy(file.data(), &header, sizeof header);
    std::memcpy(file.data() + sizeof header, &segment, sizeof segment);
    std::memcpy(file.data() + kHeadersSize, code.data(), code.size());
    return file;
}

KvmVerdict probe_kvm(const std::string& qemu_binary, std::span<const uint8_t> kernel, double timeout_seconds) {
    std::vector<uint8_t> program = kvm_probe_program(kKvmProbeStatus);
    TemporaryFile image(build_image_bytes(kernel, program, "kvm-probe", {}, {}, {}, 0), ".img");

    QemuInvocation invocation;
    invocation.qemu_binary = qemu_binary;
    invocation.image_path = image.path();
    invocation.mem_bytes = kDefaultMemBytes;
    invocation.machine = "microvm";
    invocation.use_kvm = true;
    GuestOutcome outcome = run_qemu(qemu_arguments(invocation), timeout_seconds, QemuOutput::Discard);
    return judge(outcome, timeout_seconds);
}

}  // namespace ingot::tool
