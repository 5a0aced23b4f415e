// parse_command_line(): what `ingot build` and `ingot run` accept, and the usage errors
// (exit status 2, one line) for everything else.
#include <ingot/command_line.h>
#include <ingot/tool_error.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace ingot::tool;
using Action = ParsedCommandLine::Action;

ParsedCommandLine parse(std::vector<std::string> args) {
    args.insert(args.begin(), "ingot");
    return parse_command_line(args);
}

// The usage error for `args`, checked to be one line with status 2.
std::string usage_error_of(std::vector<std::string> args) {
    try {
        parse(args);
    } catch (const ToolError& e) {
        EXPECT_EQ(e.status(), kStatusUsage);
        std::string message = e.what();
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
        EXPECT_FALSE(message.empty());
        return message;
    }
    ADD_FAILURE() << "no usage error";
    return "";
}

TEST(CommandLine, Build) {
    ParsedCommandLine p = parse({"build", "prog", "-o", "app.img", "--files", "root", "--env", "A=1",
                                 "--env", "B=x=y", "--mem", "512M"});
    ASSERT_EQ(p.action, Action::Build);
    EXPECT_EQ(p.build.program, "prog");
    EXPECT_EQ(p.build.output, "app.img");
    EXPECT_EQ(p.build.files_dir, "root");
    EXPECT_EQ(p.build.environment, (std::vector<std::string>{"A=1", "B=x=y"}));
    EXPECT_EQ(p.build.mem_bytes, 512u << 20);
    EXPECT_TRUE(p.build.args.empty());
}

TEST(CommandLine, BuildDefaults) {
    ParsedCommandLine p = parse({"build", "prog", "--output", "out"});
    ASSERT_EQ(p.action, Action::Build);
    EXPECT_EQ(p.build.output, "out");
    EXPECT_FALSE(p.build.files_dir);
    EXPECT_FALSE(p.build.mem_bytes);
    EXPECT_TRUE(p.build.environment.empty());
}

TEST(CommandLine, EverythingAfterDoubleDashBelongsToTheProgram) {
    ParsedCommandLine p = parse({"build", "prog", "-o", "img", "--", "-o", "--mem", "--", "x y", ""});
    ASSERT_EQ(p.action, Action::Build);
    EXPECT_EQ(p.build.output, "img");
    EXPECT_FALSE(p.build.mem_bytes);
    EXPECT_EQ(p.build.args, (std::vector<std::string>{"-o", "--mem", "--", "x y", ""}));
}

TEST(CommandLine, Run) {
    ParsedCommandLine p = parse({"run", "app.img", "--mem", "1G", "--machine", "q35", "--env", "K=V",
                                 "--files", "dir", "--timeout", "2.5", "--log", "debug", "--qemu",
                                 "/opt/qemu", "--dry-run", "--", "arg"});
    ASSERT_EQ(p.action, Action::Run);
    EXPECT_EQ(p.run.target, "app.img");
    EXPECT_EQ(p.run.mem_bytes, 1u << 30);
    EXPECT_EQ(p.run.machine, "q35");
    EXPECT_EQ(p.run.environment, std::vector<std::string>{"K=V"});
    EXPECT_EQ(p.run.files_dir, "dir");
    EXPECT_EQ(p.run.timeout_seconds, 2.5);
    EXPECT_EQ(p.run.log_level, "debug");
    EXPECT_EQ(p.run.qemu, "/opt/qemu");
    EXPECT_TRUE(p.run.dry_run);
    EXPECT_EQ(p.run.args, std::vector<std::string>{"arg"});
}

TEST(CommandLine, CpuCountsUpToTheKernelsLimitAreAccepted) {
    EXPECT_EQ(parse({"run", "img", "--cpus", "1"}).run.cpus, 1u);
    EXPECT_EQ(parse({"run", "img", "--cpus", "4"}).run.cpus, 4u);
    EXPECT_EQ(parse({"run", "img"}).run.cpus, std::nullopt);
    EXPECT_EQ(parse({"build", "prog", "-o", "img", "--cpus", "32"}).build.cpus, 32u);
    EXPECT_NE(usage_error_of({"run", "img", "--cpus", "33"}).find("at most 32 virtual CPUs"), std::string::npos);
    EXPECT_NE(usage_error_of({"build", "prog", "-o", "img", "--cpus", "1000"}).find("at most 32"), std::string::npos);
    EXPECT_NE(usage_error_of({"run", "img", "--cpus", "0"}).find("invalid count"), std::string::npos);
    EXPECT_NE(usage_error_of({"run", "img", "--cpus", "two"}).find("invalid count"), std::string::npos);
}

