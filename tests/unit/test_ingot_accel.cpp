// The accelerator choice of `ingot run`: $INGOT_ACCEL, the cache of KVM probe answers, the
// probe program, and the probe itself against stand-in "QEMU" scripts.
#include <ingot/accel_cache.h>
#include <ingot/accelerator.h>
#include <ingot/file_io.h>
#include <ingot/kvm_probe.h>
#include <ingot/tool_error.h>

#include <elf/elf_check.h>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

using namespace ingot::tool;
namespace fs = std::filesystem;

// A fresh directory, removed with everything in it afterwards.
class ScratchDirectory : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/ingot-accel-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write(const std::string& name, const std::string& text, mode_t mode = 0644) {
        std::string path = dir_ + "/" + name;
        std::ofstream(path, std::ios::binary) << text;
        ::chmod(path.c_str(), mode);
        return path;
    }

    std::string dir_;
};

std::vector<uint8_t> read_binary(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// --- $INGOT_ACCEL --------------------------------------------------------------------------

TEST(AccelSetting, ParsesTheThreeValuesAndUnset) {
    EXPECT_EQ(parse_accel_setting(nullptr), AccelSetting::Auto);
    EXPECT_EQ(parse_accel_setting(""), AccelSetting::Auto);
    EXPECT_EQ(parse_accel_setting("auto"), AccelSetting::Auto);
    EXPECT_EQ(parse_accel_setting("kvm"), AccelSetting::Kvm);
    EXPECT_EQ(parse_accel_setting("tcg"), AccelSetting::Tcg);
}

TEST(AccelSetting, AnythingElseIsAOneLineUsageError) {
    for (const char* bad : {"bogus", "KVM", "kvm ", "hvf", "tcg,kvm"}) {
        try {
            parse_accel_setting(bad);
            ADD_FAILURE() << bad << " accepted";
        } catch (const ToolError& e) {
            EXPECT_EQ(e.status(), kStatusUsage);
            std::string message = e.what();
            EXPECT_EQ(message, std::string("INGOT_ACCEL: unknown accelerator '") + bad + "' (use kvm, tcg or auto)");
        }
    }
}

TEST(AccelSetting, ForcedSettingsNeedNeitherDeviceNorProbe) {
    // No QEMU, no kernel: a forced choice looks at neither.
    EXPECT_EQ(choose_accelerator(AccelSetting::Kvm, "/nonexistent/qemu", {}, ProbePolicy::Probe).accelerator,
              Accelerator::Kvm);
    EXPECT_EQ(choose_accelerator(AccelSetting::Tcg, "/nonexistent/qemu", {}, ProbePolicy::Probe).accelerator,
              Accelerator::Tcg);
    EXPECT_STREQ(accelerator_name(Accelerator::Kvm), "kvm");
    EXPECT_STREQ(accelerator_name(Accelerator::Tcg), "tcg");
}

// --- the cache ------------------------------------------------------------------------------

TEST(AccelCacheDirectory, FollowsTheXdgBaseDirectorySpecification) {
    EXPECT_EQ(accel_cache_directory("/x/cache", "/home/u"), "/x/cache/ingot");
    EXPECT_EQ(accel_cache_directory(nullptr, "/home/u"), "/home/u/.cache/ingot");
    EXPECT_EQ(accel_cache_directory("", "/home/u"), "/home/u/.cache/ingot");
    EXPECT_EQ(accel_cache_directory("relative/cache", "/home/u"), "/home/u/.cache/ingot");  // ignored
    EXPECT_EQ(accel_cache_directory(nullptr, nullptr), std::nullopt);
    EXPECT_EQ(accel_cache_directory(nullptr, "relative"), std::nullopt);
}

using ProbeKeyTest = ScratchDirectory;

TEST_F(ProbeKeyTest, NamesTheBootAndTheRealQemuBinary) {
    std::string boot_id = write("boot_id", "6f1c1b5e-0a4b-4a47-9a36-1d2e3f405162\n");
    std::string qemu = write("qemu", "#!/bin/sh\n", 0755);
    ASSERT_EQ(::symlink(qemu.c_str(), (dir_ + "/qemu-link").c_str()), 0);
    struct stat st {};
    ASSERT_EQ(::stat(qemu.c_str(), &st), 0);

    std::optional<ProbeKey> key = probe_key(dir_ + "/qemu-link", boot_id);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->boot_id, "6f1c1b5e-0a4b-4a47-9a36-1d2e3f405162");
    EXPECT_EQ(key->qemu_path, fs::canonical(qemu).string());
    EXPECT_EQ(key->qemu_size, 10u);
    EXPECT_EQ(key->qemu_mtime_ns, int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec);
    EXPECT_EQ(probe_key(qemu, boot_id), key);  // the link and its target are one binary

    write("qemu", "#!/bin/sh\nexit 0\n", 0755);  // a new QEMU: another key
    EXPECT_NE(probe_key(qemu, boot_id), key);
}

