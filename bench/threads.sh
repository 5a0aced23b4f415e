#!/usr/bin/env bash
# Thread benchmark (`make bench`): thread create+join, a futex round trip (mutex/condvar
# ping-pong) and the wake-up of a pipe reader while the writer runs on, measured by
# bench/threads/thread_bench.c, run three ways in one go:
#   native  the binary on this machine (the floor no guest can reach);
#   Ingot   `ingot run --net none` of the same binary;
#   Linux   Debian's cloud kernel with the same binary as /init's child (bench/linux),
#           on the same QEMU machine, CPU model, accelerator and memory as Ingot.
# Each guest runs BENCH_RUNS (3) times, alternating, and the median of its runs is reported
# with the Ingot/Linux ratio (below 1 means Ingot is faster). KVM where `ingot run` uses it.
# Environment: BUILD_DIR (build), BENCH_RUNS (3), BENCH_MEM_MIB (256), BENCH_MACHINE (microvm),
# BENCH_CPUS (1: the vCPUs of both guests), QEMU (qemu-system-x86_64), LINUX_KERNEL (a bzImage
# instead of Debian's).
set -euo pipefail
export LC_ALL=C

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$root" && realpath -m "${BUILD_DIR:-build}")"
runs="${BENCH_RUNS:-3}"
mem_mib="${BENCH_MEM_MIB:-256}"
machine="${BENCH_MACHINE:-microvm}"
cpus="${BENCH_CPUS:-1}"
qemu="${QEMU:-qemu-system-x86_64}"
ingot="$build/bin/ingot"
work="$build/bench/threads"
cache="$build/bench-cache"
mkdir -p "$work" "$cache"
[[ -x "$ingot" ]] || { echo "bench: $ingot is missing: run 'make' first" >&2; exit 1; }

source "$root/bench/lib/accel.sh"
use_ingot_accelerator "$ingot" "$qemu"

echo "bench: building the thread benchmark" >&2
gcc -static -O2 -pthread -o "$work/thread_bench" "$root/bench/threads/thread_bench.c"
"$ingot" build "$work/thread_bench" -o "$work/thread_bench.img" --mem "${mem_mib}M" >/dev/null
echo "bench: preparing the Linux guest" >&2
source "$root/bench/linux/guest.sh"
linux_paths="$("$root/bench/linux/prepare.sh" --name linux-threads "$cache" "$work" "$work/thread_bench")"
linux_guest_from "$linux_paths"

# Each run_* prints the benchmark's lines ("metric value").
run_native() { "$work/thread_bench"; }
run_ingot() { "$ingot" run --net none --machine "$machine" --cpus "$cpus" --timeout 300 "$work/thread_bench.img" 2>/dev/null; }
run_linux() {
  timeout 300 "$qemu" -M "$machine" "${accel[@]}" -smp "$cpus" -m "$mem_mib" -nodefaults -no-user-config \
    -display none -serial stdio -no-reboot -kernel "$linux_kernel" -initrd "$linux_initramfs" \
    -append "$linux_append" </dev/null 2>/dev/null | tr -d '\r' | grep -a -E '^(create_join_us|pingpong_us|pipe_wake_us) '
}

declare -A samples
for ((run = 1; run <= runs; run++)); do
  for guest in native ingot linux; do
    echo "bench: run $run/$runs: $guest" >&2
    output="$(run_$guest)" || { echo "bench: the $guest run failed" >&2; exit 1; }
    while read -r metric value; do
      samples[$guest.$metric]+="$value "
    done <<<"$output"
  done
done

median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

echo
echo "Thread benchmark: $accel_name, QEMU $machine, $cpus vCPU, ${mem_mib} MiB, median of $runs runs (us, lower is better)"
printf '| %-28s | %10s | %10s | %10s | %12s |\n' metric native Ingot Linux "Ingot/Linux"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..30})" "$(printf -- '-%.0s' {1..12})" \
  "$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..14})"
for metric in create_join_us pingpong_us pipe_wake_us; do
  n="$(median "${samples[native.$metric]}")" i="$(median "${samples[ingot.$metric]}")"
  l="$(median "${samples[linux.$metric]}")"
  label="thread create+join"
  [[ $metric == pingpong_us ]] && label="futex ping-pong round trip"
  [[ $metric == pipe_wake_us ]] && label="pipe reader woken, writer on"
  printf '| %-28s | %10s | %10s | %10s | %12s |\n' "$label" "$n" "$i" "$l" "$(awk -v a="$i" -v b="$l" 'BEGIN {printf "%.2f", a / b}')"
done
