// The system-call table (linux/syscall_table.cpp): every number is known by its Linux name,
// the packed gap between the original calls and the ones numbered alike on every
// architecture answers as unknown, and the feature hooks stand where a variant chooses.
#include <linux/syscall.h>

#include <gtest/gtest.h>

#include <string_view>

namespace {

using ingot::syscall_handler;
using ingot::syscall_name;

std::string_view name_of(uint64_t nr) {
    const char* name = syscall_name(nr);
    return name ? name : "";
}

TEST(SyscallTable, NumbersOnBothSidesOfTheGapKeepTheirNames) {
    EXPECT_EQ(name_of(0), "read");
    EXPECT_EQ(name_of(59), "execve");
    EXPECT_EQ(name_of(334), "rseq");
    EXPECT_EQ(name_of(424), "pidfd_send_signal");
    EXPECT_EQ(name_of(435), "clone3");
    EXPECT_NE(syscall_handler(334), nullptr);
    EXPECT_NE(syscall_handler(435), nullptr);
    EXPECT_EQ(name_of(450), "set_mempolicy_home_node");
}

TEST(SyscallTable, ACallKnownByNameOnlyHasNoHandler) {
    EXPECT_EQ(name_of(26), "msync");
    EXPECT_EQ(syscall_handler(26), nullptr);
    EXPECT_EQ(name_of(27), "mincore");
    EXPECT_NE(syscall_handler(28), nullptr);
    EXPECT_EQ(name_of(28), "madvise");
}

TEST(SyscallTable, NumbersWithoutACallAreUnknown) {
    for (uint64_t nr : {335ul, 400ul, 423ul, 512ul, 100000ul, ~0ul}) {
        EXPECT_EQ(syscall_name(nr), nullptr) << nr;
        EXPECT_EQ(syscall_handler(nr), nullptr) << nr;
    }
}

}  // namespace
