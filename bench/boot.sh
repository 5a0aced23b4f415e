#!/usr/bin/env bash
# Boot benchmark (`make bench`): how long a QEMU guest takes from start to exit, how large it
# is and how little memory it boots in, for three guests under the same QEMU:
#   floor  bench/floor: a PVH kernel whose first instruction powers the machine off — the
#          hypervisor's own cost, which no guest can go below;
#   Ingot  the musl "hello, world" (tests/guest/hello.c) cast into an Ingot image, booted by
#          `ingot run --net none` (the other guests have no network card either) and, to
#          separate the tool's own cost, by its QEMU command alone;
#   Linux  Debian's cloud kernel with an initramfs whose /init runs the same hello binary and
#          powers off (bench/linux).
# Each is measured on microvm and pc. Boot-to-exit time is the median of BENCH_RUNS (20) runs,
# each timed around the whole QEMU (or `ingot run`) process. KVM is used where `ingot run` uses
# it (bench/lib/accel.sh), TCG otherwise. Results go to stdout and to build/bench/results.md.
# Environment: BUILD_DIR (build), BENCH_RUNS (20), BENCH_MEM_MIB (256), QEMU
# (qemu-system-x86_64), LINUX_KERNEL (a bzImage instead of Debian's), BENCH_MACHINES.
set -euo pipefail
export LC_ALL=C  # EPOCHREALTIME and awk print with a "." decimal point

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$root" && realpath -m "${BUILD_DIR:-build}")"
runs="${BENCH_RUNS:-20}"
mem_mib="${BENCH_MEM_MIB:-256}"
qemu="${QEMU:-qemu-system-x86_64}"
read -r -a machines <<<"${BENCH_MACHINES:-microvm pc}"
ingot="$build/bin/ingot"
kernel_elf="$build/kernel/ingot-kernel"
hello="$build/tests/guest/hello_musl"
cache="$build/bench-cache"
work="$build/bench"
probe_timeout=60
mkdir -p "$work" "$cache"

for needed in "$ingot" "$hello"; do
  [[ -x "$needed" ]] || { echo "bench: $needed is missing: run 'make' first" >&2; exit 1; }
done
command -v "$qemu" >/dev/null || { echo "bench: $qemu not found" >&2; exit 1; }

source "$root/bench/lib/accel.sh"
use_ingot_accelerator "$ingot" "$qemu"

# --- the guests --------------------------------------------------------------------------

echo "bench: building the floor kernel" >&2
gcc -c -o "$work/floor.o" "$root/bench/floor/floor.S"
ld -m elf_x86_64 -nostdlib -static -z noexecstack -T "$root/bench/floor/floor.ld" \
   -o "$work/floor.elf" "$work/floor.o"

echo "bench: preparing the Linux guest" >&2
source "$root/bench/linux/guest.sh"
linux_paths="$("$root/bench/linux/prepare.sh" "$cache" "$work" "$hello")"
linux_guest_from "$linux_paths"

echo "bench: casting hello into an Ingot image" >&2
ingot_ok=yes
if ! "$ingot" build "$hello" -o "$work/hello.img" >"$work/ingot-build.log" 2>&1; then
  echo "bench: ingot build failed (see $work/ingot-build.log); Ingot rows are skipped" >&2
  ingot_ok=no
fi

# --- running one guest once ----------------------------------------------------------------
# Each run_* function boots once with MIB MiB on MACHINE, leaves the output in $work/last.*,
# and succeeds only when the guest did its work and exited the expected way.

