// run_qemu() against a stand-in "QEMU": a shell script that writes to the channel
// descriptors 3 (stdout), 4 (stderr) and 5 (control) as QEMU's chardevs would.
#include <ingot/qemu_process.h>
#include <ingot/tool_error.h>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

using namespace ingot::tool;

// Runs `script` as the QEMU binary, capturing what it relays to our stdout/stderr.
class QemuProcess : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/ingot-qemu-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override {
        for (const char* f : {"/qemu", "/stdout", "/stderr"}) ::unlink((dir_ + f).c_str());
        ::rmdir(dir_.c_str());
    }

    GuestOutcome run(const std::string& script, std::optional<double> timeout = std::nullopt,
                     QemuOutput output = QemuOutput::RelayGuest) {
        std::string qemu = dir_ + "/qemu";
        std::ofstream(qemu) << "#!/bin/sh\n" << script << "\n";
        ::chmod(qemu.c_str(), 0755);
        std::fflush(stdout);
        std::fflush(stderr);
        int saved_out = ::dup(1), saved_err = ::dup(2);
        int out = ::open((dir_ + "/stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = ::open((dir_ + "/stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(out, 1);
        ::dup2(err, 2);
        ::close(out);
        ::close(err);
        GuestOutcome result;
        try {
            result = run_qemu({qemu, "-M", "microvm"}, timeout, output);
        } catch (...) {
            restore(saved_out, saved_err);
            throw;
        }
        restore(saved_out, saved_err);
        return result;
    }

    std::string captured(const char* name) {
        std::ifstream in(dir_ + "/" + name, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

private:
    static void restore(int saved_out, int saved_err) {
        ::dup2(saved_out, 1);
        ::dup2(saved_err, 2);
        ::close(saved_out);
        ::close(saved_err);
    }

    std::string dir_;
};

TEST_F(QemuProcess, RelaysChannelsAndReportsTheStatus) {
    GuestOutcome r = run("printf 'to stdout\\n' >&3; printf 'to stderr' >&4; printf 'status 42\\n' >&5");
    EXPECT_EQ(r.end, GuestOutcome::End::Reported);
    EXPECT_EQ(r.control, ControlChannel::Outcome::Status);
    EXPECT_EQ(r.status, 42);
    EXPECT_EQ(captured("stdout"), "to stdout\n");
    EXPECT_EQ(captured("stderr"), "to stderr");
}

TEST_F(QemuProcess, RelayIsByteExactForBinaryAndLargeOutput) {
    // Every byte value, then 2 MiB, more than any pipe buffer holds.
    GuestOutcome r = run("i=0; while [ $i -lt 256 ]; do printf \"\\\\$(printf %o $i)\"; i=$((i+1)); done >&3; "
                          "head -c 2097152 /dev/zero | tr '\\0' 'q' >&3; echo 'status 0' >&5");
    EXPECT_EQ(r.status, 0);
    std::string out = captured("stdout");
    ASSERT_EQ(out.size(), 256u + 2097152u);
    for (int i = 0; i < 256; ++i) EXPECT_EQ(static_cast<unsigned char>(out[i]), i);
    EXPECT_EQ(out.find_first_not_of('q', 256), std::string::npos);
}

TEST_F(QemuProcess, Panic) {
    GuestOutcome r = run("echo 'kernel: oops' >&4; echo panic >&5; exit 1");
    EXPECT_EQ(r.end, GuestOutcome::End::Reported);
    EXPECT_EQ(r.control, ControlChannel::Outcome::Panic);
    EXPECT_EQ(captured("stderr"), "kernel: oops\n");
}

TEST_F(QemuProcess, NoStatusKeepsQemusOwnMessages) {
    GuestOutcome r = run("echo 'qemu: could not load kernel' >&2; exit 1");
    EXPECT_EQ(r.end, GuestOutcome::End::NoReport);
    EXPECT_EQ(r.qemu_messages, "qemu: could not load kernel\n");
    EXPECT_TRUE(WIFEXITED(r.qemu_wait_status));
    EXPECT_EQ(WEXITSTATUS(r.qemu_wait_status), 1);
    EXPECT_EQ(captured("stderr"), "");  // shown by the caller, not relayed as guest output
}

TEST_F(QemuProcess, EchoesQemuMessagesWhenAsked) {
    GuestOutcome r = run("echo 'qemu: note' >&1; echo 'status 1' >&5", std::nullopt, QemuOutput::RelayGuestAndQemu);
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(captured("stderr"), "qemu: note\n");
}

TEST_F(QemuProcess, DiscardDropsTheGuestsOutputButKeepsQemusMessages) {
    GuestOutcome r = run("printf 'to stdout' >&3; printf 'to stderr' >&4; echo 'qemu: note'; echo 'status 3' >&5",
                         std::nullopt, QemuOutput::Discard);
    EXPECT_EQ(r.status, 3);
    EXPECT_EQ(r.qemu_messages, "qemu: note\n");
    EXPECT_EQ(captured("stdout"), "");
    EXPECT_EQ(captured("stderr"), "");
}

TEST_F(QemuProcess, TimeoutKillsTheGuestButKeepsItsOutput) {
    auto start = std::chrono::steady_clock::now();
    GuestOutcome r = run("echo partial >&3; exec sleep 30", 0.3);
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.end, GuestOutcome::End::TimedOut);
    EXPECT_LT(elapsed, 10.0);
    EXPECT_EQ(captured("stdout"), "partial\n");
    EXPECT_TRUE(WIFSIGNALED(r.qemu_wait_status));
}

TEST_F(QemuProcess, QemuInheritsNoStdinAndOnlyItsChannels) {
    // stdin is /dev/null; descriptors above 5 are closed.
    GuestOutcome r = run("read line; [ -z \"$line\" ] || exit 9; "
                          "for fd in 6 7 8 9; do if (exec >&$fd) 2>/dev/null; then exit 8; fi; done; "
                          "echo 'status 5' >&5");
    EXPECT_EQ(r.end, GuestOutcome::End::Reported);
    EXPECT_EQ(r.status, 5);
}

TEST_F(QemuProcess, MissingBinaryIsAnError) {
    try {
        run_qemu({"/nonexistent/qemu-system-x86_64"}, std::nullopt, QemuOutput::RelayGuest);
        ADD_FAILURE() << "no error";
    } catch (const ToolError& e) {
        EXPECT_EQ(e.status(), 126);
        EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos) << e.what();
    }
}

}  // namespace