TEST_F(ProbeKeyTest, NoKeyWithoutBootIdOrBinary) {
    std::string qemu = write("qemu", "#!/bin/sh\n", 0755);
    EXPECT_EQ(probe_key(qemu, dir_ + "/missing"), std::nullopt);
    EXPECT_EQ(probe_key(qemu, write("empty", "")), std::nullopt);
    EXPECT_EQ(probe_key(dir_ + "/missing-qemu", write("boot_id", "abc\n")), std::nullopt);
}

TEST(ProbeKey, TheRealBootIdIsReadable) {
    // ingot's own binary stands in for QEMU: what matters is the boot id of this host.
    std::optional<ProbeKey> key = probe_key("/proc/self/exe");
    ASSERT_TRUE(key);
    EXPECT_EQ(key->boot_id.size(), 36u);  // a UUID
}

ProbeKey sample_key() { return ProbeKey{"boot-1", "/usr/bin/qemu-system-x86_64", 1700000000123456789, 4096}; }

TEST(AccelCacheEntry, RoundTripsBothVerdicts) {
    ProbeKey key = sample_key();
    std::optional<KvmVerdict> works = parse_cache_entry(format_cache_entry(key, {true, ""}), key);
    ASSERT_TRUE(works);
    EXPECT_TRUE(works->works);

    KvmVerdict failed{false, "QEMU was killed by signal 6: qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69"};
    std::optional<KvmVerdict> fails = parse_cache_entry(format_cache_entry(key, failed), key);
    ASSERT_TRUE(fails);
    EXPECT_FALSE(fails->works);
    EXPECT_EQ(fails->reason, failed.reason);
}

TEST(AccelCacheEntry, TheFormatIsPlainText) {
    EXPECT_EQ(format_cache_entry(sample_key(), {false, "two\nlines"}),
              "ingot kvm probe 1\n"
              "boot_id boot-1\n"
              "qemu /usr/bin/qemu-system-x86_64\n"
              "qemu_mtime_ns 1700000000123456789\n"
              "qemu_size 4096\n"
              "kvm fails\n"
              "reason two lines\n");
}

TEST(AccelCacheEntry, AnEntryForAnotherKeyOrACorruptOneIsIgnored) {
    ProbeKey key = sample_key();
    std::string entry = format_cache_entry(key, {true, ""});
    for (auto change : {+[](ProbeKey& k) { k.boot_id = "boot-2"; }, +[](ProbeKey& k) { k.qemu_path += "2"; },
                        +[](ProbeKey& k) { k.qemu_mtime_ns += 1; }, +[](ProbeKey& k) { k.qemu_size += 1; }}) {
        ProbeKey other = key;
        change(other);
        EXPECT_EQ(parse_cache_entry(entry, other), std::nullopt);
    }
    EXPECT_EQ(parse_cache_entry("", key), std::nullopt);
    EXPECT_EQ(parse_cache_entry(entry.substr(0, entry.size() - 1), key), std::nullopt);  // cut short
    EXPECT_EQ(parse_cache_entry(entry + "kvm works\n", key), std::nullopt);
    std::string fails = format_cache_entry(key, {false, "why"});
    EXPECT_EQ(parse_cache_entry(fails.substr(0, fails.size() - 1), key), std::nullopt);
    EXPECT_EQ(parse_cache_entry(fails + "more\n", key), std::nullopt);
}

