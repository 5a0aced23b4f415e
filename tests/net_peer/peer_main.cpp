// ingot-net-peer: Ingot's network stack (kernel/net) in an ordinary Linux process, on a TAP
// interface, talking TCP to Linux's own stack on the other side of it. The process plays the
// kernel's role: it feeds received frames and the real monotonic clock to the stack
// (NetworkStack::poll) and sleeps in poll(2) on the TAP descriptor until a frame arrives or
// the stack's next timer is due (NetworkStack::next_deadline).
//
// usage: ingot-net-peer [options] send HOST PORT BYTES | receive PORT BYTES | echo PORT BYTES
// Exit status 0 when the scenario completed byte-exact, 1 with a one-line error otherwise
// (including when --timeout runs out), 2 on bad usage.
#include "peer_scenarios.h"
#include "tap_device.h"

#include <lib/clock.h>
#include <lib/random.h>
#include <net/network_stack.h>

#include <poll.h>
#include <time.h>

#include <algorithm>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

namespace ingot::net_peer {
namespace {

struct Options {
    std::string tap = "ingot0";
    net::Ipv4Address address = net::Ipv4Address::from_octets(192, 168, 77, 2);
    uint8_t prefix_length = 24;
    // Locally administered (bit 1 of the first octet), unicast.
    net::MacAddress mac{{0x02, 0x49, 0x4e, 0x47, 0x4f, 0x02}};
    ImpairmentProfile impair_out, impair_in;
    uint64_t seed = 1;
    uint64_t timeout_s = 120;
    uint32_t buffer_bytes = 0;  // 0: the stack's default SO_SNDBUF / SO_RCVBUF
    std::string ready_file;     // created once the TAP is attached and the scenario started
    std::string pcap_file;      // where to record the frames the stack sends and receives
    std::vector<std::string> scenario;
};

constexpr const char* kUsage =
    "usage: ingot-net-peer [--tap NAME] [--address A.B.C.D/PREFIX] [--mac XX:XX:XX:XX:XX:XX]\n"
    "                      [--impair-out SPEC] [--impair-in SPEC] [--seed N] [--timeout SECONDS]\n"
    "                      [--buffer BYTES] [--ready FILE] [--pcap FILE] SCENARIO\n"
    "  SCENARIO: send HOST PORT BYTES | receive PORT BYTES | echo PORT BYTES\n"
    "  SPEC: loss=PERMILLE,dup=PERMILLE,reorder=PERMILLE,delay_us=N,reorder_delay_us=N\n";

template <typename T>
bool parse_unsigned(std::string_view text, T& out) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && error == std::errc{} && end == text.data() + text.size();
}

bool parse_mac(std::string_view text, net::MacAddress& out) {
    if (text.size() != 17) return false;
    for (size_t i = 0; i < 6; ++i) {
        if (i > 0 && text[3 * i - 1] != ':') return false;
        auto [end, error] = std::from_chars(text.data() + 3 * i, text.data() + 3 * i + 2, out.bytes[i], 16);
        if (error != std::errc{} || end != text.data() + 3 * i + 2) return false;
    }
    return true;
}

bool parse_options(int argc, char** argv, Options& options, std::string& error) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg.substr(0, 2) != "--") {
            options.scenario.assign(argv + i, argv + argc);
            return true;
        }
        if (i + 1 >= argc) {
            error = std::string(arg) + " needs a value";
            return false;
        }
        std::string_view value = argv[++i];
        bool ok = true;
        if (arg == "--tap") {
            options.tap = value;
        } else if (arg == "--address") {
            size_t slash = value.find('/');
            auto address = net::Ipv4Address::parse(value.substr(0, slash));
            ok = address && slash != std::string_view::npos &&
                 parse_unsigned(value.substr(slash + 1), options.prefix_length) && options.prefix_length <= 32;
            if (ok) options.address = *address;
        } else if (arg == "--mac") {
            ok = parse_mac(value, options.mac) && !options.mac.is_multicast();
        } else if (arg == "--impair-out") {
            ok = ImpairmentProfile::parse(value, options.impair_out);
        } else if (arg == "--impair-in") {
            ok = ImpairmentProfile::parse(value, options.impair_in);
        } else if (arg == "--pcap") {
            options.pcap_file = value;
        } else if (arg == "--ready") {
            options.ready_file = value;
        } else if (arg == "--seed") {
            ok = parse_unsigned(value, options.seed);
        } else if (arg == "--timeout") {
            ok = parse_unsigned(value, options.timeout_s) && options.timeout_s > 0;
        } else if (arg == "--buffer") {
            ok = parse_unsigned(value, options.buffer_bytes) && options.buffer_bytes >= net::kTcpMinBufferSize &&
                 options.buffer_bytes <= net::kTcpMaxBufferSize;
        } else {
            error = "unknown option " + std::string(arg);
            return false;
        }
        if (!ok) {
            error = "bad value for " + std::string(arg) + ": " + std::string(value);
            return false;
        }
    }
    error = "no scenario given";
    return false;
}

