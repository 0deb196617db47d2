-- Checks every counter of one request and, only when all pass, counts it in all of them: atomic, so replicas sharing
-- this Redis can never both take the last unit of a limit. The same arithmetic as quota/SlidingWindow.java.
-- KEYS[i]: the counter of check i (a rate counter's window index is appended here)
-- ARGV[1]: 'admit' or 'peek' (read only, never refuses); ARGV[2]: the request's id (its concurrency lease)
-- then 4 per check: kind (r rate | c concurrency | b budget), limit, cost,
--   param (r: window ms | c: lease ms | b: ms to the period's end, 0 for never)
-- Returns {1, now_ms, used_1, reset_1, ...} or {0, refused_check, retry_after_ms, now_ms}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local peek = ARGV[1] == 'peek'
local member = ARGV[2]
local out = {1, now}

local function retry_after(prev, curr, cost, limit, elapsed, w)
  local room = limit - curr - cost
  if room >= 0 and prev > 0 then
    return math.ceil(math.max(0, (w - elapsed) - room * w / prev))
  end
  local rest = w - elapsed
  local room_next = limit - cost
  if room_next < 0 then return rest + w end
  if curr <= 0 then return rest end
  return rest + math.ceil(math.max(0, w - room_next * w / curr))
end

for i = 1, #KEYS do
  local o = 2 + (i - 1) * 4
  local kind, limit, cost, param = ARGV[o + 1], tonumber(ARGV[o + 2]), tonumber(ARGV[o + 3]), tonumber(ARGV[o + 4])
  if peek then cost = 0 end
  local key = KEYS[i]
  if kind == 'r' then
    local window = math.floor(now / param)
    local elapsed = now - window * param
    local curr = tonumber(redis.call('GET', key .. ':' .. window) or '0')
    local prev = tonumber(redis.call('GET', key .. ':' .. (window - 1)) or '0')
    local weighted = prev * (param - elapsed) / param + curr
    if not peek and weighted + cost > limit then
      return {0, i - 1, retry_after(prev, curr, cost, limit, elapsed, param), now}
    end
    out[#out + 1] = math.ceil(weighted + cost)
    if curr + cost > 0 then
      out[#out + 1] = 2 * param - elapsed
    elseif prev > 0 then
      out[#out + 1] = param - elapsed
    else
      out[#out + 1] = 0
    end
  elseif kind == 'c' then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    local count = redis.call('ZCARD', key)
    if not peek and count + 1 > limit then
      return {0, i - 1, 1000, now}
    end
    out[#out + 1] = count + (peek and 0 or 1)
    out[#out + 1] = 0
  else
    local spent = tonumber(redis.call('GET', key) or '0')
    if not peek and spent + cost > limit then
      return {0, i - 1, param, now}
    end
    out[#out + 1] = spent + cost
    out[#out + 1] = param
  end
end

if not peek then
  for i = 1, #KEYS do
    local o = 2 + (i - 1) * 4
    local kind, cost, param = ARGV[o + 1], tonumber(ARGV[o + 3]), tonumber(ARGV[o + 4])
    local key = KEYS[i]
    if kind == 'r' then
      local k = key .. ':' .. math.floor(now / param)
      redis.call('INCRBY', k, cost)
      redis.call('PEXPIRE', k, 2 * param + 1000)
    elseif kind == 'c' then
      redis.call('ZADD', key, now + param, member)
      redis.call('PEXPIRE', key, param + 1000)
    else
      redis.call('INCRBY', key, cost)
      if param > 0 then redis.call('PEXPIRE', key, param + 86400000) end
    end
  end
end
return out
