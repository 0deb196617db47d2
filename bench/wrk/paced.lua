-- wrk script: the harness's chat.lua, each connection waiting between requests so that the offered load is a fixed
-- rate rather than as fast as the gateway answers. A closed loop at full speed measures latency at saturation,
-- where any cost shows up as queueing (Little's law); at a rate every variant sustains, p99 is what a request adds.
-- Environment: BENCH_CHAT_LUA (the harness's chat.lua), BENCH_PACE_MS (mean wait per connection, ms), and
-- chat.lua's own (BENCH_BODY_FILE, BENCH_HEADERS).
dofile(assert(os.getenv("BENCH_CHAT_LUA"), "BENCH_CHAT_LUA is not set"))

local pace = tonumber(os.getenv("BENCH_PACE_MS") or "0")

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
end

-- uniform around the mean, so that the connections do not fire in step
function delay()
  return math.floor(pace * 2 * math.random())
end
