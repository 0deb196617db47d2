-- Adjustments after the fact: a reservation replaced by the real usage, a concurrency lease released, usage recorded,
-- counts kept during an outage put back. A counter never goes below zero (a Redis that restarted empty forgot what a
-- reservation added).
-- KEYS[i] with 3 ARGV each: i (add: amount, ttl ms or 0) | z (release: member, unused) | h (record: field, amount)
for i = 1, #KEYS do
  local o = (i - 1) * 3
  local op, a, b = ARGV[o + 1], ARGV[o + 2], ARGV[o + 3]
  local key = KEYS[i]
  if op == 'i' then
    local v = redis.call('INCRBY', key, tonumber(a))
    if v < 0 then redis.call('SET', key, 0, 'KEEPTTL') end
    if tonumber(b) > 0 then redis.call('PEXPIRE', key, tonumber(b)) end
  elseif op == 'z' then
    redis.call('ZREM', key, a)
  else
    redis.call('HINCRBY', key, a, tonumber(b))
    redis.call('PEXPIRE', key, 34560000000)
  end
end
return #KEYS
