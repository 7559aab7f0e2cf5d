-- wrk script: POST prepared JSON bodies to one path, cycling through them; each wrk thread starts
-- at a different offset. WRIT_BENCH_BODIES names a Lua file that sets `bodies` (a list of strings),
-- WRIT_BENCH_PATH the path (e.g. /v1/actions). Non-2xx answers are counted and the first few shown.
-- WRIT_BENCH_THINK_MS, when set, is a pause (ms) each connection makes before each request, as a
-- client that works between calls: the load is then lighter than the service's capacity, and the
-- latency wrk reports is that of a service that is not saturated.
dofile(os.getenv("WRIT_BENCH_BODIES"))
local path = os.getenv("WRIT_BENCH_PATH")

local think = tonumber(os.getenv("WRIT_BENCH_THINK_MS") or "")
if think then
  function delay()
    return think
  end
end

local counter = 0
local threads = {}

function setup(thread)
  thread:set("offset", #threads * 997)
  table.insert(threads, thread)
end

function init(args)
  counter = offset or 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  return wrk.format("POST", path, nil, bodies[(counter % #bodies) + 1])
end

local errors = 0
function response(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if errors <= 3 then
      io.stderr:write("unexpected status " .. status .. ": " .. string.sub(body, 1, 300) .. "\n")
    end
  end
end
