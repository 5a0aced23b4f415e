# Sourced by the benchmarks that boot other guests beside Ingot's, and by the virtio-net smoke
# test, so that every guest runs under the accelerator `ingot run` uses on this host: KVM only
# where QEMU can really run guests with it (README: "Accelerator"), else TCG.
#
# use_ingot_accelerator INGOT QEMU: asks `INGOT accel --qemu QEMU` (which probes KVM once per
# boot and honours INGOT_ACCEL), sets accel (QEMU's -accel and -cpu options) and accel_name
# (KVM or TCG), and exports INGOT_ACCEL with the answer so that every later `ingot run`, through
# a recording --qemu wrapper too, uses the same without asking again.
use_ingot_accelerator() {
  local ingot="$1" qemu="$2" answer
  answer="$("$ingot" accel --qemu "$qemu")" ||
    { echo "cannot tell the accelerator: '$ingot accel' failed" >&2; exit 1; }
  case "$answer" in
    kvm) accel=(-accel kvm -cpu host) accel_name=KVM ;;
    tcg) accel=(-accel tcg -cpu max) accel_name=TCG ;;
    *) echo "cannot tell the accelerator: '$ingot accel' answered '$answer'" >&2; exit 1 ;;
  esac
  export INGOT_ACCEL="$answer"
}
