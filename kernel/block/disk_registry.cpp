#include <block/disk_registry.h>

#include <array>

namespace ingot {
namespace {

struct Registry {
    std::array<BlockDevice*, kMaxDisks> disks{};
    size_t count = 0;
};

Registry& registry() {
    static Registry instance;
    return instance;
}

}  // namespace

bool register_disk(BlockDevice& device) {
    Registry& r = registry();
    if (r.count == kMaxDisks) return false;
    r.disks[r.count++] = &device;
    return true;
}

std::span<BlockDevice* const> registered_disks() { return {registry().disks.data(), registry().count}; }

void clear_registered_disks() { registry().count = 0; }

const char* disk_name(size_t index) {
    static constexpr const char* kNames[kMaxDisks] = {"vda", "vdb", "vdc", "vdd", "vde", "vdf", "vdg", "vdh", "vdi",
                                                       "vdj", "vdk", "vdl", "vdm", "vdn", "vdo", "vdp", "vdq", "vdr",
                                                       "vds", "vdt", "vdu", "vdv", "vdw", "vdx", "vdy", "vdz"};
    return index < kMaxDisks ? kNames[index] : "vd?";
}

}  // namespace ingot
