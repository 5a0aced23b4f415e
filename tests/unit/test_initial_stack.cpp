#include <proc/initial_stack.h>

#include <gtest/gtest.h>

// <cerrno> (which gtest includes) defines EINVAL etc. as macros that hide the Errno
// enumerators, so tests spell Errno::EINVAL as Errno{EINVAL}: the same Linux value.
#include <cerrno>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace ingot {
namespace {

constexpr uint64_t kStackTop = 0x7ffffffff000;

// What a libc's _start sees, decoded from the image with user addresses translated into the
// buffer (the buffer's last byte is kStackTop - 1).
struct Decoded {
    uint64_t argc = 0;
    std::vector<std::string> argv;
    std::vector<std::string> envp;
    std::vector<std::pair<uint64_t, uint64_t>> auxv;  // in order, without AT_NULL
    std::map<uint64_t, uint64_t> aux;
};

class Image {
public:
    Image(std::vector<uint8_t>& buffer, uint64_t stack_top, const InitialStack& layout)
        : buffer_(buffer), stack_top_(stack_top), layout_(layout) {}

    // Reading outside [rsp, stack_top) is a test failure: the kernel copies only that.
    bool inside(uint64_t address, size_t size) const {
        return address >= layout_.user_rsp && address <= stack_top_ && size <= stack_top_ - address;
    }
    uint64_t word(uint64_t address) const {
        EXPECT_TRUE(inside(address, 8)) << std::hex << address;
        if (!inside(address, 8)) return 0;
        uint64_t value;
        memcpy(&value, at(address), 8);
        return value;
    }
    std::string string(uint64_t address) const {
        std::string s;
        for (; inside(address, 1); ++address) {
            char c = static_cast<char>(*at(address));
            if (c == '\0') return s;
            s += c;
        }
        ADD_FAILURE() << "unterminated string";
        return s;
    }
    const uint8_t* at(uint64_t address) const { return buffer_.data() + buffer_.size() - (stack_top_ - address); }

