#!lua flags=allow-oom
-- Returns the in-flight jobs of dead workers to the head of their queues, atomically and once.
-- KEYS[1]: sorted set of workers scored by last heartbeat (Redis ms)
-- KEYS[2]: Jesque's set of worker names
-- ARGV[1]: dead-after (ms): a worker whose last heartbeat is older, on Redis' clock, is dead
-- ARGV[2], ARGV[3]: prefix and suffix of a worker's hash of in-flight lists (in-flight key -> queue key)
-- ARGV[4]: a worker to retire regardless of its heartbeat (a worker handing back its own
--          leftovers as it stops), or '' to sweep the dead
-- Because the whole script runs atomically, two workers sweeping at once cannot both requeue a
-- job: the second finds the dead worker already gone from KEYS[1].
-- Returns {jobs requeued, name of each worker removed...}.
local candidates
if ARGV[4] ~= '' then
  candidates = {ARGV[4]}
else
  local time = redis.call('TIME')
  local cutoff = time[1] * 1000 + math.floor(time[2] / 1000) - tonumber(ARGV[1])
  candidates = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cutoff, 'LIMIT', 0, 64)
end
local result = {0}
for _, worker in ipairs(candidates) do
  local hash = ARGV[2] .. worker .. ARGV[3]
  local lists = redis.call('HGETALL', hash)
  for i = 1, #lists, 2 do
    -- Take from the tail and push to the head, so the jobs keep their order at the front.
    while redis.call('LMOVE', lists[i], lists[i + 1], 'RIGHT', 'LEFT') do
      result[1] = result[1] + 1
    end
  end
  redis.call('DEL', hash)
  redis.call('ZREM', KEYS[1], worker)
  redis.call('SREM', KEYS[2], worker)
  result[#result + 1] = worker
end
return result
