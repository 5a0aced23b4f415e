#!/usr/bin/env bash
# Disk benchmark (`make bench`): the same two static programs on the same kind of disk,
#   Ingot   `ingot run --volume DISK:/data PROGRAM` (the kernel's virtio-blk, ext4 and cache);
#   Linux   Debian's cloud kernel mounting the same kind of disk at /data
#           (bench/linux/disk_init.c), with exactly the QEMU options `ingot run` used;
# each on a fresh ext4 image from `ingot disk create` (same size, same features).
# bench/disk/disk_bench.c does fio-style 4 KiB sequential and random reads and writes;
# bench/disk/sqlite_bench.c does SQLite commits with synchronous=FULL (Debian's libsqlite3.a).
# (ext4 is built into that kernel; virtio-blk is a module.)
# Each guest runs BENCH_RUNS (3) times, alternating; the median is reported with the
# Ingot/Linux ratio (above 1 means Ingot is faster: every metric is a rate).
# Environment: BUILD_DIR (build), BENCH_RUNS (3), BENCH_MEM_MIB (256), BENCH_MACHINE (microvm),
# BENCH_DISK_MIB (file size of disk_bench, 64), QEMU, LINUX_KERNEL and LINUX_MODULES.
set -euo pipefail
export LC_ALL=C

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$root" && realpath -m "${BUILD_DIR:-build}")"
runs="${BENCH_RUNS:-3}"
mem_mib="${BENCH_MEM_MIB:-256}"
machine="${BENCH_MACHINE:-microvm}"
file_mib="${BENCH_DISK_MIB:-64}"
qemu="${QEMU:-qemu-system-x86_64}"
ingot="$build/bin/ingot"
work="$build/bench/disk"
cache="$build/bench-cache"
mkdir -p "$work" "$cache"
[[ -x "$ingot" ]] || { echo "bench: $ingot is missing: run 'make' first" >&2; exit 1; }
fail() { echo "bench: disk: $*" >&2; exit 1; }
source "$root/bench/lib/accel.sh"
use_ingot_accelerator "$ingot" "$qemu"

echo "bench: building the disk benchmarks" >&2
gcc -static -O2 -o "$work/disk_bench" "$root/bench/disk/disk_bench.c"
# glibc warns that the sqlite library's dlopen needs shared libraries at run time; unused here.
gcc -static -O2 -o "$work/sqlite_bench" "$root/bench/disk/sqlite_bench.c" -lsqlite3 -lm 2>/dev/null ||
  fail "cannot link bench/disk/sqlite_bench.c against libsqlite3.a (Debian: libsqlite3-dev)"
disk_size=$((file_mib * 3 + 128))M

# The Linux guest gets exactly the QEMU options of `ingot run` (bench/lib/guests.sh).
source "$root/bench/lib/guests.sh"
learn_machine_args() {  # DISK
  learn_qemu_args "$work" 'virtio-blk*' "$ingot" --machine "$machine" --mem "${mem_mib}M" --net none \
    --volume "$1:/data" "$work/disk_bench"
}

fresh_disk() {  # PATH
  rm -f "$1"
  "$ingot" disk create "$1" --size "$disk_size" >/dev/null || fail "ingot disk create failed"
}

echo "bench: preparing the Linux guest" >&2
source "$root/bench/linux/guest.sh"
linux_paths="$("$root/bench/linux/prepare.sh" --name linux-disk --init "$root/bench/linux/disk_init.c" \
                 --module virtio_blk --module virtio_mmio --module virtio_pci \
                 --add "$work/disk_bench:/disk_bench" --add "$work/sqlite_bench:/sqlite_bench" \
                 "$cache" "$work")" || fail "bench/linux/prepare.sh failed"
linux_guest_from "$linux_paths"
fresh_disk "$work/disk-ingot.img"
learn_machine_args "$work/disk-ingot.img"

# Each run_* PROGRAM ARGS... prints the program's "metric value" lines.
run_ingot() {
  local program="$1"
  shift
  fresh_disk "$work/disk-ingot.img"
  "$ingot" run --net none --machine "$machine" --mem "${mem_mib}M" --timeout 900 \
    --volume "$work/disk-ingot.img:/data" "$work/$program" -- "$@" 2>"$work/ingot.err"
}
run_linux() {
  local program="$1"
  shift
  fresh_disk "$work/disk-ingot.img"  # the same path: the learnt -drive option names it
  timeout 900 "$qemu" "${machine_args[@]}" -m "$mem_mib" -nodefaults -no-user-config -display none \
    -serial stdio -no-reboot -kernel "$linux_kernel" -initrd "$linux_initramfs" \
    -append "$linux_append -- /dev/vda /data /$program $*" </dev/null 2>"$work/linux.err" |
    tr -d '\r' | grep -a -E '^[a-z_]+ [0-9.]+$'
}

declare -A samples
metrics=()
for ((run = 1; run <= runs; run++)); do
  for guest in ingot linux; do
    for job in "disk_bench /data $file_mib" "sqlite_bench /data"; do
      echo "bench: run $run/$runs: $guest: $job" >&2
      # shellcheck disable=SC2086
      output="$(run_$guest $job)" || fail "the $guest run of $job failed (see $work/$guest.err)"
      while read -r metric value; do
        [[ -n ${samples[ingot.$metric]+x}${samples[linux.$metric]+x} ]] || metrics+=("$metric")
        samples[$guest.$metric]+="$value "
      done <<<"$output"
    done
  done
done

median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

echo
echo "Disk benchmark: $accel_name, QEMU $machine, ${mem_mib} MiB, ext4 from 'ingot disk create'," \
     "${file_mib} MiB file, median of $runs runs (higher is better)"
printf '| %-22s | %10s | %10s | %12s |\n' metric Ingot Linux "Ingot/Linux"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..24})" "$(printf -- '-%.0s' {1..12})" \
  "$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..14})"
for metric in "${metrics[@]}"; do
  i="$(median "${samples[ingot.$metric]-}")" l="$(median "${samples[linux.$metric]-}")"
  printf '| %-22s | %10s | %10s | %12s |\n' "$metric" "$i" "$l" \
    "$(awk -v a="$i" -v b="$l" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}')"
done
echo "- QEMU options of both guests: ${machine_args[*]}"