    Decoded decode() const {
        Decoded d;
        uint64_t sp = layout_.user_rsp;
        d.argc = word(sp);
        sp += 8;
        for (uint64_t i = 0; i < d.argc; ++i, sp += 8) d.argv.push_back(string(word(sp)));
        EXPECT_EQ(word(sp), 0u) << "argv not NULL-terminated";
        sp += 8;
        for (; word(sp) != 0; sp += 8) d.envp.push_back(string(word(sp)));
        sp += 8;
        for (int guard = 0; guard < 100; ++guard, sp += 16) {
            uint64_t type = word(sp), value = word(sp + 8);
            if (type == kAtNull) {
                EXPECT_EQ(value, 0u);
                return d;
            }
            d.auxv.emplace_back(type, value);
            EXPECT_TRUE(d.aux.emplace(type, value).second) << "duplicate auxv type " << type;
        }
        ADD_FAILURE() << "auxv not terminated";
        return d;
    }

private:
    std::vector<uint8_t>& buffer_;
    uint64_t stack_top_;
    InitialStack layout_;
};

std::vector<AuxEntry> typical_auxv() {
    return {{kAtSysinfoEhdr + 100, 1},  // an unknown type passes through untouched
            {kAtPhdr, 0x400040}, {kAtPhent, 56}, {kAtPhnum, 10}, {kAtPagesz, 4096}, {kAtBase, 0},
            {kAtFlags, 0}, {kAtEntry, 0x401000}, {kAtUid, 0}, {kAtEuid, 0}, {kAtGid, 0}, {kAtEgid, 0},
            {kAtSecure, 0}, {kAtClktck, 100}, {kAtHwcap, 0x178bfbff}, {kAtHwcap2, 2},
            {kAtMinSigStkSz, 3632}};
}

std::array<uint8_t, 16> sample_random() {
    std::array<uint8_t, 16> r;
    for (int i = 0; i < 16; ++i) r[i] = static_cast<uint8_t>(0xA0 + i);
    return r;
}

TEST(InitialStack, LibcSeesEverythingItNeeds) {
    std::vector<std::string_view> argv = {"/bin/hello", "--flag", "", "last arg"};
    std::vector<std::string_view> envp = {"HOME=/", "TERM=dumb"};
    auto auxv = typical_auxv();
    InitialStackInput input{argv, envp, "/bin/hello", auxv, sample_random()};
    std::vector<uint8_t> buffer(8192, 0xCC);
    auto result = build_initial_stack(buffer, kStackTop, input);
    ASSERT_TRUE(result.ok());
    InitialStack layout = result.value();
    EXPECT_EQ(layout.user_rsp % 16, 0u);
    EXPECT_EQ(layout.buffer_offset + layout.length, buffer.size());
    EXPECT_EQ(kStackTop - layout.user_rsp, layout.length);

    Image image(buffer, kStackTop, layout);
    Decoded d = image.decode();
    EXPECT_EQ(d.argc, 4u);
    EXPECT_EQ(d.argv, (std::vector<std::string>{"/bin/hello", "--flag", "", "last arg"}));
    EXPECT_EQ(d.envp, (std::vector<std::string>{"HOME=/", "TERM=dumb"}));
    for (const AuxEntry& e : auxv) {
        ASSERT_TRUE(d.aux.count(e.type)) << e.type;
        EXPECT_EQ(d.aux[e.type], e.value) << e.type;
    }
    EXPECT_EQ(d.auxv.size(), auxv.size() + 3);
    // The caller's entries come first and in order.
    for (size_t i = 0; i < auxv.size(); ++i) EXPECT_EQ(d.auxv[i].first, auxv[i].type);

    ASSERT_TRUE(d.aux.count(kAtRandom));
    ASSERT_TRUE(image.inside(d.aux[kAtRandom], 16));
    EXPECT_EQ(memcmp(image.at(d.aux[kAtRandom]), sample_random().data(), 16), 0);
    EXPECT_EQ(image.string(d.aux[kAtExecFn]), "/bin/hello");
    EXPECT_EQ(image.string(d.aux[kAtPlatform]), "x86_64");
    // Linux leaves an 8-byte zero word at the very top.
    EXPECT_EQ(image.word(kStackTop - 8), 0u);
    // Nothing below rsp was touched.
    for (size_t i = 0; i < layout.buffer_offset; ++i) ASSERT_EQ(buffer[i], 0xCC) << i;
}

TEST(InitialStack, AlignedForEveryArgumentAndEnvironmentCount) {
    std::vector<std::string_view> pool = {"a", "bb", "ccc", "dddd", "eeeee"};
    for (size_t argc = 0; argc <= 5; ++argc) {
        for (size_t envc = 0; envc <= 5; ++envc) {
            for (size_t extra_aux = 0; extra_aux <= 1; ++extra_aux) {
                auto auxv = typical_auxv();
                if (extra_aux) auxv.push_back({kAtRseqAlign, 32});
                std::span<const std::string_view> argv(pool.data(), argc);
                std::span<const std::string_view> envp(pool.data() + (5 - envc), envc);
                InitialStackInput input{argv, envp, "prog", auxv, sample_random()};
                std::vector<uint8_t> buffer(4096);
                auto result = build_initial_stack(buffer, kStackTop, input);
                ASSERT_TRUE(result.ok()) << argc << " " << envc;
                ASSERT_EQ(result.value().user_rsp % 16, 0u) << argc << " " << envc;
                Image image(buffer, kStackTop, result.value());
                Decoded d = image.decode();
                ASSERT_EQ(d.argc, argc);
                ASSERT_EQ(d.argv.size(), argc);
                for (size_t i = 0; i < argc; ++i) EXPECT_EQ(d.argv[i], pool[i]);
                ASSERT_EQ(d.envp.size(), envc);
                for (size_t i = 0; i < envc; ++i) EXPECT_EQ(d.envp[i], pool[5 - envc + i]);
                EXPECT_EQ(image.string(d.aux[kAtExecFn]), "prog");
            }
        }
    }
}

TEST(InitialStack, StringsAreOrderedLikeLinux) {
    std::vector<std::string_view> argv = {"a0", "a1"};
    std::vector<std::string_view> envp = {"E0=1"};
    InitialStackInput input{argv, envp, "/exe", {}, sample_random()};
    std::vector<uint8_t> buffer(1024);
    auto layout = build_initial_stack(buffer, kStackTop, input).value();
    Image image(buffer, kStackTop, layout);
    Decoded d = image.decode();
    uint64_t argv0 = image.word(layout.user_rsp + 8), argv1 = image.word(layout.user_rsp + 16);
    uint64_t env0 = image.word(layout.user_rsp + 32);
    EXPECT_LT(d.aux[kAtPlatform], argv0);
    EXPECT_EQ(argv1, argv0 + 3);  // strings are packed
    EXPECT_EQ(env0, argv1 + 3);
    EXPECT_EQ(d.aux[kAtExecFn], env0 + 5);
    EXPECT_EQ(d.aux[kAtExecFn] + 5, kStackTop - 8);
    EXPECT_LT(d.aux[kAtRandom] + 16, d.aux[kAtPlatform] + 1);
}

TEST(InitialStack, TooSmallBufferIsE2big) {
    std::vector<std::string_view> argv = {"/bin/prog"};
    std::vector<std::string_view> envp = {"A=1"};
    auto auxv = typical_auxv();
    InitialStackInput input{argv, envp, "/bin/prog", auxv, sample_random()};
    std::vector<uint8_t> big(4096);
    auto full = build_initial_stack(big, kStackTop, input);
    ASSERT_TRUE(full.ok());
    size_t needed = full.value().length;
    // Every smaller buffer fails cleanly; the exact size works.
    for (size_t size = 0; size < needed; ++size) {
        std::vector<uint8_t> buffer(size);
        auto result = build_initial_stack(buffer, kStackTop, input);
        ASSERT_FALSE(result.ok()) << size;
        ASSERT_EQ(result.error(), Errno{E2BIG}) << size;
    }
    std::vector<uint8_t> exact(needed);
    auto result = build_initial_stack(exact, kStackTop, input);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.value().buffer_offset, 0u);
    EXPECT_EQ(result.value().user_rsp, full.value().user_rsp);
}

