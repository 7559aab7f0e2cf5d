-- wrk script: POST the generated decision requests to /v1/decisions, cycling through them.
-- Each wrk thread starts at a different offset. `bodies` comes from bodies.lua (HttpWorkload).
local dir = os.getenv("WRIT_BENCH_DIR") or "."
dofile(dir .. "/bodies.lua")

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
  local token = os.getenv("WRIT_BENCH_TOKEN")
  if token then
    wrk.headers["Authorization"] = "Bearer " .. token
  end
end

function request()
  counter = counter + 1
  local body = bodies[(counter % #bodies) + 1]
  return wrk.format("POST", "/v1/decisions", nil, body)
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
