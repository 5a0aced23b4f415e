#!/usr/bin/env bash
# HTTP benchmark (`make bench`): requests per second, 99th-percentile latency and errors that
# wrk measures against one static HTTP server binary (examples/http-server, serving a 1 KiB
# page) running
#   Ingot   as an Ingot image (`ingot run --net tap:...`);
#   Linux   as the child of /init of a Linux guest (Debian's cloud kernel, bench/linux/net_init.c),
#           on the same QEMU machine, CPU model, accelerator, memory and virtio-net device;
#   native  on the host itself, over loopback, for reference.
# Each server runs in a private network namespace of its own, where wrk runs too; the guests
# reach it through a TAP interface. All three are started first; then, for each connection
# count, wrk runs against each in turn (keep-alive, BENCH_HTTP_SECONDS a run), and the rounds
# repeat, so that a change in the host's load falls on all of them alike. A figure is the
# median over the rounds; errors are summed. KVM is used where `ingot run` uses it, TCG
# otherwise. Results go to stdout and build/bench/http-results.md, every run to
# build/bench/http-runs.txt.
#
# Environment: BUILD_DIR (build), HTTP_SERVER (the server binary, static; default
# BUILD_DIR/examples/http-server/http-server), BENCH_HTTP_SECONDS (10), BENCH_HTTP_ROUNDS (3),
# BENCH_HTTP_CONNECTIONS ("1 16 64"), BENCH_HTTP_THREADS (wrk threads, 1), BENCH_HTTP_MACHINE
# (microvm; or pc, q35), BENCH_HTTP_GUESTS ("ingot linux native"), BENCH_MEM_MIB (256),
# BENCH_HTTP_WARMUP_SECONDS (3), QEMU, LINUX_KERNEL and LINUX_MODULES (bench/linux/prepare.sh),
# and BENCH_HTTP_REQUESTS_CHECK=N: at the end, keep-alive runs against Ingot with
# BENCH_HTTP_CHECK_CONNECTIONS (16) connections until at least N requests, all of which must
# succeed (the script fails otherwise).
set -euo pipefail
export LC_ALL=C

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$root" && realpath -m "${BUILD_DIR:-build}")"
server="$(realpath -m "${HTTP_SERVER:-$build/examples/http-server/http-server}")"
seconds="${BENCH_HTTP_SECONDS:-10}"
rounds="${BENCH_HTTP_ROUNDS:-3}"
warmup_seconds="${BENCH_HTTP_WARMUP_SECONDS:-3}"
read -r -a connection_counts <<<"${BENCH_HTTP_CONNECTIONS:-1 16 64}"
read -r -a guests <<<"${BENCH_HTTP_GUESTS:-ingot linux native}"
wrk_threads="${BENCH_HTTP_THREADS:-1}"
machine="${BENCH_HTTP_MACHINE:-microvm}"
mem_mib="${BENCH_MEM_MIB:-256}"
requests_check="${BENCH_HTTP_REQUESTS_CHECK:-}"
check_connections="${BENCH_HTTP_CHECK_CONNECTIONS:-16}"
qemu="${QEMU:-qemu-system-x86_64}"
ingot="$build/bin/ingot"
cache="$build/bench-cache"
work="$build/bench"
port=8080
host_address=192.168.77.1 guest_address=192.168.77.2 prefix=24
ready_timeout=300  # seconds; Linux under TCG on a loaded host boots in tens of seconds
mkdir -p "$work" "$cache"

fail() { echo "bench: http: FAIL: $*" >&2; exit 1; }
has_guest() { [[ " ${guests[*]} " == *" $1 "* ]]; }

[[ -x "$ingot" ]] || fail "$ingot is missing: run 'make' first"
[[ -x "$server" ]] || fail "$server is missing: run 'make' first (or set HTTP_SERVER)"
[[ "$(readelf -lW "$server" 2>/dev/null)" != *INTERP* ]] || fail "$server is not a static executable"
for tool in "$qemu" wrk curl ip; do
  command -v "$tool" >/dev/null || fail "$tool not found (scripts/install-deps.sh --bench)"
done
[[ $(id -u) -eq 0 ]] || fail "needs root, for network namespaces and TAP interfaces"
for number in "${connection_counts[@]}" "$seconds" "$rounds" "$warmup_seconds" "$wrk_threads" \
              "$mem_mib" "$check_connections" ${requests_check:+"$requests_check"}; do
  [[ $number =~ ^[1-9][0-9]*$ ]] || fail "expected a positive whole number, got '$number'"