# The QEMU machine options `ingot run` uses, learnt by running it once through a recorder
# (--qemu), so that the floor and Linux boot on exactly the same machine, CPU and accelerator.
declare -A machine_args
learn_machine_args() {
  local machine="$1" recorder="$work/qemu-recorder" argv_file="$work/ingot-qemu-$1.argv"
  printf '#!/bin/sh\nprintf "%%s\\0" "$@" >"%s"\nexec "%s" "$@"\n' "$argv_file" \
    "$(command -v "$qemu")" >"$recorder"
  chmod +x "$recorder"
  rm -f "$argv_file"
  machine_args[$machine]="-M $machine ${accel[*]}"
  [[ $ingot_ok == yes ]] || return 0
  "$ingot" run --qemu "$recorder" --net none --machine "$machine" --mem "${mem_mib}M" "$work/hello.img" \
    </dev/null >/dev/null 2>&1 || true
  [[ -s "$argv_file" ]] || return 0
  local -a argv learnt=()
  mapfile -d '' -t argv <"$argv_file"
  for ((i = 0; i < ${#argv[@]}; i++)); do
    case "${argv[i]}" in
      -M|-machine|-cpu|-accel) learnt+=("${argv[i]}" "${argv[i + 1]}"); i=$((i + 1)) ;;
      -enable-kvm) learnt+=(-enable-kvm) ;;
    esac
  done
  [[ ${#learnt[@]} -gt 0 ]] && machine_args[$machine]="${learnt[*]}"
  return 0
}

run_floor() {  # MACHINE MIB
  local status=0
  read -r -a margs <<<"${machine_args[$1]}"
  timeout "$probe_timeout" "$qemu" "${margs[@]}" -m "$2" -nodefaults -no-user-config \
    -display none -serial none -device isa-debug-exit,iobase=0xf4,iosize=4 \
    -kernel "$work/floor.elf" </dev/null >"$work/last.out" 2>"$work/last.err" || status=$?
  [[ $status -eq 1 ]]  # isa-debug-exit with value 0
}

run_ingot() {  # MACHINE MIB [extra ingot options]
  local machine="$1" mib="$2" status=0
  shift 2
  [[ $ingot_ok == yes ]] || return 1
  timeout "$probe_timeout" "$ingot" run --net none --machine "$machine" --mem "${mib}M" "$@" \
    "$work/hello.img" </dev/null >"$work/last.out" 2>"$work/last.err" || status=$?
  [[ $status -eq 0 && "$(cat "$work/last.out")" == "hello, world" ]]
}

# The QEMU command that `ingot run` used, replayed without the tool: its channels are files
# it opened as descriptors 3 (stdout), 4 (stderr) and 5 (control), so the replay opens the same.
run_direct() {  # MACHINE MIB
  local argv_file="$work/ingot-qemu-$1.argv" status=0
  [[ -s "$argv_file" ]] || return 1
  local -a argv
  mapfile -d '' -t argv <"$argv_file"
  for ((i = 0; i < ${#argv[@]} - 1; i++)); do
    [[ "${argv[i]}" == -m ]] && argv[i + 1]="${2}M"
  done
  timeout "$probe_timeout" "$qemu" "${argv[@]}" </dev/null >/dev/null 2>&1 \
    3>"$work/last.out" 4>"$work/last.err" 5>"$work/last.ctl" || status=$?
  [[ "$(cat "$work/last.out")" == "hello, world" ]] && grep -q '^status 0$' "$work/last.ctl"
}

run_linux() {  # MACHINE MIB
  local status=0
  read -r -a margs <<<"${machine_args[$1]}"
  timeout "$probe_timeout" "$qemu" "${margs[@]}" -m "$2" -nodefaults -no-user-config \
    -display none -serial stdio -no-reboot \
    -kernel "$linux_kernel" -initrd "$linux_initramfs" -append "$linux_append" \
    </dev/null >"$work/last.out" 2>"$work/last.err" || status=$?
  [[ $status -eq 0 ]] && grep -aq '^hello, world' "$work/last.out"
}

# --- measurements ------------------------------------------------------------------------

guests=(floor ingot direct linux)

# Times every guest on MACHINE $runs times, round-robin — one run of each guest per round — so
# that a change in the host's load while the benchmark runs falls on all of them alike. Leaves
# the median in ms of each guest in median[GUEST.MACHINE], or n/a when any of its runs failed;
# the raw times (us) go to $work/times-GUEST-MACHINE.txt. The clock is bash's EPOCHREALTIME, so
# no extra process is timed.
time_guests() {  # MACHINE
  local machine="$1" guest start end
  local -A samples=() failed=()
  for ((run = 0; run < runs; run++)); do
    for guest in "${guests[@]}"; do
      [[ -n "${failed[$guest]-}" ]] && continue
      start="$EPOCHREALTIME"
      if "run_$guest" "$machine" "$mem_mib"; then
        end="$EPOCHREALTIME"
        samples[$guest]+="$(( ${end/./} - ${start/./} )) "
      else
        failed[$guest]=yes
      fi
    done
  done
  for guest in "${guests[@]}"; do
    median[$guest.$machine]=n/a
    [[ -n "${failed[$guest]-}" ]] && continue
    tr ' ' '\n' <<<"${samples[$guest]}" | grep . >"$work/times-$guest-$machine.txt"
    median[$guest.$machine]="$(sort -n "$work/times-$guest-$machine.txt" |
      awk '{t[NR] = $1} END {m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
                             printf "%.1f", m / 1000}')"
  done
}

# The smallest whole number of MiB that GUEST boots in on MACHINE (bisection over 1..512).
# A probe that has not finished in 20 s has failed: with too little memory some boots hang
# rather than fail (QEMU's own firmware does with -m 1), and a hang must not cost a minute.
min_mem_mib() {  # GUEST MACHINE
  local low=0 high=512 probe_timeout=20
  "run_$1" "$2" "$high" || { echo ">512"; return; }
  while ((high - low > 1)); do
    local middle=$(( (low + high) / 2 ))
    if "run_$1" "$2" "$middle"; then high=$middle; else low=$middle; fi
  done
  echo "$high"
}

# Ingot's own account of its boot: the median "program entry after N us" of 5 debug runs.
ingot_entry_ms() {  # MACHINE
  local -a values=()
  for _ in 1 2 3 4 5; do
    run_ingot "$1" "$mem_mib" --log debug || return 1
    values+=("$(sed -n 's/.*program entry after \([0-9]*\) us.*/\1/p' "$work/last.err" |
                 head -n 1)")
  done
  [[ -n "${values[0]}" ]] || return 1
  printf '%s\n' "${values[@]}" | sort -n | awk 'NR == 3 {printf "%.2f", $1 / 1000}'
}

linux_entry_ms() {  # MACHINE
  run_linux "$1" "$mem_mib" || return 1
  sed -n 's/.*program entry after \([0-9]*\) us.*/\1/p' "$work/last.out" |
    awk 'NR == 1 {printf "%.2f", $1 / 1000}'
}

size_of() { stat -c %s "$@" | awk '{s += $1} END {printf "%.1f KiB", s / 1024}'; }

# --- the run -------------------------------------------------------------------------------

declare -A median minimum entry
for machine in "${machines[@]}"; do
  learn_machine_args "$machine"
  echo "bench: $machine: $runs timed runs of each guest" >&2
  time_guests "$machine"
  for guest in "${guests[@]}"; do
    echo "bench: $machine: smallest memory for $guest" >&2
    minimum[$guest.$machine]="$(min_mem_mib "$guest" "$machine" 2>/dev/null || echo n/a)"
  done
  entry[ingot.$machine]="$(ingot_entry_ms "$machine" || echo n/a)"
  entry[linux.$machine]="$(linux_entry_ms "$machine" || echo n/a)"
  entry[floor.$machine]="-"
  entry[direct.$machine]="-"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a + 0 > 0 && b + 0 > 0) printf "%.1f", a / b;
                                           else printf "n/a"}'; }

declare -A label=([floor]="floor (bare PVH kernel)" [ingot]="Ingot hello (ingot run)"
                  [direct]="Ingot hello (its QEMU command alone)"
                  [linux]="Linux $(basename "$linux_kernel" | sed 's/^vmlinuz-//') hello")
sizes_floor="$(size_of "$work/floor.elf")"
sizes_ingot="$( [[ $ingot_ok == yes ]] && size_of "$work/hello.img" || echo n/a)"
sizes_linux="$(size_of "$linux_kernel" "$linux_initramfs")"
declare -A size=([floor]="$sizes_floor" [ingot]="$sizes_ingot" [direct]="$sizes_ingot"
                 [linux]="$sizes_linux")

{
  echo "Boot to exit under QEMU $("$qemu" --version | awk 'NR == 1 {print $4}') ($accel_name)," \
       "median of $runs runs, -m ${mem_mib}M; $(date -u +%Y-%m-%d)"
  echo
  echo "| guest | machine | boot to exit (ms) | smallest -m (MiB) | size |" \
       "program entry (ms, guest clock) |"
  echo "|---|---|---:|---:|---:|---:|"
  for machine in "${machines[@]}"; do
    for guest in "${guests[@]}"; do
      echo "| ${label[$guest]} | $machine | ${median[$guest.$machine]} |" \
           "${minimum[$guest.$machine]} | ${size[$guest]} | ${entry[$guest.$machine]} |"
    done
  done
  echo
  for machine in "${machines[@]}"; do
    ingot_ms="${median[ingot.$machine]}" floor_ms="${median[floor.$machine]}"
    echo "- $machine: Ingot/floor = $(ratio "$ingot_ms" "$floor_ms")" \
         "(its QEMU command alone: $(ratio "${median[direct.$machine]}" "$floor_ms"))," \
         "Linux/Ingot = $(ratio "${median[linux.$machine]}" "$ingot_ms")"
  done
  if [[ -f "$kernel_elf" ]]; then
    loaded=0
    while read -r memsz; do loaded=$((loaded + memsz)); done < <(
      readelf -lW "$kernel_elf" | awk '$1 == "LOAD" {print $6}')
    loaded="$(awk -v b="$loaded" 'BEGIN {printf "%.1f", b / 1024}')"
    echo "- Ingot kernel alone: $(size_of "$kernel_elf") file, $loaded KiB loaded"
  fi
  for machine in "${machines[@]}"; do
    echo "- QEMU machine options on $machine (those of \`ingot run\`):" \
         "\`${machine_args[$machine]}\`"
  done
  echo "- Linux command line: \`$linux_append\`"
} | tee "$work/results.md"
