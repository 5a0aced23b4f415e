# Redis from Debian's redis source package: redis-server, redis-cli and redis-benchmark, static
# against glibc, with the C library's malloc (MALLOC=libc) and without TLS or systemd.
# Sourced by tests/apps/debian_app.sh in the unpacked tree, with OUT and JOBS set.
redis_make=(make MALLOC=libc BUILD_TLS=no USE_SYSTEMD=no LDFLAGS=-static V=1)
# redis-server first: it builds the bundled libraries (deps/), which parallel top-level targets
# would otherwise each start building at once.
"${redis_make[@]}" -j"$JOBS" redis-server
"${redis_make[@]}" -j"$JOBS" redis-cli redis-benchmark
for program in redis-server redis-cli redis-benchmark; do
  cp src/$program "$OUT/"
done