done
for guest in "${guests[@]}"; do
  [[ $guest == ingot || $guest == linux || $guest == native ]] ||
    fail "unknown guest '$guest' in BENCH_HTTP_GUESTS (ingot, linux, native)"
done
[[ -z "$requests_check" ]] || has_guest ingot || fail "BENCH_HTTP_REQUESTS_CHECK needs ingot in BENCH_HTTP_GUESTS"

source "$root/bench/lib/accel.sh"
use_ingot_accelerator "$ingot" "$qemu"

# --- servers and their namespaces ----------------------------------------------------------------
# Each server is one process (`ip netns exec` becomes the command it runs, so the recorded pid
# is the server's, QEMU's or `ingot run`'s own) in a namespace of its own; every exit, failure
# and interruption included, stops them and removes the namespaces.

declare -A pid_of=() namespace_of=() url_of=()
source "$root/bench/lib/guests.sh"
trap stop_all EXIT
trap 'exit 130' INT TERM

# --- what is served ------------------------------------------------------------------------------

files="$work/http-root"
rm -rf "$files" && mkdir -p "$files/www"
{
  echo '<!DOCTYPE html>'
  echo '<html><head><meta charset="utf-8"><title>Ingot HTTP benchmark</title></head><body>'
  for i in $(seq 1 12); do
    echo "<p>Line $i of the page that bench/http.sh asks for over and over again.</p>"
  done
  echo '</body></html>'
} >"$files/www/index.html"
page_bytes="$(stat -c %s "$files/www/index.html")"
path=/index.html

# --- the guests ----------------------------------------------------------------------------------

# The Linux guest gets exactly the QEMU options of `ingot run` (bench/lib/guests.sh).
learn_machine_args() {
  learn_qemu_args "$work" 'virtio-net*' "$ingot" --machine "$machine" --mem "${mem_mib}M" \
    --net tap:tap0 --ip "$guest_address/$prefix" "$server"
}

source "$root/bench/linux/guest.sh"

prepare_linux() {
  echo "bench: http: preparing the Linux guest" >&2
  # Both buses' drivers: virtio-mmio serves microvm, virtio-pci serves pc and q35.
  local paths
  paths="$("$root/bench/linux/prepare.sh" --name linux-http --init "$root/bench/linux/net_init.c" \
             --module virtio_net --module virtio_mmio --module virtio_pci \
             --add "$server:/http-server" --add "$files/www:/www" "$cache" "$work")" ||
    fail "bench/linux/prepare.sh failed"
  linux_guest_from "$paths"
  # After "--", the kernel hands the words to /init as its arguments.
  linux_append+=" -- $guest_address/$prefix /http-server --port $port --root /www"
}

# Each start_* function starts one server in the background, its output in
# $work/http-GUEST.log, and records its pid and URL. They call `ip netns exec` directly: a
# shell function put in the background would run in a subshell, whose pid is not the server's.
start_ingot() {
  ip netns exec "${namespace_of[ingot]}" "$ingot" run --machine "$machine" --mem "${mem_mib}M" \
    --net tap:tap0 --ip "$guest_address/$prefix" --files "$files" \
    "$server" -- --port "$port" --root /www </dev/null >"$work/http-ingot.log" 2>&1 &
  pid_of[ingot]=$!
  url_of[ingot]="http://$guest_address:$port$path"
}

start_linux() {
  ip netns exec "${namespace_of[linux]}" "$qemu" "${machine_args[@]}" -m "${mem_mib}M" -nodefaults \
    -no-user-config -display none -serial stdio -no-reboot \
    -kernel "$linux_kernel" -initrd "$linux_initramfs" -append "$linux_append" \
    </dev/null >"$work/http-linux.log" 2>&1 &
  pid_of[linux]=$!
  url_of[linux]="http://$guest_address:$port$path"
}

start_native() {
  ip netns exec "${namespace_of[native]}" "$server" --port "$port" --root "$files/www" \
    </dev/null >"$work/http-native.log" 2>&1 &
  pid_of[native]=$!
  url_of[native]="http://127.0.0.1:$port$path"
}