void print_impairment(const char* direction, const ImpairmentCounters* counters) {
    if (!counters) return;
    std::printf("ingot-net-peer: impaired %s: %" PRIu64 " frames, %" PRIu64 " dropped, %" PRIu64
                " duplicated, %" PRIu64 " reordered\n",
                direction, counters->frames, counters->dropped, counters->duplicated, counters->reordered);
}

void print_connection(net::TcpStack& tcp, std::optional<net::TcpHandle> handle) {
    if (!handle) return;
    auto info = tcp.info(*handle);
    if (!info.ok()) return;
    const net::TcpConnectionInfo& i = info.value();
    std::fprintf(stderr,
                 "ingot-net-peer: connection %s snd_una=%u snd_nxt=%u snd_max=%u rcv_nxt=%u snd_wnd=%u rcv_wnd=%u "
                 "cwnd=%u ssthresh=%u recovery=%d rto_ms=%" PRIu64 " srtt_us=%" PRIu64
                 " unsent=%zu in_flight=%zu readable=%zu\n",
                 net::tcp_state_name(i.state), i.snd_una, i.snd_nxt, i.snd_max, i.rcv_nxt, i.send_window,
                 i.receive_window, i.cwnd, i.ssthresh, i.in_recovery, i.rto_ns / 1'000'000, i.srtt_ns / 1000,
                 i.bytes_unsent, i.bytes_in_flight, i.bytes_readable);
}

