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
-- a counter is created, not on every count. Each counter is read at most once and written at most once per call.
local spec = cjson.decode(ARGV[2])
local ops, adm = spec[1], spec[2]
local m = #ops / 3
local released = {} -- concurrency key -> members: one ZREM per key
for i = 1, m do
  local o = (i - 1) * 3
  local op, a, b = ops[o + 1], ops[o + 2], ops[o + 3]
  local key = KEYS[i]
  if op == 'i' then
    local v = redis.call('INCRBY', key, a)
    if v < 0 then redis.call('SET', key, 0, 'KEEPTTL') end
    if (v == a or v < 0) and b > 0 then redis.call('PEXPIRE', key, b) end
  elseif op == 'z' then
    local members = released[key]
    if members == nil then
      members = {}
      released[key] = members
    end
    members[#members + 1] = a
  else
    if redis.call('HINCRBY', key, a, b) == b then redis.call('PEXPIRE', key, 34560000000) end
  end
end
for key, members in pairs(released) do
  redis.call('ZREM', key, unpack(members))
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

-- What the call's admissions read and count, by counter key: each counter is read once per call and written once at
-- its end, however many admissions of the same key (under load, most of them) the call carries.
local value = {}    -- key -> the counter as this call sees it, its own admissions included
local added = {}    -- key -> what this call's admissions add to it
local ttl = {}      -- key -> its lifetime, set if the add creates it
local order = {}    -- keys in the order first added to
local leases = {}   -- concurrency key -> ZADD arguments (score, member, ...)
local lease_ttl = {}

local function read(key)
  local v = value[key]
  if v == nil then
    v = tonumber(redis.call('GET', key) or '0')
    value[key] = v
  end
  return v
end

-- a rate counter's key for this window and the previous one, built once per call (numbers to strings cost)
local windows = {}
local function window_keys(key, param)
  local w = windows[key]
  if w == nil then
    local window = math.floor(now / param)
    w = {key .. ':' .. window, key .. ':' .. (window - 1)}
    windows[key] = w
  end
  return w
end

local function count(key, by, life)
  if added[key] == nil then
    added[key] = 0
    order[#order + 1] = key
  end
  added[key] = added[key] + by
  value[key] = value[key] + by
  ttl[key] = life
end

-- the admission whose first key is KEYS[k] and first check at adm[a]
local function admit(k, a, n, member)
  local out = {1, now}
  local at = 2
  for i = 0, n - 1 do
    local o = a + i * 4
    local kind, limit, cost, param = adm[o], adm[o + 1], adm[o + 2], adm[o + 3]
    if peek then cost = 0 end
    local key = KEYS[k + i]
    if kind == 'r' then
      local elapsed = now % param
      local w = window_keys(key, param)
      local curr = read(w[1])
      local prev = read(w[2])
      local weighted = prev * (param - elapsed) / param + curr
      if not peek and weighted + cost > limit then
        return {0, i, retry_after(prev, curr, cost, limit, elapsed, param), now}
      end
      out[at + 1] = math.ceil(weighted + cost)
      if curr + cost > 0 then
        out[at + 2] = 2 * param - elapsed
      elseif prev > 0 then
        out[at + 2] = param - elapsed
      else
        out[at + 2] = 0
      end
      at = at + 2
    elseif kind == 'c' then
      local held = value[key]
      if held == nil then
        -- leases past their end (a replica that crashed with requests in flight) are only cleared when they could
        -- matter: when the count with them is at the limit, or for a peek, which shows the exact count
        held = redis.call('ZCARD', key)
        if peek or held + 1 > limit then
          redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
          held = redis.call('ZCARD', key)
        end
        value[key] = held
      end
      if not peek and held + 1 > limit then
        return {0, i, 1000, now}
      end
      out[at + 1] = held + (peek and 0 or 1)
      out[at + 2] = 0
      at = at + 2
    else
      local spent = read(key)
      if not peek and spent + cost > limit then
        return {0, i, param, now}
      end
      out[at + 1] = spent + cost
      out[at + 2] = param
      at = at + 2
    end
  end
  if not peek then
    for i = 0, n - 1 do
      local o = a + i * 4
      local kind, cost, param = adm[o], adm[o + 2], adm[o + 3]
      local key = KEYS[k + i]
      if kind == 'r' then
        count(window_keys(key, param)[1], cost, 2 * param + 1000)
      elseif kind == 'c' then
        value[key] = value[key] + 1
        local args = leases[key]
        if args == nil then
          args = {}
          leases[key] = args
        end
        args[#args + 1] = now + param
        args[#args + 1] = member
        lease_ttl[key] = math.max(lease_ttl[key] or 0, param + 1000)
      else
        count(key, cost, (param > 0) and (param + 86400000) or 0)
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

-- the counts, one write per counter
for _, key in ipairs(order) do
  local by = added[key]
  if by ~= 0 then
    if redis.call('INCRBY', key, by) == by and ttl[key] > 0 then redis.call('PEXPIRE', key, ttl[key]) end
  end
end
for key, args in pairs(leases) do
  redis.call('ZADD', key, unpack(args))
  redis.call('PEXPIRE', key, lease_ttl[key])
end
return replies
