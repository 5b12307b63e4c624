#!lua flags=allow-oom
-- A client container's heartbeat and report for the audit, on Redis' clock. Java side: ReportScript.
-- KEYS: clients (sorted set of client containers, Redis ms), record (the container's hash)
-- ARGV: member (the container's entry in clients), ttl (s, the record's), then field/value pairs
--       of the record (clients, interval, state, ticks, sent, ledger)
-- A container that is no longer running leaves the set; its record stays for the audit.
-- allow-oom: a full Redis refuses hellos, and the audit must still see who holds them.
local clients, record = KEYS[1], KEYS[2]
local member, ttl = ARGV[1], ARGV[2]
local time = redis.call('TIME')
local now = time[1] * 1000 + math.floor(time[2] / 1000)
local state = 'running'
for i = 3, #ARGV, 2 do
  redis.call('HSET', record, ARGV[i], ARGV[i + 1])
  if ARGV[i] == 'state' then
    state = ARGV[i + 1]
  end
end
redis.call('HSET', record, 'seen', now)
redis.call('EXPIRE', record, ttl)
if state == 'running' then
  redis.call('ZADD', clients, now, member)
else
  redis.call('ZREM', clients, member)
end
return now
