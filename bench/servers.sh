#!/usr/bin/env bash
# Real servers benchmark (`make bench`): Redis and nginx, built static from Debian's sources
# (tests/apps/debian_app.sh, the same binaries as the boot tests), each running
#   Ingot   as an Ingot image (`ingot run --net tap:...`);
#   Linux   as the child of /init of a Linux guest (Debian's cloud kernel, bench/linux/net_init.c),
#           on the same QEMU machine, CPU model, accelerator, memory and virtio-net device;
# with the same configuration file. Each guest sits in a network namespace of its own, reached
# through a TAP interface, where the load generator runs too:
#   Redis   redis-benchmark, 50 clients, SET and GET, pipelining 1 and 16 (requests/s and p99);
#   nginx   a master and two workers serving a 1 KiB page; wrk, keep-alive (requests/s, p99).
# Rounds alternate between the guests so that a change in the host's load falls on both; a
# figure is the median over the rounds, with the Ingot/Linux ratio. KVM where `ingot run` uses it.
# Results go to stdout and build/bench/servers-results.md.
#
# Environment: BUILD_DIR (build), BENCH_SERVERS ("redis nginx"), BENCH_ROUNDS (3),
# BENCH_REDIS_REQUESTS (50000 per run at pipelining 1, four times that at 16),
# BENCH_NGINX_SECONDS (10), BENCH_NGINX_CONNECTIONS ("16 64"), BENCH_MACHINE (microvm),
# BENCH_CPUS (1: the vCPUs of both guests),
# BENCH_MEM_MIB (256), QEMU, LINUX_KERNEL and LINUX_MODULES (bench/linux/prepare.sh).
set -euo pipefail
export LC_ALL=C

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$root" && realpath -m "${BUILD_DIR:-build}")"
read -r -a servers <<<"${BENCH_SERVERS:-redis nginx}"
rounds="${BENCH_ROUNDS:-3}"
redis_requests="${BENCH_REDIS_REQUESTS:-50000}"
nginx_seconds="${BENCH_NGINX_SECONDS:-10}"
read -r -a nginx_connections <<<"${BENCH_NGINX_CONNECTIONS:-16 64}"
machine="${BENCH_MACHINE:-microvm}"
cpus="${BENCH_CPUS:-1}"
mem_mib="${BENCH_MEM_MIB:-256}"
qemu="${QEMU:-qemu-system-x86_64}"
ingot="$build/bin/ingot"
apps="$build/apps"
cache="$build/bench-cache"
work="$build/bench/servers"
host_address=192.168.77.1 guest_address=192.168.77.2 prefix=24
ready_timeout=300
guests=(ingot linux)
mkdir -p "$work" "$cache"

fail() { echo "bench: servers: FAIL: $*" >&2; exit 1; }
[[ -x "$ingot" ]] || fail "$ingot is missing: run 'make' first"
[[ $(id -u) -eq 0 ]] || fail "needs root, for network namespaces and TAP interfaces"
for tool in "$qemu" wrk curl ip; do command -v "$tool" >/dev/null || fail "$tool not found"; done
source "$root/bench/lib/accel.sh"
use_ingot_accelerator "$ingot" "$qemu"

declare -A pid_of=() namespace_of=()
source "$root/bench/lib/guests.sh"
source "$root/bench/linux/guest.sh"
trap stop_all EXIT
trap 'exit 130' INT TERM

# Builds the apps the boot tests use, if they are not there yet (cached under build/apps).
need_app() {  # PACKAGE FILE
  [[ -x "$apps/$2" ]] || bash "$root/tests/apps/debian_app.sh" "$apps" "$1" >&2 ||
    fail "building $1 from Debian's sources failed"
}

# --- per server: its files, its command, its readiness check, its measurement --------------------

