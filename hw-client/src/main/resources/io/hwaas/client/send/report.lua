#!lua flags=allow-oom
-- A client container's heartbeat and report for the audit, on Redis' clock.
-- KEYS[1]: sorted set of client containers (Redis ms); KEYS[2]: the container's record (hash)
-- ARGV[1]: the container's member in KEYS[1]; ARGV[2]: the record's TTL (s); then field/value
--          pairs of the record (clients, interval, state, ticks, sent, ledger)
-- A container that is no longer running leaves the set; its record stays for the audit.
-- allow-oom: a full Redis refuses hellos, and the audit must still see who holds them.
local time = redis.call('TIME')
local now = time[1] * 1000 + math.floor(time[2] / 1000)
local state = 'running'
for i = 3, #ARGV, 2 do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  if ARGV[i] == 'state' then
    state = ARGV[i + 1]
  end
end
redis.call('HSET', KEYS[2], 'seen', now)
redis.call('EXPIRE', KEYS[2], ARGV[2])
if state == 'running' then
  redis.call('ZADD', KEYS[1], now, ARGV[1])
else
  redis.call('ZREM', KEYS[1], ARGV[1])
end
return now
