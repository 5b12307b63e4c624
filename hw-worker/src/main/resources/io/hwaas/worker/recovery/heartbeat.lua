#!lua flags=allow-oom
-- One worker's heartbeat, on Redis' clock: no host's wall clock decides who is alive.
-- Java side: BeatScript.
-- KEYS: workers (sorted set scored by last heartbeat, Redis ms), registration (this worker's hash
--       of in-flight lists, in-flight key -> queue key), jesqueWorkers, jesqueQueues, figuresKey
-- ARGV: worker, deadAfter (ms), figures (JSON, or '' when unchanged), figuresTtl (ms), queueName,
--       queueKey, then the worker's in-flight lists
-- Registers the worker when it is not registered (first beat, or after peers swept it), in the
-- same atomic step as the beat, so a worker is never live without its lists being registered.
-- Returns {1 if it was registered already, Redis' time in ms, number of workers past dead-after}.
local workers, registration, jesqueWorkers, jesqueQueues, figuresKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local worker, deadAfter, figures, figuresTtl = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local queueName, queueKey = ARGV[5], ARGV[6]
local time = redis.call('TIME')
local now = time[1] * 1000 + math.floor(time[2] / 1000)
-- ZADD answers 1 when the worker was not in the set: first beat, or peers swept it.
local registered = redis.call('ZADD', workers, now, worker) == 0
if not registered then
  redis.call('DEL', registration)
  for i = 7, #ARGV do
    redis.call('HSET', registration, ARGV[i], queueKey)
  end
  redis.call('SADD', jesqueWorkers, worker)
  redis.call('SADD', jesqueQueues, queueName)
end
if figures ~= '' then
  redis.call('SET', figuresKey, figures, 'PX', figuresTtl)
end
local dead = redis.call('ZCOUNT', workers, '-inf', now - deadAfter)
return {registered and 1 or 0, now, dead}