TEST(InitialStack, HugeArgumentIsE2big) {
    std::string huge(100000, 'x');
    std::vector<std::string_view> argv = {huge};
    InitialStackInput input{argv, {}, "p", {}, sample_random()};
    std::vector<uint8_t> buffer(64 * 1024);
    EXPECT_EQ(build_initial_stack(buffer, kStackTop, input).error(), Errno{E2BIG});
}

TEST(InitialStack, StackTopNearZeroNeverWrapsBelowIt) {
    InitialStackInput input{{}, {}, "p", {}, sample_random()};
    std::vector<uint8_t> buffer(4096);
    EXPECT_EQ(build_initial_stack(buffer, 64, input).error(), Errno{E2BIG});
    auto ok = build_initial_stack(buffer, 256, input);
    ASSERT_TRUE(ok.ok());
    EXPECT_LE(ok.value().length, 256u);
    EXPECT_EQ(ok.value().user_rsp % 16, 0u);
}

TEST(InitialStack, BadInputIsEinval) {
    std::vector<uint8_t> buffer(4096);
    std::vector<std::string_view> with_nul = {std::string_view("a\0b", 3)};
    EXPECT_EQ(build_initial_stack(buffer, kStackTop, {with_nul, {}, "p", {}, {}}).error(), Errno{EINVAL});
    EXPECT_EQ(build_initial_stack(buffer, kStackTop, {{}, with_nul, "p", {}, {}}).error(), Errno{EINVAL});
    EXPECT_EQ(build_initial_stack(buffer, kStackTop, {{}, {}, std::string_view("p\0", 2), {}, {}}).error(),
              Errno{EINVAL});
    for (uint64_t type : {kAtNull, kAtRandom, kAtExecFn, kAtPlatform}) {
        std::vector<AuxEntry> auxv = {{kAtPagesz, 4096}, {type, 0}};
        EXPECT_EQ(build_initial_stack(buffer, kStackTop, {{}, {}, "p", auxv, {}}).error(), Errno{EINVAL}) << type;
    }
    EXPECT_EQ(build_initial_stack(buffer, 0x0000800000001000, {{}, {}, "p", {}, {}}).error(), Errno{EINVAL});
}

TEST(InitialStack, StackTopNeedNotBeAligned) {
    InitialStackInput input{{}, {}, "p", {}, sample_random()};
    for (uint64_t top = kStackTop - 15; top <= kStackTop; ++top) {
        std::vector<uint8_t> buffer(512);
        auto result = build_initial_stack(buffer, top, input);
        ASSERT_TRUE(result.ok());
        EXPECT_EQ(result.value().user_rsp % 16, 0u);
        Image image(buffer, top, result.value());
        EXPECT_EQ(image.decode().argc, 0u);
    }
}

}  // namespace
}  // namespace ingot
