#include <block/disk_registry.h>
#include <drivers/pci/pci_bus_scan.h>
#include <drivers/virtio/block_device_discovery.h>
#include <drivers/virtio/kernel_completion_wait.h>
#include <drivers/virtio/virtio_blk.h>
#include <drivers/virtio/virtio_blk_spec.h>
#include <drivers/virtio/virtio_interrupts.h>
#include <drivers/virtio/virtio_mmio_slots.h>
#include <drivers/virtio/virtio_pci_transport.h>
#include <lib/log.h>

#include <algorithm>

namespace ingot::virtio {
namespace {

// One disk's driver objects; they live as long as the kernel.
struct DiskDriver {
    KernelCompletionWait wait;
    VirtioBlk* blk = nullptr;
};

void virtio_blk_interrupt(void* context) { static_cast<VirtioBlk*>(context)->handle_interrupt(); }

// Starts the driver on an initialised transport; the interrupt is set up by set_up_interrupt
// (which may return -1 for none). Registers the disk and logs it; false on failure.
template <typename SetUpInterrupt>
bool start_disk(VirtioTransport& transport, const char* where, uint64_t location, SetUpInterrupt set_up_interrupt) {
    auto* driver = new DiskDriver();
    driver->blk = new VirtioBlk(transport, driver->wait);
    int vector = set_up_interrupt(driver->blk);
    driver->wait.set_interrupts(vector >= 0);
    if (auto ready = driver->blk->init(); !ready.ok()) {
        log_error("disk: virtio-blk at %s %lx unusable (%s)", where, location, errno_name(ready.error()));
        if (vector >= 0) release_interrupt_vector(static_cast<uint8_t>(vector));
        delete driver->blk;
        delete driver;
        return false;
    }
    size_t index = registered_disks().size();
    if (!register_disk(*driver->blk)) {
        log_error("disk: more than %zu disks; virtio-blk at %s %lx is not used", kMaxDisks, where, location);
        return false;
    }
    const VirtioBlk::Geometry& g = driver->blk->geometry();
    log_debug("disk: /dev/%s: %s %lx, %lu sectors%s%s, %s", disk_name(index), where, location, g.sectors,
              g.read_only ? ", read-only" : "", g.flush ? ", write cache" : "", vector >= 0 ? "interrupts" : "polled");
    return true;
}

}  // namespace

size_t register_block_devices(const BlockDeviceSearch& search) {
    size_t before = registered_disks().size();
    bool machine_has_pci = false;
    if (search.pci) {
        std::vector<pci::PciFunction> functions = pci::scan_pci_bus(*search.pci, 0);
        machine_has_pci = !functions.empty();
        for (const pci::PciFunction& function : functions) {
            std::optional<uint32_t> type = VirtioPciTransport::device_type_of(function);
            if (!type || *type != kDeviceIdBlock) continue;
            auto* transport = new VirtioPciTransport(*search.pci, function);
            const pci::PciAddress& a = function.address;
            uint64_t location = (uint64_t{a.bus} << 8) | (uint64_t{a.device} << 3) | a.function;
            if (!transport->init().ok()) {
                log_error("disk: virtio-blk at PCI %lx has no usable modern interface", location);
                delete transport;
                continue;
            }
            start_disk(*transport, "PCI", location, [&](VirtioBlk* blk) {
                return set_up_msix(*search.pci, function, *transport, virtio_blk_interrupt, blk);
            });
        }
    }
    std::vector<VirtioMmioLocation> locations =
        virtio_mmio_candidates(search.command_line, search.probe_microvm_slots && !machine_has_pci);
    // QEMU prepends each new transport's bus to the list it plugs -device entries into, so the
    // first disk on its command line sits at the highest address (hw/arm/virt.c explains it).
    std::sort(locations.begin(), locations.end(),
              [](const VirtioMmioLocation& a, const VirtioMmioLocation& b) { return a.base > b.base; });
    for (const VirtioMmioLocation& location : locations) {
        VirtioMmioTransport* transport = map_virtio_mmio_transport(location);
        if (!transport->init().ok() || transport->device_type() != kDeviceIdBlock) {
            if (transport->device_type() == kDeviceIdBlock)
                log_error("disk: virtio-blk at %lx is a legacy virtio-mmio device; not driven", location.base);
            delete transport;
            continue;
        }
        start_disk(*transport, "virtio-mmio", location.base, [&](VirtioBlk* blk) {
            return set_up_mmio_interrupt(location, virtio_blk_interrupt, blk);
        });
    }
    return registered_disks().size() - before;
}

}  // namespace ingot::virtio
