# Shared by the tool's command-line tests; sourced, not run. Sets up $work, a scratch directory
# removed on exit, and fail MESSAGE, which prints the message and counts it in $failures (the
# script decides at its end how to report them).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
