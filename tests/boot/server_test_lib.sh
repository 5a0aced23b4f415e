# Shared by the boot tests that run a server natively and as an Ingot image side by side
# (redis.sh, nginx.sh); sourced, not run. Sets up:
#   $work          a scratch directory, removed on exit with both servers stopped
#   $native_pid, $guest_pid   set these to the servers' pids so that exit stops them
#   fail MESSAGE   prints FAIL, the end of both servers' logs ($work/guest.log, native.log), exits 1
#   pass MESSAGE   prints ok
#   free_port      prints a free TCP port on 127.0.0.1
work=$(mktemp -d)
native_pid=
guest_pid=
cleanup() {
  for pid in $native_pid $guest_pid; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for log in "$work"/guest.log "$work"/native.log; do
    [[ -f $log ]] && { echo "--- $(basename "$log") ---"; tail -n 40 "$log"; }
  done
  exit 1
}
pass() { echo "ok: $*"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
