-- wrk script for bench/http.sh: after the run, prints wrk's totals as "result KEY VALUE" lines
-- (times in microseconds), which the benchmark reads instead of wrk's rounded text report.
done = function(summary, latency, requests)
  local errors = summary.errors
  local lines = {
    {"requests", summary.requests},
    {"duration_us", summary.duration},
    {"p50_us", latency:percentile(50)},
    {"p99_us", latency:percentile(99)},
    {"max_us", latency.max},
    {"errors_connect", errors.connect},
    {"errors_read", errors.read},
    {"errors_write", errors.write},
    {"errors_timeout", errors.timeout},
    {"errors_status", errors.status},
  }
  for _, line in ipairs(lines) do
    io.write(string.format("result %s %d\n", line[1], line[2]))
  end
end