# The root file system of both guests for SERVER: what the server reads, as files under $1.
redis_files() {
  mkdir -p "$1/tmp"  # the Linux guest's initramfs has no /tmp of its own
  cat >"$1/redis.conf" <<'EOF'
port 6379
bind 0.0.0.0
protected-mode no
daemonize no
save ""
appendonly no
dir /tmp
EOF
}
nginx_files() {
  mkdir -p "$1/www" "$1/etc" "$1/tmp"
  sed -e "s|@PORT@|8080|" -e "s|@ROOT@||" -e "s|@TMP@|/tmp|" "$root/tests/apps/nginx.conf.in" >"$1/nginx.conf"
  echo 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' >"$1/etc/passwd"
  echo 'nogroup:x:65534:' >"$1/etc/group"
  { echo '<!DOCTYPE html><html><head><title>Ingot servers benchmark</title></head><body>'
    for i in $(seq 1 12); do echo "<p>Line $i of the page that bench/servers.sh asks for again and again.</p>"; done
    echo '</body></html>'; } >"$1/www/index.html"
}
redis_binary() { echo "$apps/redis/bin/redis-server"; }
nginx_binary() { echo "$apps/nginx/bin/nginx"; }
redis_args() { echo "/redis.conf"; }
nginx_args() { echo "-p /tmp/ -e stderr -c /nginx.conf"; }

redis_ready() { in_namespace_of "$1" "$apps/redis/bin/redis-cli" -h "$guest_address" ping 2>/dev/null | grep -q PONG; }
nginx_ready() { in_namespace_of "$1" curl -sf -m 5 -o /dev/null "http://$guest_address:8080/index.html"; }

declare -A samples=()
metrics=()
record() {  # GUEST METRIC VALUE
  [[ -n ${samples[ingot.$2]+x}${samples[linux.$2]+x} ]] || metrics+=("$2")
  samples[$1.$2]+="$3 "
}

# redis-benchmark --csv: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",
# "p95_latency_ms","p99_latency_ms","max_latency_ms"
redis_measure() {  # GUEST
  local pipeline n line test rps p99
  for pipeline in 1 16; do
    n=$((pipeline == 1 ? redis_requests : redis_requests * 4))
    in_namespace_of "$1" "$apps/redis/bin/redis-benchmark" -h "$guest_address" -c 50 -n "$n" \
      -P "$pipeline" -t set,get --csv >"$work/redis-$1.csv" 2>"$work/redis-$1.err" ||
      fail "$1: redis-benchmark failed (see $work/redis-$1.err)"
    while IFS=, read -r test rps _ _ _ _ p99 _; do
      test="${test//\"/}" rps="${rps//\"/}" p99="${p99//\"/}"
      [[ $test == SET || $test == GET ]] || continue
      record "$1" "redis_${test,,}_p${pipeline}_rps" "${rps%.*}"
      record "$1" "redis_${test,,}_p${pipeline}_p99_ms" "$p99"
    done <"$work/redis-$1.csv"
  done
}

nginx_measure() {  # GUEST
  local c file
  for c in "${nginx_connections[@]}"; do
    file="$work/nginx-$1-c$c"
    in_namespace_of "$1" wrk -t 1 -c "$c" -d "${nginx_seconds}s" --latency -s "$root/bench/http-report.lua" \
      "http://$guest_address:8080/index.html" >"$file.txt" 2>&1 || fail "$1: wrk failed (see $file.txt)"
    awk -v c="$c" '$1 == "result" {v[$2] = $3}
      END {printf "%.0f %.2f %d\n", v["requests"] / (v["duration_us"] / 1e6), v["p99_us"] / 1000,
           v["errors_connect"] + v["errors_read"] + v["errors_write"] + v["errors_timeout"] + v["errors_status"]}' \
      "$file.txt" >"$file"
    read -r rps p99 errors <"$file"
    record "$1" "nginx_c${c}_rps" "$rps"
    record "$1" "nginx_c${c}_p99_ms" "$p99"
    record "$1" "nginx_c${c}_errors" "$errors"
  done
}

# --- the run -------------------------------------------------------------------------------------

