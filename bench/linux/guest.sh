# Sourced by the benchmarks that boot the Linux comparison guest (boot.sh, threads.sh, http.sh).
# linux_guest_from PATHS: takes prepare.sh's output (the "kernel PATH" and "initramfs PATH"
# lines) and sets linux_kernel, linux_initramfs and linux_append: a serial console, quiet, and,
# under TCG, the TSC frequency that the guest cannot measure reliably itself (tsc_khz.c).
# Needs $root (the repository), $work (a scratch directory) and $accel_name (KVM or TCG).
linux_guest_from() {
  linux_kernel="$(awk '$1 == "kernel" {print $2}' <<<"$1")"
  linux_initramfs="$(awk '$1 == "initramfs" {print $2}' <<<"$1")"
  linux_append="console=ttyS0 quiet panic=-1"
  if [[ $accel_name == TCG ]]; then
    gcc -O2 -o "$work/tsc_khz" "$root/bench/linux/tsc_khz.c"
    linux_append+=" tsc_early_khz=$("$work/tsc_khz")"  # see bench/linux/tsc_khz.c
  fi
}