# Polls with curl until the page comes back whole, or fails naming the guest and its log.
wait_until_serving() {  # GUEST
  local deadline=$((SECONDS + ready_timeout))
  while ((SECONDS < deadline)); do
    kill -0 "${pid_of[$1]}" 2>/dev/null ||
      fail "$1: the server ended before serving (see $work/http-$1.log)"
    if in_namespace_of "$1" curl -sf -m 5 -o "$work/http-page.html" "${url_of[$1]}" 2>/dev/null; then
      cmp -s "$work/http-page.html" "$files/www/index.html" ||
        fail "$1: ${url_of[$1]} returned a different page"
      return 0
    fi
    sleep 1
  done
  fail "$1: not serving ${url_of[$1]} after $ready_timeout s (see $work/http-$1.log)"
}

# --- measurements --------------------------------------------------------------------------------

# One wrk run against GUEST: CONNECTIONS keep-alive connections for SECONDS; its "result" lines
# (bench/http-report.lua) go to FILE, wrk's own report to FILE.txt.
run_wrk() {  # GUEST CONNECTIONS SECONDS FILE
  local threads=$((wrk_threads < $2 ? wrk_threads : $2))
  kill -0 "${pid_of[$1]}" 2>/dev/null || fail "$1: the server has ended (see $work/http-$1.log)"
  in_namespace_of "$1" wrk -t "$threads" -c "$2" -d "${3}s" --latency \
    -s "$root/bench/http-report.lua" "${url_of[$1]}" >"$4.txt" 2>&1 ||
    fail "$1: wrk failed against ${url_of[$1]} (see $4.txt)"
  grep '^result ' "$4.txt" >"$4" || fail "$1: wrk printed no results (see $4.txt)"
}

value() { awk -v key="$2" '$2 == key {print $3}' "$1"; }  # FILE KEY
errors_of() { awk '$2 ~ /^errors_/ {sum += $3} END {print sum + 0}' "$1"; }  # FILE
median() { tr ' ' '\n' | { grep . || true; } | sort -g | awk '{v[NR] = $1}
  END {if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2];
       else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

declare -A rps_runs=() p99_runs=() errors=() requests=()
measure_round() {  # ROUND CONNECTIONS
  local round="$1" c="$2" guest file rate p99_ms n
  for guest in "${guests[@]}"; do
    file="$work/http-$guest-c$c-r$round"
    run_wrk "$guest" "$c" "$seconds" "$file"
    n="$(value "$file" requests)"
    rate="$(awk -v n="$n" -v us="$(value "$file" duration_us)" 'BEGIN {printf "%.0f", n / (us / 1e6)}')"
    p99_ms="$(awk -v us="$(value "$file" p99_us)" 'BEGIN {printf "%.2f", us / 1000}')"
    rps_runs[$guest.$c]+="$rate "
    p99_runs[$guest.$c]+="$p99_ms "
    requests[$guest.$c]=$(( ${requests[$guest.$c]:-0} + n ))
    errors[$guest.$c]=$(( ${errors[$guest.$c]:-0} + $(errors_of "$file") ))
    echo "$guest $c $round $rate $p99_ms $(errors_of "$file")" >>"$work/http-runs.txt"
    echo "bench: http: round $round, $c connection(s): $guest $rate requests/s," \
         "p99 $p99_ms ms, $(errors_of "$file") errors" >&2
  done
}

# BENCH_HTTP_REQUESTS_CHECK: keep-alive runs against Ingot until at least N requests in all,
# each run's length set from the rate seen so far; every request must succeed.
check_total=0 check_errors=0 check_runs=0 check_seconds=0
check_requests() {
  local rate remaining duration file
  rate="$(median <<<"${rps_runs[ingot.$check_connections]:-${rps_runs[ingot.${connection_counts[-1]}]}}")"
  rate="${rate%.*}"
  ((rate > 0)) || rate=100
  while ((check_total < requests_check && check_runs < 5)); do
    remaining=$((requests_check - check_total))
    # A 50 % margin (the rate under a long run is often lower), and wrk's ramp-up.
    duration=$(( remaining * 3 / 2 / rate + 5 ))
    check_runs=$((check_runs + 1))
    echo "bench: http: check run $check_runs against ingot: $duration s with" \
         "$check_connections connections, for $remaining more requests" >&2
    file="$work/http-ingot-check$check_runs"
    run_wrk ingot "$check_connections" "$duration" "$file"
    check_total=$((check_total + $(value "$file" requests)))
    check_errors=$((check_errors + $(errors_of "$file")))
    check_seconds=$((check_seconds + duration))
    rate=$(( $(value "$file" requests) / duration + 1 ))
  done
}

# --- the run -------------------------------------------------------------------------------------

learn_machine_args
if has_guest linux; then prepare_linux; fi
for guest in "${guests[@]}"; do
  echo "bench: http: starting $guest" >&2
  make_namespace "$guest"
  "start_$guest"
done
for guest in "${guests[@]}"; do wait_until_serving "$guest"; done

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: http: warm-up, ${warmup_seconds} s each" >&2
for guest in "${guests[@]}"; do
  run_wrk "$guest" "${connection_counts[-1]}" "$warmup_seconds" "$work/http-$guest-warmup"
done
rm -f "$work/http-runs.txt"
for c in "${connection_counts[@]}"; do
  for ((round = 1; round <= rounds; round++)); do measure_round "$round" "$c"; done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

if [[ -n "$requests_check" ]]; then
  for guest in "${guests[@]}"; do [[ $guest == ingot ]] || stop_guest "$guest"; done
  check_requests
fi

# --- the report ----------------------------------------------------------------------------------

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b;
                                           else printf "n/a"}'; }
