#include <elf/elf_symbols.h>
#include <fs/fs_context.h>
#include <lib/log.h>
#include <mm/address_space.h>
#include <proc/process.h>
#include <proc/process_exit.h>
#include <proc/thread.h>

#include <new>

namespace ingot {
namespace {

Process* all_processes = nullptr;

}  // namespace

Process& initial_process() {
    // Built in zeroed storage at the first call rather than as a constant-initialised static:
    // that would put a whole Process's initial bytes (2 KiB) into every kernel file.
    static Process* init = [] {
        alignas(Process) static unsigned char storage[sizeof(Process)];
        Process* first = new (storage) Process;
        first->space = &current_address_space();  // the boot address space: nothing runs yet
        all_processes = first;
        return first;
    }();
    return *init;
}

Process& current_process() {
    Thread& thread = current_thread();
    return thread.process ? *thread.process : initial_process();
}

Process* first_process() {
    initial_process();
    return all_processes;
}

Process* find_process(int pid) {
    for (Process* p = first_process(); p; p = p->next)
        if (p->pid == pid) return p;
    return nullptr;
}

void register_process(Process& process) {
    initial_process();
    process.next = all_processes;
    all_processes = &process;
}

void release_process_if_done(Process& process) {
    if (!process.reaped || process.thread_structs > 0 || &process == &initial_process()) return;
    for (Process** link = &all_processes; *link; link = &(*link)->next) {
        if (*link == &process) {
            *link = process.next;
            break;
        }
    }
    delete process.fs;
    if (!process.shares_parent_space) delete process.space;
    delete &process;
}

int next_deliverable_signal() {
    return next_deliverable_signal(current_thread().signals, current_process().shared_pending);
}

[[noreturn]] void terminate_by_signal(int signal, uint64_t fault_address, uint64_t ip, bool has_address) {
    const Process& process = current_process();
    std::string_view symbol;
    uint64_t offset = 0;
    char where[160] = "";
    if (ip >= process.load_bias &&
        elf::find_function_symbol(process.program_file, ip - process.load_bias, symbol, offset))
        format_to(where, sizeof(where), " (%.*s+0x%lx)", static_cast<int>(symbol.size()), symbol.data(), offset);
    char who[32] = "";
    if (process.pid != kProgramPid) format_to(who, sizeof(who), "process %d: ", process.pid);
    if (has_address)
        log_error("%s%s at address 0x%lx, ip 0x%lx%s", who, signal_description(signal), fault_address, ip, where);
    else if (process.pid == kProgramPid)
        log_error("program %s (signal %d)", signal_description(signal), signal);
    exit_process(killed_status(signal));
}

}  // namespace ingot
