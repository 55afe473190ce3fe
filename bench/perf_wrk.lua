-- wrk script for bench/run.py: cycle through the paths listed (one a line) in the file named
-- by the PATHS environment variable, if set, and print the run's figures as one JSON line.
local paths = {}
local file = os.getenv("PATHS")
if file then
  for line in io.lines(file) do
    if line ~= "" then paths[#paths + 1] = line end
  end
end
local index = 0

request = function()
  if #paths == 0 then return wrk.format(nil) end
  index = index % #paths + 1
  return wrk.format(nil, paths[index])
end

done = function(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.3f, "bytes": %d, "non_2xx": %d, "errors": %d, ' ..
    '"p50_ms": %.3f, "p90_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, ' ..
    '"mean_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, summary.bytes, errors.status, failed,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000))
end
