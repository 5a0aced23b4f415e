// The system-call table (linux/syscall_table.cpp): every number is known by its Linux name,
// the packed gap between the original calls and the ones numbered alike on every
// architecture answers as unknown, and the feature hooks stand where a variant chooses.
#include <linux/syscall.h>

#include <gtest/gtest.h>

#include <string_view>

namespace {

using ingot::syscall_entry;

std::string_view name_of(uint64_t nr) {
    const char* name = syscall_entry(nr).name;
    return name ? name : "";
}

TEST(SyscallTable, NumbersOnBothSidesOfTheGapKeepTheirNames) {
    EXPECT_EQ(name_of(0), "read");
    EXPECT_EQ(name_of(59), "execve");
    EXPECT_EQ(name_of(334), "rseq");
    EXPECT_EQ(name_of(424), "pidfd_send_signal");
    EXPECT_EQ(name_of(435), "clone3");
    EXPECT_NE(syscall_entry(334).handler, nullptr);
    EXPECT_NE(syscall_entry(435).handler, nullptr);
}

TEST(SyscallTable, NumbersWithoutACallAreUnknown) {
    for (uint64_t nr : {335ul, 400ul, 423ul, 512ul, 100000ul, ~0ul}) {
        EXPECT_EQ(syscall_entry(nr).name, nullptr) << nr;
        EXPECT_EQ(syscall_entry(nr).handler, nullptr) << nr;
    }
}

}  // namespace
