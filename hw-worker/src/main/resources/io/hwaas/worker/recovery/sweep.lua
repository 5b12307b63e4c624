#!lua flags=allow-oom
-- Returns the in-flight jobs of dead workers to the head of their queues, atomically and once.
-- Java side: SweepScript.
-- KEYS: workers (sorted set scored by last heartbeat, Redis ms), jesqueWorkers
-- ARGV: deadAfter (ms): a worker whose last heartbeat is older, on Redis' clock, is dead;
--       registrationPrefix, registrationSuffix: around a worker's name, its hash of in-flight
--       lists (in-flight key -> queue key); only: a worker to retire regardless of its heartbeat
--       (one handing back its own leftovers as it stops), or '' to sweep the dead
-- Because the whole script runs atomically, two workers sweeping at once cannot both requeue a
-- job: the second finds the dead worker already gone from the workers set.
-- A registration, in-flight list or queue of the wrong type (something else wrote the key) is left
-- as it is and named in the reply, and the sweep goes on: one bad entry cannot stop recovery.
-- Returns {jobs requeued, {each worker removed}, {each key left for its wrong type}}.
local workers, jesqueWorkers = KEYS[1], KEYS[2]
local deadAfter, registrationPrefix, registrationSuffix, only = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]
local candidates
if only ~= '' then
  candidates = {only}
else
  local time = redis.call('TIME')
  local cutoff = time[1] * 1000 + math.floor(time[2] / 1000) - deadAfter
  candidates = redis.call('ZRANGEBYSCORE', workers, '-inf', cutoff, 'LIMIT', 0, 64)
end
local jobs, removed, wrongType = 0, {}, {}
-- Whether key is absent or of the expected type; if not, names it in the reply.
local function usable(key, expected)
  local actual = redis.call('TYPE', key)['ok']
  if actual == expected or actual == 'none' then
    return true
  end
  wrongType[#wrongType + 1] = key
  return false
end
for _, worker in ipairs(candidates) do
  local hash = registrationPrefix .. worker .. registrationSuffix
  if usable(hash, 'hash') then
    local lists = redis.call('HGETALL', hash)
    for i = 1, #lists, 2 do
      -- Take from the tail and push to the head, so the jobs keep their order at the front.
      if usable(lists[i], 'list') and usable(lists[i + 1], 'list') then
        while redis.call('LMOVE', lists[i], lists[i + 1], 'RIGHT', 'LEFT') do
          jobs = jobs + 1
        end
      end
    end
    redis.call('DEL', hash)
  end
  redis.call('ZREM', workers, worker)
  redis.call('SREM', jesqueWorkers, worker)
  removed[#removed + 1] = worker
end
return {jobs, removed, wrongType}
