#!lua flags=allow-oom
-- One worker's heartbeat, on Redis' clock: no host's wall clock decides who is alive.
-- KEYS[1]: sorted set of workers, scored by last heartbeat (Redis ms)
-- KEYS[2]: this worker's registration: hash of its in-flight lists (in-flight key -> queue key)
-- KEYS[3]: Jesque's set of worker names; KEYS[4]: Jesque's set of queue names
-- KEYS[5]: this worker's published figures
-- ARGV[1]: the worker; ARGV[2]: dead-after (ms); ARGV[3]: figures (JSON), or '' when unchanged;
-- ARGV[4]: their TTL (ms)
-- ARGV[5]: the queue's name; ARGV[6]: the queue's key; ARGV[7..]: the worker's in-flight lists
-- Registers the worker when it is not registered (first beat, or after peers swept it), in the
-- same atomic step as the beat, so a worker is never live without its lists being registered.
-- Returns {1 if it was registered already, Redis' time in ms, number of workers past dead-after}.
local time = redis.call('TIME')
local now = time[1] * 1000 + math.floor(time[2] / 1000)
-- ZADD answers 1 when the worker was not in the set: first beat, or peers swept it.
local registered = redis.call('ZADD', KEYS[1], now, ARGV[1]) == 0
if not registered then
  redis.call('DEL', KEYS[2])
  for i = 7, #ARGV do
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[6])
  end
  redis.call('SADD', KEYS[3], ARGV[1])
  redis.call('SADD', KEYS[4], ARGV[5])
end
if ARGV[3] ~= '' then
  redis.call('SET', KEYS[5], ARGV[3], 'PX', ARGV[4])
end
local dead = redis.call('ZCOUNT', KEYS[1], '-inf', now - tonumber(ARGV[2]))
return {registered and 1 or 0, now, dead}
