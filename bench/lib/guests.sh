# Sourced by the benchmarks that put Ingot beside the Linux comparison guest (http.sh,
# servers.sh, disk.sh). The caller defines fail MESSAGE and, for the namespaces, the array
# guests and the associative arrays pid_of and namespace_of.

# learn_qemu_args WORK DEVICE_GLOB INGOT [ingot run arguments...]: sets machine_args to the QEMU
# options that `INGOT run ARGUMENTS` uses — machine type, accelerator, CPU model and count, -global,
# -netdev, -drive, -enable-kvm and the -device entries matching DEVICE_GLOB — learnt by running
# it once through a recorder (--qemu) that writes its arguments down instead of starting QEMU,
# so that the Linux guest gets exactly the same machine.
learn_qemu_args() {
  local work="$1" device_glob="$2" ingot="$3"
  shift 3
  local recorder="$work/qemu-recorder" argv_file="$work/ingot-qemu.argv"
  printf '#!/bin/sh\nprintf "%%s\\0" "$@" >"%s"\n' "$argv_file" >"$recorder"
  chmod +x "$recorder"
  rm -f "$argv_file"
  "$ingot" run --qemu "$recorder" "$@" </dev/null >/dev/null 2>&1 || true
  [[ -s "$argv_file" ]] || fail "could not learn the QEMU command of 'ingot run $*'"
  local -a argv
  mapfile -d '' -t argv <"$argv_file"
  machine_args=()
  for ((i = 0; i < ${#argv[@]}; i++)); do
    case "${argv[i]}" in
      -M|-machine|-cpu|-smp|-accel|-netdev|-global|-drive) machine_args+=("${argv[i]}" "${argv[i + 1]}"); i=$((i + 1)) ;;
      # shellcheck disable=SC2053  # the glob is meant to match
      -device) [[ "${argv[i + 1]}" == $device_glob ]] && machine_args+=(-device "${argv[i + 1]}"); i=$((i + 1)) ;;
      -enable-kvm) machine_args+=(-enable-kvm) ;;
    esac
  done
}

# --- one network namespace per server ---------------------------------------------------------
# Each server is one process (`ip netns exec` becomes the command it runs, so the recorded pid
# is the server's, QEMU's or `ingot run`'s own) in a namespace of its own, reached through a
# TAP interface at host_address; stop_all (run it on EXIT) stops them and removes the
# namespaces.

stop_guest() {  # GUEST
  local pid="${pid_of[$1]-}"
  if [[ -n "$pid" ]]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset "pid_of[$1]"
  fi
  if [[ -n "${namespace_of[$1]-}" ]]; then
    ip netns del "${namespace_of[$1]}" 2>/dev/null || true
    unset "namespace_of[$1]"
  fi
}
stop_all() {
  local guest
  for guest in "${guests[@]}"; do stop_guest "$guest"; done
}

# A fresh namespace for GUEST, with loopback up and a TAP interface at host_address/prefix.
make_namespace() {  # GUEST
  local namespace="ingot-bench-$$-$1"
  ip netns add "$namespace"
  namespace_of[$1]="$namespace"
  ip netns exec "$namespace" ip link set lo up
  ip netns exec "$namespace" ip tuntap add dev tap0 mode tap
  ip netns exec "$namespace" ip addr add "$host_address/$prefix" dev tap0
  ip netns exec "$namespace" ip link set tap0 up
}
in_namespace_of() { local guest="$1"; shift; ip netns exec "${namespace_of[$guest]}" "$@"; }
