#include <ingot/build_report.h>

#include <ingot/image_reader.h>

#include <image/kernel_features.h>

#include <fmt/core.h>

namespace ingot::tool {

namespace {

std::string size_line(const std::string& label, uint64_t bytes, const std::string& note = "") {
    return fmt::format("ingot: {:<16}{:>10} bytes ({:.1f} KiB){}\n", label, bytes, bytes / 1024.0, note);
}

// The kernel's parts: what every variant has, then what each feature adds, marked when the
// chosen variant leaves it out. Disk support is measured at the chosen network level (it
// shares PCI discovery with the card driver). Empty when the embedded variants are missing.
std::string feature_lines(KernelVariant chosen, const EmbeddedKernels& embedded) {
    auto size = [&](NetworkLevel network, bool block) { return embedded.of({network, block}).size(); };
    uint64_t base = size(NetworkLevel::None, false), loopback = size(NetworkLevel::Loopback, false),
             net = size(NetworkLevel::Card, false);
    uint64_t without_block = size(chosen.network, false), with_block = size(chosen.network, true);
    if (base == 0 || loopback < base || net < loopback || with_block < without_block) return {};
    uint32_t features = variant_features(chosen);
    auto mark = [&](uint32_t bit) { return (features & bit) ? std::string() : std::string(", left out"); };
    std::string text = size_line("  core", base);
    text += size_line("  net", loopback - base, " (sockets, TCP/IP, loopback" + mark(image::kFeatureNet) + ")");
    text += size_line("  netcard", net - loopback, " (virtio-net, PCI, DHCP" + mark(image::kFeatureNetCard) + ")");
    text += size_line("  block", with_block - without_block,
                      " (virtio-blk, /dev/vdX, ext2/ext4" + mark(image::kFeatureBlock) + ")");
    return text;
}

}  // namespace

std::string describe_build(const KernelChoice& choice, const LoadedKernel& kernel, const EmbeddedKernels& embedded,
                           std::span<const uint8_t> image) {
    std::string text;
    if (kernel.origin == "embedded") {
        text += fmt::format("ingot: kernel variant {}: {}\n", variant_name(choice.variant), choice.reason);
        text += size_line("kernel", kernel.bytes.size());
        text += feature_lines(choice.variant, embedded);
    } else {
        text += fmt::format("ingot: kernel from {} (the {} variant would fit: {})\n", kernel.origin,
                            variant_name(choice.variant), choice.reason);
        text += size_line("kernel", kernel.bytes.size());
    }
    std::optional<ImagePayload> payload = find_payload(image);
    if (payload) {
        text += size_line("program", payload->header.program_size);
        text += size_line("root files", payload->header.files_size);
        text += size_line("config", payload->header.config_size);
    }
    text += size_line("image", image.size());
    return text;
}

}  // namespace ingot::tool