declare -A label=([ingot]=Ingot [linux]=Linux [native]=native)
{
  echo "HTTP under QEMU $("$qemu" --version | awk 'NR == 1 {print $4}') ($accel_name)," \
       "$machine, -m ${mem_mib}M, TAP; wrk $(wrk -v 2>&1 | awk 'NR == 1 {print $2}')," \
       "$wrk_threads thread(s), keep-alive; median of $rounds runs of ${seconds} s;" \
       "$(date -u +%Y-%m-%d)"
  echo
  header="| connections |" rule="|---:|"
  for guest in "${guests[@]}"; do
    header+=" ${label[$guest]} req/s | ${label[$guest]} p99 (ms) | ${label[$guest]} errors |"
    rule+="---:|---:|---:|"
  done
  if has_guest ingot && has_guest linux; then
    header+=" req/s Ingot/Linux | p99 Ingot/Linux |"
    rule+="---:|---:|"
  fi
  echo "$header"
  echo "$rule"
  declare -A rps_median p99_median
  for c in "${connection_counts[@]}"; do
    row="| $c |"
    for guest in "${guests[@]}"; do
      rps_median[$guest]="$(median <<<"${rps_runs[$guest.$c]}")"
      p99_median[$guest]="$(median <<<"${p99_runs[$guest.$c]}")"
      row+=" ${rps_median[$guest]} | ${p99_median[$guest]} | ${errors[$guest.$c]} |"
    done
    if has_guest ingot && has_guest linux; then
      row+=" $(ratio "${rps_median[ingot]}" "${rps_median[linux]}") |"
      row+=" $(ratio "${p99_median[ingot]}" "${p99_median[linux]}") |"
    fi
    echo "$row"
  done
  echo
  echo "- Served: \`$path\`, $page_bytes bytes, by \`$(basename "$server")\`" \
       "(\`--port $port --root /www\`). Errors: wrk's connect, read, write, timeout (2 s)" \
       "and non-2xx counts, summed over the runs. Every run: \`build/bench/http-runs.txt\`."
  echo "- Host: $(nproc) CPUs; load average (1, 5, 15 min) $load_before before the runs," \
       "$load_after after."
  if has_guest ingot || has_guest linux; then
    echo "- QEMU options of both guests (those of \`ingot run\`): \`${machine_args[*]}\`"
  fi
  if has_guest linux; then
    echo "- Linux: $(basename "$linux_kernel" | sed 's/^vmlinuz-//'), command line \`$linux_append\`"
  fi
  if has_guest native; then
    echo "- native: the same binary on the host, over loopback in its network namespace."
  fi
  if [[ -n "$requests_check" ]]; then
    echo "- Check: $check_total requests to Ingot in $check_runs keep-alive run(s) with" \
         "$check_connections connections ($check_seconds s), $check_errors errors" \
         "(wanted: at least $requests_check, no errors)."
  fi
} | tee "$work/http-results.md"

if [[ -n "$requests_check" ]]; then
  ((check_total >= requests_check)) || fail "check: only $check_total of $requests_check requests were made"
  ((check_errors == 0)) || fail "check: $check_errors errors in $check_total requests"
fi
exit 0
