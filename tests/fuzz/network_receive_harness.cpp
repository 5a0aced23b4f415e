#include <net/network_stack.h>
#include <net/tcp/siphash.h>
#include <net/tcp/tcp_types.h>

#include "frame_description.h"
#include "frame_rewriter.h"
#include "fuzz_application.h"
#include "fuzz_network_device.h"
#include "harness_network.h"
#include "network_receive_harness.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

namespace ingot::fuzz {
namespace {

constexpr net::SipHashKey kSecret{0x49, 0x6e, 0x67, 0x6f, 0x74, 0x20, 0x66, 0x75,
                                  0x7a, 0x7a, 0x20, 0x73, 0x65, 0x65, 0x64, 0x21};
constexpr uint32_t kUdpPortSeed = 0x1234;

constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kSec = 1'000 * kMs;
constexpr uint64_t kStartNs = 1 * kSec;
// Steps chosen around the stack's timers: delayed ACK (40 ms), RTO (200 ms .. 120 s), ARP
// retries (1 s) and expiry (60 s), reassembly, TIME-WAIT and FIN-WAIT-2 (60 s).
constexpr std::array<uint64_t, 16> kTimeSteps{0,         1 * kMs,   10 * kMs,  40 * kMs,
                                              100 * kMs, 200 * kMs, 500 * kMs, 1 * kSec,
                                              2 * kSec,  3 * kSec,  5 * kSec,  10 * kSec,
                                              30 * kSec, 61 * kSec, 121 * kSec, 600 * kSec};

// Control byte bits.
constexpr uint8_t kTimeStepMask = 0x0f;
constexpr uint8_t kAddressToUs = 0x10;
constexpr uint8_t kRepairChecksums = 0x20;
constexpr uint8_t kFollowConversation = 0x40;
constexpr uint8_t kDeviceRefuses = 0x80;

constexpr size_t kRecordHeader = 4;        // control, application, length (2)
constexpr int kMaxTimerRuns = 64;          // timer expirations run at the end of an input
constexpr uint64_t kTimerHorizonNs = 15 * 60 * kSec;

net::InterfaceConfig interface_config() {
    net::InterfaceConfig config;
    config.mac = kOurMac;
    config.address = kOurIp;
    config.prefix_length = 24;
    config.gateway = kGatewayIp;
    return config;
}

// Runs timers in deadline order, up to a bound, so that retransmissions, keep-alives,
// TIME-WAIT and expiry happen within one input.
uint64_t run_timers(net::NetworkStack& stack, FuzzApplication* application, uint64_t now) {
    const uint64_t horizon = now + kTimerHorizonNs;
    for (int i = 0; i < kMaxTimerRuns; ++i) {
        const uint64_t deadline = stack.next_deadline();
        if (deadline > horizon) break;
        now = std::max(now, deadline);
        stack.poll(now);
        if (application) application->serve(now, 0);
    }
    return now;
}

}  // namespace

void feed_network_input(std::span<const uint8_t> data) {
    FrameRewriter rewriter(kOurMac, kOurIp);
    FuzzNetworkDevice device(rewriter);
    net::NetworkStack stack(device, interface_config(), net::TcpConfig{}, kSecret, kUdpPortSeed);
    uint64_t now = kStartNs;
    stack.interface().announce(now);
    {
        FuzzApplication application(stack, now);
        stack.poll(now);

        while (data.size() >= kRecordHeader) {
            const uint8_t control = data[0];
            const uint8_t actions = data[1];
            const size_t length = std::min<size_t>(size_t{data[2]} << 8 | data[3], data.size() - kRecordHeader);
            std::vector<uint8_t> frame(data.begin() + kRecordHeader,
                                       data.begin() + static_cast<std::ptrdiff_t>(kRecordHeader + length));
            data = data.subspan(kRecordHeader + length);

            if (control & kAddressToUs) rewriter.address_to_us(frame);
            if (control & kFollowConversation) rewriter.follow_conversation(frame);
            if (control & kRepairChecksums) FrameRewriter::repair_checksums(frame);
            now += kTimeSteps[control & kTimeStepMask];
            if (harness_tracing())
                std::fprintf(stderr, "%llu ms, control 0x%02x, actions 0x%02x: %s\n",
                             static_cast<unsigned long long>(now / kMs), control, actions,
                             frame.empty() ? "no frame" : describe_frame(frame).c_str());

            device.set_refusing((control & kDeviceRefuses) != 0);
            if (!frame.empty()) device.queue(std::move(frame));
            stack.poll(now);
            application.serve(now, actions);
            device.set_refusing(false);
        }
        now = run_timers(stack, &application, now);
        application.close_all(now);
        // The application's UDP endpoint goes with it, before the stack.
    }
    (void)run_timers(stack, nullptr, now);
}

}  // namespace ingot::fuzz