using AccelCacheFiles = ScratchDirectory;

TEST_F(AccelCacheFiles, WritesCreateTheDirectoryAndReadsFindTheAnswer) {
    std::string cache = dir_ + "/xdg/ingot";
    ProbeKey key = sample_key();
    EXPECT_EQ(read_cached_verdict(cache, key), std::nullopt);
    ASSERT_TRUE(write_cached_verdict(cache, key, {false, "no luck"}));
    struct stat st {};
    ASSERT_EQ(::stat((dir_ + "/xdg").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);

    std::optional<KvmVerdict> read = read_cached_verdict(cache, key);
    ASSERT_TRUE(read);
    EXPECT_FALSE(read->works);
    EXPECT_EQ(read->reason, "no luck");

    ASSERT_TRUE(write_cached_verdict(cache, key, {true, ""}));  // replaced, not appended
    EXPECT_TRUE(read_cached_verdict(cache, key)->works);
    EXPECT_EQ(std::distance(fs::directory_iterator(cache), fs::directory_iterator()), 1);  // no stray files
}

TEST_F(AccelCacheFiles, EachQemuBinaryHasItsOwnFile) {
    std::string cache = dir_ + "/ingot";
    ProbeKey first = sample_key(), second = sample_key();
    second.qemu_path = "/opt/qemu/bin/qemu-system-x86_64";
    EXPECT_NE(accel_cache_file(cache, first), accel_cache_file(cache, second));
    ASSERT_TRUE(write_cached_verdict(cache, first, {true, ""}));
    ASSERT_TRUE(write_cached_verdict(cache, second, {false, "old QEMU"}));
    EXPECT_TRUE(read_cached_verdict(cache, first)->works);
    EXPECT_FALSE(read_cached_verdict(cache, second)->works);
}

TEST_F(AccelCacheFiles, AnUnwritableDirectoryIsNoError) {
    std::string blocker = write("file", "not a directory");
    EXPECT_FALSE(write_cached_verdict(blocker + "/ingot", sample_key(), {true, ""}));
    EXPECT_EQ(read_cached_verdict(blocker + "/ingot", sample_key()), std::nullopt);
    AccelCacheLock lock(blocker + "/ingot");
    EXPECT_FALSE(lock.held());
}

TEST_F(AccelCacheFiles, TheLockIsHeldOnTheDirectory) {
    AccelCacheLock lock(dir_ + "/ingot");
    EXPECT_TRUE(lock.held());
}

// --- the probe program ------------------------------------------------------------------------

TEST(KvmProbeProgram, IsAStaticExecutableTheKernelAccepts) {
    std::vector<uint8_t> program = kvm_probe_program(kKvmProbeStatus);
    ingot::elf::ElfCheck check = ingot::elf::check_elf(program);
    ASSERT_TRUE(check.ok()) << ingot::elf::describe(check.problem());
    EXPECT_FALSE(check.info().is_pie);
    EXPECT_TRUE(check.info().phdrs_mapped);  // program_start.cpp needs AT_PHDR inside the image
    EXPECT_EQ(check.info().load_count, 1u);
}

using KvmProbeProgramNative = ScratchDirectory;

TEST_F(KvmProbeProgramNative, ExitsWithItsStatusOnLinux) {
    // The host kernel is an independent judge of the hand-made ELF and its code.
    for (int status : {kKvmProbeStatus, 0, 255}) {
        std::vector<uint8_t> program = kvm_probe_program(status);
        std::string path = dir_ + "/probe-" + std::to_string(status);
        write_file_atomically(path, program);
        ASSERT_EQ(::chmod(path.c_str(), 0755), 0);
        pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            ::execl(path.c_str(), path.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        int wait_status = 0;
        ASSERT_EQ(::waitpid(pid, &wait_status, 0), pid);
        ASSERT_TRUE(WIFEXITED(wait_status)) << "wait status " << wait_status;
        EXPECT_EQ(WEXITSTATUS(wait_status), status);
    }
}

// --- the probe --------------------------------------------------------------------------------

// probe_kvm() with a shell script as QEMU; its temporary image goes to our scratch TMPDIR.
class KvmProbe : public ScratchDirectory {
protected:
    void SetUp() override {
        ScratchDirectory::SetUp();
        const char* old = std::getenv("TMPDIR");
        if (old) old_tmpdir_ = old;
        ::mkdir((dir_ + "/tmp").c_str(), 0700);
        ::setenv("TMPDIR", (dir_ + "/tmp").c_str(), 1);
    }
    void TearDown() override {
        if (old_tmpdir_) ::setenv("TMPDIR", old_tmpdir_->c_str(), 1);
        else ::unsetenv("TMPDIR");
        ScratchDirectory::TearDown();
    }

    KvmVerdict probe(const std::string& script, double timeout = kKvmProbeTimeoutSeconds) {
        std::string qemu = write("qemu", "#!/bin/sh\n" + script + "\n", 0755);
        KvmVerdict verdict = probe_kvm(qemu, read_binary(PVH_STUB_KERNEL), timeout);
        EXPECT_TRUE(fs::is_empty(dir_ + "/tmp")) << "the probe image was left behind";
        return verdict;
    }

private:
    std::optional<std::string> old_tmpdir_;
};

TEST_F(KvmProbe, WorksWhenTheGuestReportsTheProbeStatusUnderKvm) {
    // The stand-in checks that it was asked for KVM on microvm with an Ingot image.
    KvmVerdict verdict = probe(
        "case \" $* \" in *' -M microvm -accel kvm -cpu host '*) ;; *) exit 3 ;; esac\n"
        "for a; do case $a in *.img) grep -q INGOTPL1 \"$a\" || exit 4 ;; esac; done\n"
        "echo 'guest noise' >&3; echo 'kernel noise' >&4\n"
        "echo 'status 57' >&5");
    EXPECT_TRUE(verdict.works) << verdict.reason;
}

TEST_F(KvmProbe, QemuAbortingIsReportedWithItsFirstMessage) {
    KvmVerdict verdict = probe(
        "echo 'qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69' >&2\n"
        "echo 'qemu-system-x86_64: kvm_buf_set_msrs: Assertion failed.' >&2\n"
        "kill -ABRT $$");
    EXPECT_FALSE(verdict.works);
    EXPECT_EQ(verdict.reason,
              "QEMU was killed by signal 6: qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69");
}

TEST_F(KvmProbe, AGuestThatHangsIsStoppedAndCountsAsFailure) {
    // QEMU after "KVM internal error" keeps the guest paused instead of exiting.
    KvmVerdict verdict = probe("echo 'KVM internal error. Suberror: 1' >&2\nexec sleep 60", 0.5);
    EXPECT_FALSE(verdict.works);
    EXPECT_EQ(verdict.reason, "the probe guest did not finish within 0.5 s: KVM internal error. Suberror: 1");
}

TEST_F(KvmProbe, AnyOtherEndIsFailure) {
    KvmVerdict other_status = probe("echo 'status 3' >&5");
    EXPECT_FALSE(other_status.works);
    EXPECT_EQ(other_status.reason, "the probe guest exited with status 3 instead of 57");

    KvmVerdict panic = probe("echo panic >&5");
    EXPECT_FALSE(panic.works);
    EXPECT_EQ(panic.reason, "the probe guest's kernel panicked");

    KvmVerdict silent = probe("exit 1");
    EXPECT_FALSE(silent.works);
    EXPECT_EQ(silent.reason, "QEMU exited with status 1");
}

}  // namespace
