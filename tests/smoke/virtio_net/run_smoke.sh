#!/bin/bash
# Boots the virtio-net smoke kernel on QEMU's q35, pc and microvm with user networking and a
# packet capture of the netdev, then checks the kernel's report and the capture.
#   tests/smoke/virtio_net/run_smoke.sh SMOKE_KERNEL [OUTPUT_DIR]
# virtio-mmio is driven only in its modern form (version 2); QEMU's virtio-mmio defaults to
# legacy, hence -global virtio-mmio.force-legacy=false.
# The accelerator is the one `ingot run` uses here (bench/lib/accel.sh), asked of $INGOT
# (default build/bin/ingot); without that binary, or with INGOT_SMOKE_ACCEL=tcg, TCG.
set -u
kernel=${1:?usage: run_smoke.sh SMOKE_KERNEL [OUTPUT_DIR]}
out=${2:-$(mktemp -d)}
here=$(cd "$(dirname "$0")" && pwd)
repository=$(cd "$here/../../.." && pwd)
qemu=${INGOT_QEMU:-qemu-system-x86_64}
ingot=${INGOT:-$repository/build/bin/ingot}
accel=(-accel tcg -cpu max)
if [ "${INGOT_SMOKE_ACCEL:-}" != tcg ]; then
    if [ -x "$ingot" ]; then
        source "$repository/bench/lib/accel.sh"
        use_ingot_accelerator "$ingot" "$qemu"
    else
        echo "note: $ingot not found; using TCG (set INGOT to the ingot binary to use KVM where it works)"
    fi
fi
mkdir -p "$out"
failures=0

run() {  # name machine device [extra qemu arguments...]
    local name=$1 machine=$2 device=$3
    shift 3
    rm -f "$out/$name.pcap" "$out/$name.log"
    timeout 120 "$qemu" -M "$machine" "${accel[@]}" -m 256M -nodefaults -no-user-config -display none -no-reboot \
        -kernel "$kernel" -chardev file,id=err,path="$out/$name.log" \
        -device isa-debugcon,iobase=0xe9,chardev=err -device isa-debug-exit,iobase=0xf4,iosize=4 \
        -global virtio-mmio.force-legacy=false -netdev user,id=n0 -device "$device,netdev=n0" \
        -object filter-dump,id=f0,netdev=n0,file="$out/$name.pcap" "$@"
    local status=$?  # isa-debug-exit: (0 << 1) | 1 for success
    sed 's/^/    /' "$out/$name.log"
    if [ $status -eq 1 ] && python3 "$here/check_pcap.py" "$out/$name.pcap" 52:54:00:12:34:56; then
        echo "PASS $name"
    else
        echo "FAIL $name (QEMU status $status)"
        failures=$((failures + 1))
    fi
}

run q35 q35 virtio-net-pci
run pc pc virtio-net-pci
run pc-transitional-off pc virtio-net-pci,disable-legacy=on
run microvm microvm virtio-net-device
run microvm-acpi-off microvm,acpi=off virtio-net-device
run microvm-ioapic2-off microvm,ioapic2=off virtio-net-device
echo "captures and logs in $out"
exit $((failures > 0))
