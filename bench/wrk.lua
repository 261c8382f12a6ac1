-- One request shape per run, from the environment; prints one machine-readable line when done.
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body_path = os.getenv("BENCH_BODY") or ""
if body_path ~= "" then
  local f = assert(io.open(body_path, "rb"))
  wrk.body = f:read("*a")
  f:close()
end
for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "p50_us": %d, "p95_us": %d, "bad_status": %d, "socket_errors": %d}\n',
    summary.requests, latency:percentile(50), latency:percentile(95), e.status,
    e.connect + e.read + e.write + e.timeout))
end
