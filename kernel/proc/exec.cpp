#include <elf/elf_check.h>
#include <fs/fs_context.h>
#include <fs/io_buffer.h>
#include <fs/open_flags.h>
#include <fs/vfs.h>
#include <lib/log.h>
#include <mm/address_space.h>
#include <proc/arch_thread.h>
#include <proc/exec.h>
#include <proc/process.h>
#include <proc/process_exit.h>
#include <proc/program_image.h>
#include <proc/scheduler.h>
#include <proc/thread.h>

#include <cstring>
#include <new>
#include <vector>

namespace ingot {
namespace {

constexpr size_t kMaxProgramBytes = 256u << 20;
constexpr int kMaxInterpreterDepth = 4;  // Linux allows a few levels of #! (BINPRM_MAX_RECURSION)
constexpr size_t kMaxShebangLine = 256;  // BINPRM_BUF_SIZE

// Reads the whole regular file at path. The caller owns the bytes.
Result<std::vector<uint8_t>> read_program_file(std::string_view path) {
    OpenFileRef file = TRY(vfs::open(current_working_directory(), path, kOpenReadOnly, 0));
    InodeStat stat = file->stat();
    if ((stat.mode & 0170000) != 0100000) return Errno::EACCES;  // not a regular file
    if (!(stat.mode & 0111)) return Errno::EACCES;                // no execute permission
    if (stat.size > kMaxProgramBytes) return Errno::ENOMEM;
    std::vector<uint8_t> bytes;
    bytes.resize(stat.size);
    size_t done = 0;
    while (done < bytes.size()) {
        IoBuffer buffer = IoBuffer::kernel({bytes.data() + done, bytes.size() - done});
        size_t n = TRY(file->read_at(done, buffer));
        if (n == 0) break;
        done += n;
    }
    bytes.resize(done);
    return bytes;
}

// "#!interpreter [one argument]" (execve(2), "Interpreter scripts").
bool parse_shebang(const std::vector<uint8_t>& bytes, std::string_view& interpreter, std::string_view& argument) {
    if (bytes.size() < 3 || bytes[0] != '#' || bytes[1] != '!') return false;
    size_t end = 2;
    while (end < bytes.size() && end < kMaxShebangLine && bytes[end] != '\n') ++end;
    std::string_view line(reinterpret_cast<const char*>(bytes.data()) + 2, end - 2);
    auto is_space = [](char c) { return c == ' ' || c == '\t'; };
    size_t i = 0;
    while (i < line.size() && is_space(line[i])) ++i;
    size_t name_start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    interpreter = line.substr(name_start, i - name_start);
    while (i < line.size() && is_space(line[i])) ++i;
    size_t arg_end = line.size();
    while (arg_end > i && is_space(line[arg_end - 1])) --arg_end;
    argument = line.substr(i, arg_end - i);
    return !interpreter.empty();
}

void reset_signal_actions(Process& process, Thread& thread) {
    // Caught signals revert to their default; ignored ones stay ignored (execve(2)).
    for (SigAction& action : process.signal_actions)
        if (action.handler != kSigIgnore) action = SigAction{};
    thread.signals.altstack_sp = thread.signals.altstack_size = 0;
    thread.signals.altstack_flags = 2;  // SS_DISABLE
}

void close_on_exec_descriptors(FsContext& fs) {
    for (int fd = fs.fds.next_open(0); fd >= 0; fd = fs.fds.next_open(fd + 1)) {
        auto cloexec = fs.fds.close_on_exec(fd);
        if (cloexec.ok() && cloexec.value()) (void)fs.fds.close(fd);
    }
}

// Everything after the point of no return: the old program is gone.
[[noreturn]] void failed_after_commit(const char* what, Errno error) {
    log_error("execve: %s (%s): the process ends", what, errno_name(error));
    exit_process(killed_status(kSigSegv));
}

}  // namespace

Result<void> exec_program(std::string_view path, std::span<const std::string_view> argv,
                          std::span<const std::string_view> envp) {
    std::vector<uint8_t> bytes = TRY(read_program_file(path));
    // Interpreter scripts: argv becomes interpreter [argument] path argv[1..].
    std::vector<std::string_view> script_argv;
    std::vector<uint8_t> script_bytes;
    for (int depth = 0; depth < kMaxInterpreterDepth; ++depth) {
        std::string_view interpreter, argument;
        if (!parse_shebang(bytes, interpreter, argument)) break;
        std::vector<std::string_view> next{interpreter};
        if (!argument.empty()) next.push_back(argument);
        next.push_back(path);
        std::span<const std::string_view> rest = script_argv.empty() ? argv : std::span<const std::string_view>(script_argv);
        for (size_t i = 1; i < rest.size(); ++i) next.push_back(rest[i]);
        script_bytes = std::move(bytes);  // the views above point into it: keep it alive
        path = interpreter;
        script_argv = std::move(next);
        bytes = TRY(read_program_file(path));
    }
    if (!script_argv.empty()) argv = script_argv;
    elf::ElfCheck check = elf::check_elf(bytes);
    if (!check.ok()) {
        log_info("execve %.*s: %s", static_cast<int>(path.size()), path.data(), elf::describe(check.problem()));
        return Errno::ENOEXEC;
    }

    // The process keeps the file, with its path appended, for as long as it runs it.
    size_t elf_size = bytes.size();
    bytes.insert(bytes.end(), path.begin(), path.end());
    RefPtr<ExecutedProgram> executed = make_ref<ExecutedProgram>();
    executed->bytes = std::move(bytes);
    Process& process = current_process();
    Thread& thread = current_thread();
    AddressSpace* fresh = TRY(AddressSpace::create_empty());

    // The point of no return.
    stop_process_threads(process);
    AddressSpace* old = process.space;
    fresh->activate();
    process.space = fresh;
    if (process.shares_parent_space) {
        process.shares_parent_space = false;  // the vfork parent keeps its memory and wakes
        process.vfork_parent_waits = false;
    } else {
        bool heap_allocated = old->owns_page_table();  // pid 1's first one is static
        old->release_everything();
        if (heap_allocated) delete old;
    }
    process.executed = std::move(executed);
    const std::vector<uint8_t>& kept = process.executed->bytes;
    process.program_file = {kept.data(), elf_size};
    process.exe_path = {reinterpret_cast<const char*>(kept.data()) + elf_size, path.size()};
    thread.clear_child_tid = 0;
    thread.robust_list = 0;
    reset_signal_actions(process, thread);
    if (process.fs) close_on_exec_descriptors(*process.fs);
    else close_on_exec_descriptors(current_fs());

    const char* failed_step = "";
    auto entry = load_program_image({process.program_file, argv, envp, process.exe_path}, &failed_step);
    if (!entry.ok()) failed_after_commit(failed_step, entry.error());
    arch_restart_user_thread(entry.value().rip, entry.value().rsp);
    return {};
}

}  // namespace ingot
