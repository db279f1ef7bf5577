-- One page of `make loadtest`, driven by wrk: benchmarks/loadtest.py passes the
-- arguments after `--`:
--   get  COOKIE PATHS_FILE THREADS            GET the paths in turn
--   post COOKIE IDS_FILE   THREADS TOKEN      change the status of each item once
-- The status changes post what the item page's form posts (htmx), each to an open
-- item of its own that nobody changed yet, so that none is refused as stale.

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  mode, cookie, stride = args[1], args[2], tonumber(args[4])
  token = args[5]
  lines = {}
  for line in io.lines(args[3]) do
    lines[#lines + 1] = line
  end
  -- Each thread takes every stride-th line, starting at its own.
  n = index + 1 - stride
end

function request()
  n = n + stride
  local line = lines[(n - 1) % #lines + 1]
  if mode == "get" then
    return wrk.format("GET", line, { Cookie = cookie })
  end
  local body = "csrfmiddlewaretoken=" .. token
    .. "&seen_status=open&seen_version=&status=in_progress&note=loadtest+" .. n
  return wrk.format("POST", "/items/" .. line .. "/status/", {
    Cookie = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["HX-Request"] = "true",
  }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'LOADTEST {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
      .. '"max_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