int run(const Options& options) {
    std::string error;
    std::unique_ptr<TapDevice> tap = TapDevice::open(options.tap, options.mac, error);
    if (!tap) {
        std::fprintf(stderr, "ingot-net-peer: %s\n", error.c_str());
        return 1;
    }
    tap->set_impairment(options.impair_out, options.impair_in, options.seed);
    if (!options.pcap_file.empty() && !tap->record(options.pcap_file)) {
        std::fprintf(stderr, "ingot-net-peer: cannot create %s\n", options.pcap_file.c_str());
        return 1;
    }

    net::TcpSocketOptions socket_options;
    if (options.buffer_bytes) {
        socket_options.send_buffer_size = options.buffer_bytes;
        socket_options.receive_buffer_size = options.buffer_bytes;
    }
    std::unique_ptr<Scenario> scenario = Scenario::create(options.scenario, socket_options, error);
    if (!scenario) {
        std::fprintf(stderr, "ingot-net-peer: %s\n%s", error.c_str(), kUsage);
        return 2;
    }

    net::InterfaceConfig config;
    config.mac = options.mac;
    config.address = options.address;
    config.prefix_length = options.prefix_length;
    net::SipHashKey secret;
    fill_random(secret.data(), secret.size());
    uint32_t port_seed = 0;
    fill_random(&port_seed, sizeof(port_seed));

    uint64_t now = monotonic_ns();
    tap->set_now(now);
    net::NetworkStack stack(*tap, config, net::TcpConfig{}, secret, port_seed);
    stack.interface().announce(now);
    if (!scenario->start(stack.tcp(), now, error)) {
        std::fprintf(stderr, "ingot-net-peer: %s\n", error.c_str());
        return 1;
    }
    if (!options.ready_file.empty()) {
        if (FILE* ready = std::fopen(options.ready_file.c_str(), "w")) {
            std::fputs("ready\n", ready);
            std::fclose(ready);
        }
    }

    const uint64_t give_up_at = now + options.timeout_s * kNanosPerSecond;
    uint64_t done_at = 0;
    for (;;) {
        now = monotonic_ns();
        tap->set_now(now);
        tap->release_held(now);
        stack.poll(now);
        if (!done_at) {
            Progress progress = scenario->step(stack.tcp(), now);
            if (progress == Progress::Failed) {
                std::fprintf(stderr, "ingot-net-peer: %s\n", scenario->error().c_str());
                print_connection(stack.tcp(), scenario->connection());
                scenario->abort(stack.tcp(), now);
                tap->release_held(UINT64_MAX);  // the reset should not wait in an impairment
                return 1;
            }
            if (progress == Progress::Done) done_at = now;
        }
        // After the scenario, a short grace period lets our last ACKs and FIN go out and be
        // acknowledged, as a kernel keeps a closed connection going.
        if (done_at && (stack.tcp().unsettled_connection_count() == 0 || now - done_at > kNanosPerSecond)) break;
        if (now >= give_up_at) {
            std::fprintf(stderr, "ingot-net-peer: timed out after %" PRIu64 " s with %" PRIu64 " bytes moved\n",
                         options.timeout_s, scenario->bytes());
            print_connection(stack.tcp(), scenario->connection());
            scenario->abort(stack.tcp(), now);
            tap->release_held(UINT64_MAX);  // the reset should not wait in an impairment
            return 1;
        }
        uint64_t wake = std::min({stack.next_deadline(), tap->next_release(), give_up_at});
        if (tap->inbound_due(now)) wake = now;
        uint64_t wait_ns = wake > now ? wake - now : 0;
        struct timespec timeout {
            static_cast<time_t>(wait_ns / kNanosPerSecond), static_cast<long>(wait_ns % kNanosPerSecond)
        };
        struct pollfd descriptor {tap->fd(), POLLIN, 0};
        (void)ppoll(&descriptor, 1, &timeout, nullptr);
    }

    uint64_t elapsed = scenario->last_byte_ns() - scenario->first_byte_ns();
    uint64_t rate_kbps = elapsed ? scenario->bytes() * 1'000'000 / elapsed : 0;  // kB/s
    std::printf("ingot-net-peer: %s %" PRIu64 " bytes in %" PRIu64 ".%03" PRIu64 " s = %" PRIu64 ".%03" PRIu64
                " MB/s, crc32 %08x\n",
                options.scenario[0].c_str(), scenario->bytes(), elapsed / kNanosPerSecond,
                elapsed % kNanosPerSecond / 1'000'000, rate_kbps / 1000, rate_kbps % 1000, scenario->crc());
    const net::TcpCounters& counters = stack.tcp().counters();
    std::printf("ingot-net-peer: tcp: %" PRIu64 " segments sent, %" PRIu64 " retransmitted (%" PRIu64
                " found lost again through SACK, %" PRIu64 " SACK recoveries, %" PRIu64
                " timeouts), %" PRIu64 " received; tap: %" PRIu64 " frames read, %" PRIu64
                " written, %" PRIu64 " write failures\n",
                counters.segments_sent, counters.segments_retransmitted, counters.lost_retransmissions,
                counters.sack_recoveries, counters.retransmission_timeouts,
                counters.segments_received,
                tap->counters().frames_read, tap->counters().frames_written, tap->counters().write_failures);
    print_impairment("out", tap->outbound_counters());
    print_impairment("in", tap->inbound_counters());
    return 0;
}

}  // namespace
}  // namespace ingot::net_peer

int main(int argc, char** argv) {
    ingot::net_peer::Options options;
    std::string error;
    if (!ingot::net_peer::parse_options(argc, argv, options, error)) {
        std::fprintf(stderr, "ingot-net-peer: %s\n%s", error.c_str(), ingot::net_peer::kUsage);
        return 2;
    }
    return ingot::net_peer::run(options);
}
