#include <elf/elf_symbols.h>
#include <lib/log.h>
#include <proc/process.h>
#include <proc/thread.h>

namespace ingot {
namespace {
Process the_process;
}  // namespace

Process& current_process() { return the_process; }

int next_deliverable_signal() {
    return next_deliverable_signal(current_thread().signals, the_process.shared_pending);
}

[[noreturn]] void terminate_by_signal(int signal, uint64_t fault_address, uint64_t ip, bool has_address) {
    const Process& process = current_process();
    std::string_view symbol;
    uint64_t offset = 0;
    char where[160] = "";
    if (ip >= process.load_bias &&
        elf::find_function_symbol(process.program_file, ip - process.load_bias, symbol, offset))
        format_to(where, sizeof(where), " (%.*s+0x%lx)", static_cast<int>(symbol.size()), symbol.data(), offset);
    if (has_address)
        log_error("%s at address 0x%lx, ip 0x%lx%s", signal_description(signal), fault_address, ip, where);
    else
        log_error("program %s (signal %d)", signal_description(signal), signal);
    exit_program(128 + signal);
}

}  // namespace ingot