TEST(CommandLine, RunDefaults) {
    ParsedCommandLine p = parse({"run", "prog"});
    ASSERT_EQ(p.action, Action::Run);
    EXPECT_EQ(p.run.machine, "microvm");
    EXPECT_FALSE(p.run.mem_bytes);
    EXPECT_FALSE(p.run.timeout_seconds);
    EXPECT_FALSE(p.run.log_level);
    EXPECT_FALSE(p.run.qemu);
    EXPECT_FALSE(p.run.dry_run);
    EXPECT_TRUE(p.run.args.empty());
}

TEST(CommandLine, HelpAndVersionAreText) {
    for (std::vector<std::string> args : {std::vector<std::string>{"--help"}, {"-h"}, {"build", "--help"},
                                          {"run", "--help"}, {"--version"}}) {
        ParsedCommandLine p = parse(args);
        EXPECT_EQ(p.action, Action::ShowText);
        EXPECT_FALSE(p.text.empty());
    }
    EXPECT_NE(parse({"run", "--help"}).text.find("--timeout"), std::string::npos);
    EXPECT_NE(parse({"build", "--help"}).text.find("--output"), std::string::npos);
}

TEST(CommandLine, Accel) {
    ParsedCommandLine plain = parse({"accel"});
    EXPECT_EQ(plain.action, Action::Accel);
    EXPECT_FALSE(plain.accel.qemu);
    EXPECT_EQ(parse({"accel", "--qemu", "/opt/qemu"}).accel.qemu, "/opt/qemu");
    EXPECT_NE(parse({"accel", "--help"}).text.find("kvm or tcg"), std::string::npos);
    EXPECT_NE(parse({"run", "--help"}).text.find("INGOT_ACCEL"), std::string::npos);
    usage_error_of({"accel", "stray"});
    usage_error_of({"accel", "--mem", "1G"});
    usage_error_of({"accel", "--", "x"});
}

TEST(CommandLine, UsageErrors) {
    usage_error_of({});
    usage_error_of({"frobnicate"});
    usage_error_of({"build"});
    usage_error_of({"build", "prog"});  // no -o
    usage_error_of({"build", "-o", "img"});  // no program
    usage_error_of({"build", "prog", "-o"});
    usage_error_of({"build", "prog", "-o", "img", "--bogus"});
    usage_error_of({"build", "prog", "-o", "img", "stray"});
    usage_error_of({"build", "prog", "-o", ""});
    usage_error_of({"run"});
    usage_error_of({"run", "a", "b"});
    usage_error_of({"run", "a", "--dry-run=maybe"});
}

TEST(CommandLine, BadMemory) {
    for (const char* mem : {"0", "", "12Q", "-4M", "1.5G", "lots"}) {
        EXPECT_NE(usage_error_of({"build", "prog", "-o", "img", "--mem", mem}).find("--mem"), std::string::npos);
        EXPECT_NE(usage_error_of({"run", "prog", "--mem", mem}).find("--mem"), std::string::npos);
    }
}

TEST(CommandLine, BadEnvironment) {
    for (const char* env : {"NOEQUALS", "=value", ""}) {
        EXPECT_NE(usage_error_of({"build", "prog", "-o", "img", "--env", env}).find("--env"), std::string::npos);
        EXPECT_NE(usage_error_of({"run", "prog", "--env", env}).find("--env"), std::string::npos);
    }
    EXPECT_NO_THROW(validate_environment_entry("EMPTY="));
    EXPECT_NO_THROW(validate_environment_entry("lower_case=1"));
}

TEST(CommandLine, BadRunOptions) {
    EXPECT_NE(usage_error_of({"run", "p", "--machine", "vax"}).find("--machine"), std::string::npos);
    EXPECT_NE(usage_error_of({"run", "p", "--log", "loud"}).find("--log"), std::string::npos);
    EXPECT_NE(usage_error_of({"run", "p", "--timeout", "0"}).find("--timeout"), std::string::npos);
    EXPECT_NE(usage_error_of({"run", "p", "--timeout", "-3"}).find("--timeout"), std::string::npos);
    usage_error_of({"run", "p", "--timeout", "soon"});
    usage_error_of({"run", "p", "--timeout", "nan"});
}

}  // namespace