for server in "${servers[@]}"; do
  [[ $server == redis || $server == nginx ]] || fail "unknown server '$server' (redis, nginx)"
  case $server in
    redis) need_app redis redis/bin/redis-server ;;
    nginx) need_app nginx nginx/bin/nginx ;;
  esac
  files="$work/$server-root"
  rm -rf "$files" && mkdir -p "$files"
  "${server}_files" "$files"
  binary="$("${server}_binary")"
  read -r -a args <<<"$("${server}_args")"

  learn_qemu_args "$work" 'virtio-net*' "$ingot" --machine "$machine" --cpus "$cpus" --mem "${mem_mib}M" \
    --net tap:tap0 --ip "$guest_address/$prefix" "$binary"
  additions=()
  for entry in "$files"/*; do additions+=(--add "$entry:/$(basename "$entry")"); done
  echo "bench: servers: preparing the Linux guest for $server" >&2
  paths="$("$root/bench/linux/prepare.sh" --name "linux-$server" --init "$root/bench/linux/net_init.c" \
             --module virtio_net --module virtio_mmio --module virtio_pci \
             --add "$binary:/$server" "${additions[@]}" "$cache" "$work")" || fail "bench/linux/prepare.sh failed"
  linux_guest_from "$paths"
  linux_append+=" -- $guest_address/$prefix /$server ${args[*]}"

  for guest in "${guests[@]}"; do make_namespace "$guest"; done
  ip netns exec "${namespace_of[ingot]}" "$ingot" run --machine "$machine" --cpus "$cpus" --mem "${mem_mib}M" \
    --net tap:tap0 --ip "$guest_address/$prefix" --files "$files" "$binary" -- "${args[@]}" \
    </dev/null >"$work/$server-ingot.log" 2>&1 &
  pid_of[ingot]=$!
  ip netns exec "${namespace_of[linux]}" "$qemu" "${machine_args[@]}" -m "${mem_mib}M" -nodefaults \
    -no-user-config -display none -serial stdio -no-reboot \
    -kernel "$linux_kernel" -initrd "$linux_initramfs" -append "$linux_append" \
    </dev/null >"$work/$server-linux.log" 2>&1 &
  pid_of[linux]=$!
  for guest in "${guests[@]}"; do
    deadline=$((SECONDS + ready_timeout))
    until "${server}_ready" "$guest"; do
      kill -0 "${pid_of[$guest]}" 2>/dev/null || fail "$guest: $server ended (see $work/$server-$guest.log)"
      ((SECONDS < deadline)) || fail "$guest: $server not ready after $ready_timeout s"
      sleep 1
    done
  done
  for ((round = 1; round <= rounds; round++)); do
    for guest in "${guests[@]}"; do
      echo "bench: servers: $server, round $round/$rounds: $guest" >&2
      "${server}_measure" "$guest"
    done
  done
  stop_all
done

# --- the report ----------------------------------------------------------------------------------

median() { tr ' ' '\n' | { grep . || true; } | sort -g | awk '{v[NR] = $1}
  END {if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2];
       else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
{
  echo "Servers under QEMU $("$qemu" --version | awk 'NR == 1 {print $4}') ($accel_name), $machine," \
       "$cpus vCPU, -m ${mem_mib}M, TAP; median of $rounds rounds; $(date -u +%Y-%m-%d)"
  echo
  echo "| metric | Ingot | Linux | Ingot/Linux |"
  echo "|---|---:|---:|---:|"
  for metric in "${metrics[@]}"; do
    i="$(median <<<"${samples[ingot.$metric]-}")" l="$(median <<<"${samples[linux.$metric]-}")"
    echo "| $metric | $i | $l | $(awk -v a="$i" -v b="$l" 'BEGIN {if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "n/a"}') |"
  done
  echo
  echo "- Redis: redis-benchmark -c 50 -t set,get, $redis_requests requests per run at pipelining 1," \
       "$((redis_requests * 4)) at 16; configuration: no persistence (save \"\", appendonly no)."
  echo "- nginx: tests/apps/nginx.conf.in (a master and two workers, sendfile), a 1 KiB page; wrk -t1," \
       "${nginx_seconds} s per run; errors are wrk's connect, read, write, timeout and non-2xx counts."
  echo "- QEMU options of both guests (those of \`ingot run\`): \`${machine_args[*]}\`"
} | tee "$work/servers-results.md"
