#include <ingot/build_report.h>

#include <ingot/image_reader.h>
#include <ingot/packed_kernel_reader.h>

#include <image/kernel_features.h>

#include <fmt/core.h>

#include <optional>

namespace ingot::tool {

namespace {

std::string size_line(const std::string& label, uint64_t bytes, const std::string& note = "") {
    return fmt::format("ingot: {:<16}{:>10} bytes ({:.1f} KiB){}\n", label, bytes, bytes / 1024.0, note);
}

// What a kernel takes in the image and, when it is packed (image/packed_kernel.h), its code and
// data uncompressed.
struct KernelSize {
    uint64_t file = 0;
    uint64_t uncompressed = 0;
    bool packed = false;
};

KernelSize size_of(std::span<const uint8_t> kernel) {
    std::optional<image::PackedKernelHeader> header = find_packed_kernel(kernel);
    return {kernel.size(), header ? header->content_bytes : 0, header.has_value()};
}

std::string uncompressed_note(const KernelSize& size) {
    return size.packed ? fmt::format(", {} uncompressed", size.uncompressed) : "";
}

struct FeaturePart {
    uint32_t bit;
    uint32_t needs;  // the feature it builds on, if any
    const char* label;
    const char* contents;
};
constexpr FeaturePart kParts[] = {
    {image::kFeatureNet, 0, "  net", "sockets, TCP/IP, loopback"},
    {image::kFeatureNetCard, image::kFeatureNet, "  netcard", "virtio-net, PCI, DHCP"},
    {image::kFeatureProcess, 0, "  process", "fork, vfork, clone of processes, execve"},
    {image::kFeaturePoll, 0, "  poll", "poll, select, epoll, eventfd"},
    {image::kFeatureBlock, 0, "  block", "virtio-blk, /dev/vdX, ext2/ext4"},
};

// What `part` adds to a kernel: the difference between two embedded variants that differ by
// it alone, those next to the chosen one (features `chosen`) when they exist, else the
// smallest pair. nullopt when no such pair is embedded.
std::optional<KernelSize> part_size(const FeaturePart& part, uint32_t chosen, const EmbeddedKernels& embedded) {
    uint32_t dependents = part.bit == image::kFeatureNet ? uint32_t{image::kFeatureNetCard} : 0u;
    uint32_t with = chosen | part.bit | part.needs;
    const EmbeddedKernel* larger = embedded.exactly(with);
    const EmbeddedKernel* smaller = embedded.exactly(with & ~(part.bit | dependents));
    if (!larger || !smaller) {
        larger = smaller = nullptr;
        for (const EmbeddedKernel& kernel : embedded.kernels) {
            if ((kernel.features & part.bit) || (kernel.features & part.needs) != part.needs) continue;
            const EmbeddedKernel* twin = embedded.exactly(kernel.features | part.bit);
            if (twin && (!smaller || kernel.bytes.size() < smaller->bytes.size())) {
                smaller = &kernel;
                larger = twin;
            }
        }
    }
    if (!larger) return std::nullopt;
    KernelSize with_part = size_of(larger->bytes), without = size_of(smaller->bytes);
    if (with_part.file < without.file) return std::nullopt;
    bool packed = with_part.packed && without.packed && with_part.uncompressed >= without.uncompressed;
    return KernelSize{with_part.file - without.file, packed ? with_part.uncompressed - without.uncompressed : 0,
                      packed};
}

// The kernel's parts: what every variant has, then what each feature adds, marked when the
// chosen kernel leaves it out. Empty when the embedded kernels lack the base variant.
std::string feature_lines(uint32_t chosen, const EmbeddedKernels& embedded) {
    const EmbeddedKernel* base = embedded.exactly(0);
    if (!base) return {};
    KernelSize core = size_of(base->bytes);
    std::string text = size_line("  core", core.file, uncompressed_note(core));
    for (const FeaturePart& part : kParts) {
        std::optional<KernelSize> size = part_size(part, chosen, embedded);
        if (!size) continue;
        const char* left_out = (chosen & part.bit) ? "" : ", left out";
        text += size_line(part.label, size->file,
                          fmt::format("{} ({}{})", uncompressed_note(*size), part.contents, left_out));
    }
    return text;
}

// The kernel's line: its size in the image, and uncompressed when it is packed.
std::string kernel_line(std::span<const uint8_t> kernel) {
    KernelSize size = size_of(kernel);
    if (!size.packed) return size_line("kernel", size.file);
    return size_line("kernel", size.file,
                     fmt::format(" compressed, {} bytes ({:.1f} KiB) uncompressed", size.uncompressed,
                                 size.uncompressed / 1024.0));
}

}  // namespace

std::string describe_build(const KernelChoice& choice, const LoadedKernel& kernel, const EmbeddedKernels& embedded,
                           std::span<const uint8_t> image) {
    std::string text;
    if (kernel.origin == "embedded") {
        text += fmt::format("ingot: kernel variant {}: {}\n", variant_name(kernel.features), choice.reason);
        text += kernel_line(kernel.bytes);
        text += feature_lines(kernel.features, embedded);
    } else {
        text += fmt::format("ingot: kernel from {} (the {} variant would fit: {})\n", kernel.origin,
                            variant_name(choice.features), choice.reason);
        text += kernel_line(kernel.bytes);
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
