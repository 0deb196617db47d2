-- One call for every counter a batch of requests moves, atomic in Redis. First the adjustments after the fact of
-- requests that ended (a reservation replaced by the real usage, a concurrency lease released, usage recorded,
-- counts kept during an outage put back), then the admissions, one after another: each checks every counter of its
-- request and, only when all pass, counts it in all of them, so replicas sharing this Redis can never both take the
-- last unit of a limit, and an admission sees what came before it in the same call. The same arithmetic as
-- quota/SlidingWindow.java.
-- ARGV[1]: 'admit' or 'peek' (read only, never refuses); ARGV[2]: JSON, [adjustments, admissions], two flat arrays
-- (one argument to encode and parse instead of a hundred):
--   3 per adjustment: i (add: amount, ttl ms or 0) | z (release: member, unused) | h (record: field, amount)
--   per admission: its request's id (its concurrency lease), its number of checks n, and 4 per check: kind (r rate |
--   c concurrency | b budget), limit, cost, param (r: window ms | c: lease ms | b: ms to the period's end, 0 for never)
-- KEYS: the adjustments' keys, then the counters of every admission's checks in order (a rate counter's window
--   index is appended here)
-- Returns one reply per admission: {1, now_ms, used_1, reset_1, ...} or {0, refused_check, retry_after_ms, now_ms}.
-- A counter never goes below zero (a Redis that restarted empty forgot what a reservation added). Expiry is set when
-- a counter is created, not on every count.
local spec = cjson.decode(ARGV[2])
local ops, adm = spec[1], spec[2]
local m = #ops / 3
for i = 1, m do
  local o = (i - 1) * 3
  local op, a, b = ops[o + 1], ops[o + 2], ops[o + 3]
  local key = KEYS[i]
  if op == 'i' then
    local v = redis.call('INCRBY', key, a)
    if v < 0 then redis.call('SET', key, 0, 'KEEPTTL') end
    if (v == a or v < 0) and b > 0 then redis.call('PEXPIRE', key, b) end
  elseif op == 'z' then
    redis.call('ZREM', key, a)
  else
    if redis.call('HINCRBY', key, a, b) == b then redis.call('PEXPIRE', key, 34560000000) end
  end
end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local peek = ARGV[1] == 'peek'

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

-- the admission whose first key is KEYS[k] and first check at adm[a]
local function admit(k, a, n, member)
  local out = {1, now}
  for i = 0, n - 1 do
    local o = a + i * 4
    local kind, limit, cost, param = adm[o], adm[o + 1], adm[o + 2], adm[o + 3]
    if peek then cost = 0 end
    local key = KEYS[k + i]
    if kind == 'r' then
      local window = math.floor(now / param)
      local elapsed = now - window * param
      local counts = redis.call('MGET', key .. ':' .. window, key .. ':' .. (window - 1))
      local curr = tonumber(counts[1] or '0')
      local prev = tonumber(counts[2] or '0')
      local weighted = prev * (param - elapsed) / param + curr
      if not peek and weighted + cost > limit then
        return {0, i, retry_after(prev, curr, cost, limit, elapsed, param), now}
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
      -- leases past their end (a replica that crashed with requests in flight) are only cleared when they could
      -- matter: when the count with them is at the limit, or for a peek, which shows the exact count
      local count = redis.call('ZCARD', key)
      if peek or count + 1 > limit then
        redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
        count = redis.call('ZCARD', key)
      end
      if not peek and count + 1 > limit then
        return {0, i, 1000, now}
      end
      out[#out + 1] = count + (peek and 0 or 1)
      out[#out + 1] = 0
    else
      local spent = tonumber(redis.call('GET', key) or '0')
      if not peek and spent + cost > limit then
        return {0, i, param, now}
      end
      out[#out + 1] = spent + cost
      out[#out + 1] = param
    end
  end
  if not peek then
    for i = 0, n - 1 do
      local o = a + i * 4
      local kind, cost, param = adm[o], adm[o + 2], adm[o + 3]
      local key = KEYS[k + i]
      if kind == 'r' then
        local c = key .. ':' .. math.floor(now / param)
        if redis.call('INCRBY', c, cost) == cost then redis.call('PEXPIRE', c, 2 * param + 1000) end
      elseif kind == 'c' then
        redis.call('ZADD', key, now + param, member)
        redis.call('PEXPIRE', key, param + 1000)
      else
        if redis.call('INCRBY', key, cost) == cost and param > 0 then redis.call('PEXPIRE', key, param + 86400000) end
      end
    end
  end
  return out
end

local replies = {}
local k, a = m + 1, 1
while a <= #adm do
  local member, n = adm[a], adm[a + 1]
  replies[#replies + 1] = admit(k, a + 2, n, member)
  k = k + n
  a = a + 2 + n * 4
end
return replies
